"""How each customer contact ended, and whether it was solved the first time.

Plain functions over the records Svar already keeps: Rasa's tracker of each conversation (what
the customer asked, which answers and actions followed, whether a form was left open; every
message carries the front door's time in its metadata) and the handoff log (queued, claimed,
closed with an outcome). Nothing here reads Redis: bot/reports/insights.py gathers the records.

A contact is a run of a customer's messages without a pause longer than the profile's contact
gap. Its outcome, first that applies: a complaint registered, a callback promised, handed to a
person (abandoned when the customer left the queue before anyone took it), abandoned (left in the
middle of a form), not understood (the bot never learned the matter, or its last answer was "I
did not understand"), else resolved by the bot; but not helped when the customer's last answer to
"did that help?" was no. What customers answered when asked (store/feedback.py) goes with the
contact it came in: its CSAT (else the rating after a handoff) and NPS.

Contained: resolved by the bot, and the same customer did not come back about the same topic
within the re-contact window. First-contact resolution (FCR): resolved by the bot or by a person,
with the same correction.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from core.intents import MISS_ANSWERS, NOT_TOPICS

COMPLAINT_ACTION = "action_register_complaint"
CALLBACK_ACTION = "action_register_callback"
HANDOFF_ACTION = "action_handoff"
# How an agent closes a chat (the desk offers these; the log and reports keep the pick).
AGENT_RESOLVED = "resolved"
AGENT_FOLLOW_UP = "follow_up"  # the chat becomes a task to contact the customer again
AGENT_OUTCOMES = (AGENT_RESOLVED, AGENT_FOLLOW_UP, "customer_left")
STILL_OPEN = "open"  # a handoff no agent has closed yet
NO_TOPIC = ""


class Outcome(str, enum.Enum):
    BOT_RESOLVED = "bot_resolved"
    NOT_HELPED = "not_helped"  # answered, but the customer said it did not help
    HANDED_OFF = "handed_off"
    CALLBACK = "callback"
    COMPLAINT = "complaint"
    ABANDONED = "abandoned"
    NOT_UNDERSTOOD = "not_understood"


# Every name `outcome_name` gives: the insights page shows each with a label from the locale.
OUTCOME_NAMES = (
    *(outcome.value for outcome in Outcome),
    *(f"{Outcome.HANDED_OFF.value}:{end}" for end in (*AGENT_OUTCOMES, STILL_OPEN)),
)


@dataclass(frozen=True)
class Turn:
    """One customer message to the bot and what followed it, from Rasa's tracker."""

    at: float  # the front door's time (epoch seconds)
    intent: str
    text: str  # masked
    answers: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    form_open: bool = False  # a form still waits for an answer after this turn
    channel: str = ""
    language: str = ""
    # Rasa's own time of the message: the real time, as the handoff log's (SVAR_CLOCK moves
    # only the company's time), so a handoff is matched to its contact by it.
    logged_at: float | None = None

    @property
    def real_at(self) -> float:
        return self.at if self.logged_at is None else self.logged_at


@dataclass(frozen=True)
class HandoffEnd:
    """One handoff as the log tells it: when it was queued, whether someone took it, how it
    ended."""

    conversation_id: str
    queued_at: float  # the real time
    reason: str = ""
    waited: float | None = None  # seconds until an agent took it; None: nobody did
    outcome: str | None = None  # the closing outcome; None: still open
    rating: int | None = None


class CustomerAnswer(Protocol):
    """What a customer answered when asked (store/feedback.py's `Answer`): "did that help?"
    (`helped`, 1 yes, 0 no), CSAT (`csat`, 1-5) or NPS (`nps`, 0-10)."""

    @property
    def kind(self) -> str: ...
    @property
    def value(self) -> int: ...
    @property
    def conversation_id(self) -> str: ...
    @property
    def at(self) -> float: ...
    @property
    def text(self) -> str: ...


HELPED, CSAT, NPS = "helped", "csat", "nps"


@dataclass(frozen=True)
class Contact:
    conversation_id: str
    start: float
    end: float  # the last customer message to the bot
    topic: str
    outcome: Outcome
    channel: str
    language: str
    handoff: HandoffEnd | None = None
    misses: tuple[str, ...] = ()  # masked messages the bot did not understand
    recontacted: bool = False
    not_helped: tuple[str, ...] = ()  # masked messages whose answer did not help, they said
    csat: int | None = None  # the customer's rating of the contact, or of the person's help
    nps: int | None = None

    @property
    def rating(self) -> int | None:
        """The contact's CSAT: asked at its end, else the rating after a handoff."""
        if self.csat is not None:
            return self.csat
        return self.handoff.rating if self.handoff is not None else None

    @property
    def resolved(self) -> bool:
        """Solved in this contact, by the bot or by a person."""
        if self.outcome is Outcome.BOT_RESOLVED:
            return True
        return (
            self.outcome is Outcome.HANDED_OFF
            and self.handoff is not None
            and self.handoff.outcome == AGENT_RESOLVED
        )

    @property
    def contained(self) -> bool:
        return self.outcome is Outcome.BOT_RESOLVED and not self.recontacted

    @property
    def first_contact_resolved(self) -> bool:
        return self.resolved and not self.recontacted


def turns_from_tracker(events: Iterable[Mapping[str, Any]]) -> list[Turn]:
    """The customer's turns in a tracker's events (Rasa's JSON form), oldest first."""
    turns: list[Turn] = []
    answers: list[str] = []
    actions: list[str] = []
    form_open = False

    def close_turn() -> None:
        if turns:
            last = turns[-1]
            turns[-1] = Turn(
                last.at, last.intent, last.text, tuple(answers), tuple(actions), form_open,
                last.channel, last.language, last.logged_at,
            )  # fmt: skip

    for event in events:
        kind = event.get("event")
        metadata = event.get("metadata") or {}
        if kind == "user" and _triggered(event, metadata):
            continue  # what followed it belongs to the customer's turn before
        if kind == "user":
            close_turn()
            answers, actions = [], []
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name") or ""
            turns.append(
                Turn(
                    at=float(metadata.get("at") or event.get("timestamp") or 0),
                    intent=str(intent),
                    text=str(event.get("text") or ""),
                    channel=str(metadata.get("channel") or ""),
                    language=str(metadata.get("language") or ""),
                    logged_at=float(event.get("timestamp") or 0),
                )
            )
        elif kind == "bot":
            name = metadata.get("utter_action")
            if name:
                answers.append(str(name))
        elif kind == "action":
            name = str(event.get("name") or "")
            # An answer's name comes with its `bot` event, which custom actions send too.
            if name and not name.startswith("utter_") and name != "action_listen":
                actions.append(name)
        elif kind == "active_loop":
            form_open = bool(event.get("name"))
    close_turn()
    return turns


def _triggered(event: Mapping[str, Any], metadata: Mapping[str, Any]) -> bool:
    """An intent Svar triggered itself (the desk closing a chat: "/handoff_closed"), not a
    customer's message: those come through the front door, which stamps its time on them."""
    return "at" not in metadata and str(event.get("text") or "").startswith("/")


def contacts_of(
    conversation_id: str,
    turns: Sequence[Turn],
    handoffs: Sequence[HandoffEnd],
    gap_seconds: float,
) -> list[Contact]:
    """Split one conversation's turns into contacts and give each its outcome."""
    groups: list[list[Turn]] = []
    for turn in sorted(turns, key=lambda t: t.at):
        if groups and turn.at - groups[-1][-1].at <= gap_seconds:
            groups[-1].append(turn)
        else:
            groups.append([turn])
    contacts = []
    for index, group in enumerate(groups):
        until = groups[index + 1][0].real_at if index + 1 < len(groups) else float("inf")
        handoff = next(
            (h for h in sorted(handoffs, key=lambda h: h.queued_at)
             if group[0].real_at <= h.queued_at < until),
            None,
        )  # fmt: skip
        contacts.append(_contact(conversation_id, group, handoff))
    return contacts


def _contact(conversation_id: str, turns: list[Turn], handoff: HandoffEnd | None) -> Contact:
    topic = next((t.intent for t in turns if t.intent not in NOT_TOPICS), NO_TOPIC)
    actions = {a for t in turns for a in t.actions}
    misses = tuple(t.text for t in turns if MISS_ANSWERS & set(t.answers))
    last = turns[-1]
    if COMPLAINT_ACTION in actions:
        outcome = Outcome.COMPLAINT
    elif CALLBACK_ACTION in actions:
        outcome = Outcome.CALLBACK
    elif handoff is not None:
        # Nobody took it and it is over: the customer left the queue (or it went back quiet).
        left_queue = handoff.waited is None and handoff.outcome is not None
        outcome = Outcome.ABANDONED if left_queue else Outcome.HANDED_OFF
    elif last.form_open:
        outcome = Outcome.ABANDONED
    elif topic == NO_TOPIC or MISS_ANSWERS & set(last.answers):
        outcome = Outcome.NOT_UNDERSTOOD
    else:
        outcome = Outcome.BOT_RESOLVED
    return Contact(
        conversation_id=conversation_id,
        start=turns[0].at,
        end=last.at,
        topic=topic,
        outcome=outcome,
        channel=next((t.channel for t in turns if t.channel), ""),
        language=next((t.language for t in reversed(turns) if t.language), ""),
        handoff=handoff,
        misses=misses,
    )


def with_answers(
    contacts: Iterable[Contact], answers: Iterable[CustomerAnswer], gap_seconds: float
) -> list[Contact]:
    """Each contact with what its customer answered during it or up to a gap after it. A
    bot-resolved contact whose last "did that help?" was no is `not_helped`."""
    ordered = sorted(contacts, key=lambda c: c.start)
    theirs: dict[int, list[CustomerAnswer]] = {}
    for answer in sorted(answers, key=lambda a: a.at):
        index = next(
            (i for i in range(len(ordered) - 1, -1, -1)
             if ordered[i].conversation_id == answer.conversation_id
             and ordered[i].start <= answer.at <= ordered[i].end + gap_seconds),
            None,
        )  # fmt: skip
        if index is not None:
            theirs.setdefault(index, []).append(answer)
    result = []
    for index, contact in enumerate(ordered):
        given = theirs.get(index, [])
        helped = [a for a in given if a.kind == HELPED]
        csat = [a.value for a in given if a.kind == CSAT]
        nps = [a.value for a in given if a.kind == NPS]
        outcome = contact.outcome
        if outcome is Outcome.BOT_RESOLVED and helped and helped[-1].value == 0:
            outcome = Outcome.NOT_HELPED
        result.append(
            replace(
                contact,
                outcome=outcome,
                not_helped=tuple(a.text for a in helped if a.value == 0),
                csat=csat[-1] if csat else None,
                nps=nps[-1] if nps else None,
            )
        )
    return result


def mark_recontacts(contacts: Iterable[Contact], window_seconds: float) -> list[Contact]:
    """Each contact, `recontacted` when the same customer came back about the same topic
    within the window after it ended."""
    ordered = sorted(contacts, key=lambda c: (c.conversation_id, c.start))
    marked = []
    for index, contact in enumerate(ordered):
        later = (
            c for c in ordered[index + 1:]
            if c.conversation_id == contact.conversation_id
            and c.start - contact.end <= window_seconds
        )  # fmt: skip
        back = contact.topic != NO_TOPIC and any(c.topic == contact.topic for c in later)
        marked.append(replace(contact, recontacted=back))
    return sorted(marked, key=lambda c: c.start)


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def outcome_name(contact: Contact) -> str:
    """How a contact ended, as reports name it: a handoff with how the agent closed it."""
    if contact.outcome is Outcome.HANDED_OFF and contact.handoff is not None:
        return f"{Outcome.HANDED_OFF.value}:{contact.handoff.outcome or STILL_OPEN}"
    return contact.outcome.value
