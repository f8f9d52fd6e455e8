"""How a contact's outcome, containment and first-contact resolution are read from the records."""

from __future__ import annotations

from dataclasses import dataclass, replace

from core.outcomes import (
    Contact,
    HandoffEnd,
    Outcome,
    Turn,
    contacts_of,
    mark_recontacts,
    turns_from_tracker,
    with_answers,
)

HOUR = 3600.0
GAP = 4 * HOUR
DAY = 24 * HOUR


def _user(at: float, intent: str, text: str = "x") -> dict[str, object]:
    return {
        "event": "user",
        "timestamp": 1.0,  # Rasa's own clock: the front door's `at` in the metadata wins
        "text": text,
        "parse_data": {"intent": {"name": intent}},
        "metadata": {"at": at, "channel": "web", "language": "nb"},
    }


def _answer(name: str) -> list[dict[str, object]]:
    return [
        {"event": "action", "name": name},
        {"event": "bot", "text": "...", "metadata": {"utter_action": name}},
    ]


def _one(turns: list[Turn], handoffs: tuple[HandoffEnd, ...] = ()) -> Contact:
    [contact] = contacts_of("c1", turns, list(handoffs), GAP)
    return contact


def test_turns_carry_the_front_doors_time_intent_answers_and_an_open_form() -> None:
    events = [
        {"event": "action", "name": "action_session_start"},
        _user(1000.0, "request_callback", "ring meg"),
        {"event": "action", "name": "callback_form"},
        {"event": "active_loop", "name": "callback_form"},
        *_answer("utter_ask_callback_name"),
        {"event": "action", "name": "action_listen"},
        # The desk's close triggers an intent: not the customer's message, not a turn.
        {"event": "user", "timestamp": 1050.0, "text": "/handoff_closed", "metadata": {}},
        _user(1060.0, "inform", "Kari"),
        {"event": "active_loop", "name": None},
        {"event": "action", "name": "action_register_callback"},
    ]
    first, second = turns_from_tracker(events)
    assert (first.at, first.intent, first.text) == (1000.0, "request_callback", "ring meg")
    assert first.answers == ("utter_ask_callback_name",)
    assert first.actions == ("callback_form",)
    assert first.form_open
    assert (second.at, second.actions, second.form_open) == (
        1060.0,
        ("action_register_callback",),
        False,
    )
    assert (second.channel, second.language) == ("web", "nb")


def test_an_answered_question_is_resolved_by_the_bot_under_its_topic() -> None:
    contact = _one(
        [
            Turn(0.0, "greet", "hei", ("utter_greet",)),
            Turn(30.0, "opening_hours", "når åpner dere", ("utter_opening_hours",)),
            Turn(60.0, "thank", "takk", ("utter_welcome",)),
        ]
    )
    assert (contact.outcome, contact.topic) == (Outcome.BOT_RESOLVED, "opening_hours")
    assert contact.resolved and contact.contained and contact.first_contact_resolved


def test_a_last_answer_of_not_understood_is_not_understood_and_its_message_is_kept() -> None:
    contact = _one(
        [
            Turn(0.0, "invoice_explain", "regning", ("utter_invoice_explain",)),
            Turn(30.0, "nlu_fallback", "hva med gebyr xyz", ("utter_ask_rephrase",)),
        ]
    )
    assert contact.outcome is Outcome.NOT_UNDERSTOOD
    assert contact.misses == ("hva med gebyr xyz",)
    assert not contact.resolved


def test_a_contact_whose_matter_never_became_clear_is_not_understood() -> None:
    contact = _one([Turn(0.0, "greet", "hei", ("utter_greet",))])
    assert contact.outcome is Outcome.NOT_UNDERSTOOD
    assert contact.topic == ""


def test_a_form_left_half_way_is_abandoned() -> None:
    contact = _one([Turn(0.0, "moving", "flytter", ("utter_ask_postal_code",), (), True)])
    assert contact.outcome is Outcome.ABANDONED


def test_a_complaint_and_a_callback_are_their_own_outcomes() -> None:
    complaint = _one([Turn(0.0, "complaint", "klage", (), ("action_register_complaint",))])
    callback = _one(
        [Turn(0.0, "request_callback", "ring", (), ("action_handoff", "action_register_callback"))]
    )
    assert (complaint.outcome, callback.outcome) == (Outcome.COMPLAINT, Outcome.CALLBACK)


def test_a_handoff_taken_by_a_person_is_handed_off_and_resolved_only_when_closed_so() -> None:
    turns = [Turn(0.0, "request_human", "person", (), ("action_handoff",))]
    solved = _one(turns, (HandoffEnd("c1", 1.0, "asked", waited=120.0, outcome="resolved"),))
    follow = _one(turns, (HandoffEnd("c1", 1.0, "asked", waited=60.0, outcome="follow_up"),))
    assert solved.outcome is follow.outcome is Outcome.HANDED_OFF
    assert solved.resolved and solved.first_contact_resolved and not solved.contained
    assert not follow.resolved


def test_leaving_the_queue_before_anyone_took_it_is_abandoned_and_still_waiting_is_not() -> None:
    turns = [Turn(0.0, "request_human", "person", (), ("action_handoff",))]
    left = _one(turns, (HandoffEnd("c1", 1.0, "asked", waited=None, outcome="returned"),))
    waiting = _one(turns, (HandoffEnd("c1", 1.0, "asked"),))
    assert left.outcome is Outcome.ABANDONED
    assert waiting.outcome is Outcome.HANDED_OFF


def test_a_pause_longer_than_the_gap_starts_a_new_contact_and_handoffs_go_to_theirs() -> None:
    turns = [
        Turn(0.0, "opening_hours", "åpent?", ("utter_opening_hours",)),
        Turn(GAP + 1, "request_human", "person", (), ("action_handoff",)),
    ]
    first, second = contacts_of(
        "c1", turns, [HandoffEnd("c1", GAP + 2, "asked", 30.0, "resolved")], GAP
    )
    assert (first.outcome, second.outcome) == (Outcome.BOT_RESOLVED, Outcome.HANDED_OFF)
    assert first.handoff is None


def _resolved(conversation: str, at: float, topic: str) -> Contact:
    return Contact(conversation, at, at + 60, topic, Outcome.BOT_RESOLVED, "web", "nb")


def test_coming_back_about_the_same_topic_within_the_window_is_not_contained() -> None:
    contacts = mark_recontacts(
        [
            _resolved("a", 0.0, "invoice_explain"),
            _resolved("a", 5 * HOUR, "invoice_explain"),  # back within a day
            _resolved("b", 0.0, "invoice_explain"),
            _resolved("b", 2 * DAY, "invoice_explain"),  # back after the window
            _resolved("c", 0.0, "moving"),
            _resolved("c", HOUR, "opening_hours"),  # back about another topic
            _resolved("d", HOUR, "invoice_explain"),  # another customer, same topic
        ],
        DAY,
    )
    recontacted = {(c.conversation_id, c.start) for c in contacts if c.recontacted}
    assert recontacted == {("a", 0.0)}
    assert sum(c.contained for c in contacts) == 6
    assert sum(c.first_contact_resolved for c in contacts) == 6


@dataclass(frozen=True)
class _Said:
    kind: str
    value: int
    conversation_id: str
    at: float
    text: str = ""


def test_answers_go_to_their_own_contact_and_a_no_to_did_that_help_is_not_helped() -> None:
    morning = _resolved("a", 0.0, "fees")
    evening = _resolved("a", 10 * HOUR, "moving")
    handed = replace(
        _resolved("b", 0.0, "moving"),
        outcome=Outcome.HANDED_OFF,
        handoff=HandoffEnd("b", 1.0, "asked", 30.0, "resolved", rating=2),
    )
    said = [
        _Said("helped", 0, "a", 30.0, "gebyr?"),
        _Said("csat", 3, "a", 90.0),
        _Said("nps", 9, "a", 10 * HOUR + 120),  # after the evening contact ended, within the gap
        _Said("csat", 5, "c", 30.0),  # another customer's
    ]
    first, other, second = with_answers([morning, evening, handed], said, GAP)
    assert (first.outcome, first.not_helped, first.csat, first.nps) == (
        Outcome.NOT_HELPED,
        ("gebyr?",),
        3,
        None,
    )
    assert not first.resolved
    assert (second.outcome, second.csat, second.nps) == (Outcome.BOT_RESOLVED, None, 9)
    # Without an answer of its own, a handed-off contact's rating is the one after the handoff.
    assert (other.conversation_id, other.rating) == ("b", 2)
