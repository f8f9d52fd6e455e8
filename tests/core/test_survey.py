"""The rules of asking "did that help?", CSAT and NPS, and reading what customers answer."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.survey import (
    Kind,
    Moment,
    Question,
    SurveyPolicy,
    answered_a_matter,
    parse_helped,
    parse_rating,
    parse_score,
    question_for,
    sample_point,
)

# An answer that ends a topic, in a quiet moment: nothing asked, nobody waiting, no form.
TOPIC_DONE = Moment(
    ends_topic=True,
    ends_contact=False,
    in_form=False,
    with_person=False,
    asked_last_turn=False,
    asked_this_turn=False,
    rated_this_contact=False,
    nps_lately=False,
    answered_a_matter=True,
)
GOODBYE = replace(TOPIC_DONE, ends_topic=False, ends_contact=True)
HALF = SurveyPolicy(nps_share=0.5, nps_every_days=90)


def test_an_answer_that_ends_a_topic_asks_whether_it_helped() -> None:
    assert question_for(TOPIC_DONE, HALF, 0.9) is Kind.HELPED
    assert question_for(replace(TOPIC_DONE, ends_topic=False), HALF, 0.9) is None


@pytest.mark.parametrize(
    "busy",
    [
        {"in_form": True},
        {"with_person": True},
        {"asked_last_turn": True},
        {"asked_this_turn": True},
    ],
)
@pytest.mark.parametrize("moment", [TOPIC_DONE, GOODBYE])
def test_nothing_is_asked_in_a_form_near_a_person_or_right_after_a_question(
    moment: Moment, busy: dict[str, bool]
) -> None:
    assert question_for(replace(moment, **busy), HALF, 0.0) is None


def test_the_end_of_a_contact_asks_nps_in_the_sample_and_csat_outside_it() -> None:
    assert question_for(GOODBYE, HALF, 0.49) is Kind.NPS
    assert question_for(GOODBYE, HALF, 0.5) is Kind.CSAT
    assert question_for(GOODBYE, SurveyPolicy(nps_share=0.0), 0.0) is Kind.CSAT
    assert question_for(GOODBYE, SurveyPolicy(nps_share=1.0), 0.999) is Kind.NPS


def test_a_customer_asked_nps_lately_gets_csat_and_a_rated_contact_nothing() -> None:
    assert question_for(replace(GOODBYE, nps_lately=True), SurveyPolicy(nps_share=1.0), 0.0) is (
        Kind.CSAT
    )
    assert question_for(replace(GOODBYE, rated_this_contact=True), HALF, 0.0) is None


def test_the_end_of_a_contact_in_which_nothing_was_answered_asks_no_rating() -> None:
    first_thanks = replace(GOODBYE, answered_a_matter=False)
    assert question_for(first_thanks, HALF, 0.0) is None
    assert question_for(first_thanks, HALF, 0.9) is None


def user(intent: str) -> dict[str, object]:
    return {"event": "user", "text": "...", "parse_data": {"intent": {"name": intent}}}


BOT = {"event": "bot", "text": "..."}
STARTED = {"event": "session_started"}


@pytest.mark.parametrize(
    ("events", "answered"),
    [
        ([STARTED, user("thank")], False),
        ([STARTED, user("greet"), BOT, user("thank")], False),
        ([STARTED, user("nlu_fallback"), BOT, user("affirm"), BOT, user("goodbye")], False),
        ([STARTED, user("moving"), BOT, user("thank")], True),
        ([STARTED, user("greet"), BOT, user("opening_hours"), BOT, user("goodbye")], True),
        # A matter answered in an earlier contact is not this contact's.
        ([user("moving"), BOT, STARTED, user("thank")], False),
        # The message being answered now is not yet answered.
        ([STARTED, user("opening_hours")], False),
        ([], False),
    ],
)
def test_a_matter_counts_as_answered_once_a_later_message_came_in_the_same_contact(
    events: list[dict[str, object]], answered: bool
) -> None:
    assert answered_a_matter(events) is answered


@given(
    st.booleans(), st.booleans(), st.booleans(), st.booleans(), st.booleans(), st.booleans(),
    st.booleans(), st.booleans(), st.booleans(), st.floats(0, 1, exclude_max=True),
    st.floats(0, 1),
)  # fmt: skip
def test_no_question_ever_comes_twice_in_a_row_in_a_form_near_a_person_or_before_an_answer(
    topic: bool, contact: bool, form: bool, person: bool, last: bool, this: bool,
    rated: bool, lately: bool, answered: bool, draw: float, share: float,
) -> None:  # fmt: skip
    moment = Moment(topic, contact, form, person, last, this, rated, lately, answered)
    kind = question_for(moment, SurveyPolicy(nps_share=share), draw)
    if form or person or last or this or not (topic or contact):
        assert kind is None
    if kind in (Kind.CSAT, Kind.NPS):
        assert answered
    if kind is Kind.NPS:
        assert contact and not lately and not rated and draw < share


def test_a_conversation_keeps_its_place_in_the_sample_and_the_sample_keeps_its_share() -> None:
    ids = [f"web:{n:06d}" for n in range(10_000)]
    points = [sample_point(i) for i in ids]
    assert points == [sample_point(i) for i in ids]
    assert all(0.0 <= p < 1.0 for p in points)
    sampled = sum(p < 0.2 for p in points) / len(points)
    assert 0.18 < sampled < 0.22


def test_a_policy_outside_its_bounds_is_refused() -> None:
    for wrong in ({"nps_share": 1.5}, {"nps_share": -0.1}, {"nps_every_days": 0}):
        with pytest.raises(ValueError):
            SurveyPolicy(**wrong)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "helped"),
    [
        ("ja", 1), ("Ja!", 1), ("yes", 1), ("Yes, thanks", 1), ("👍", 1), ("👍🏽", 1),
        ("det hjalp", 1), ("it did", 1), ("tusen takk", 1),
        ("nei", 0), ("No", 0), ("👎", 0), ("nei takk", 0), ("det hjalp ikke", 0),
        ("not really", 0), ("no, it did not help at all", 0), ("ikke egentlig", 0),
        ("ok", None), ("hva koster strømmen nå?", None), ("ja, men hvor er regningen min?", None),
        ("", None), ("kundenummer 12345", None),
    ],
)  # fmt: skip
def test_yes_and_no_are_understood_as_customers_type_them(text: str, helped: int | None) -> None:
    assert parse_helped(text) == helped


def test_the_yes_and_no_buttons_are_understood() -> None:
    assert parse_helped("Ja", "/affirm") == 1
    assert parse_helped("Nei", "/deny") == 0
    assert parse_helped("Min regning", "/invoice_explain") is None


@pytest.mark.parametrize(
    ("entity", "text", "score"),
    [
        (None, "9", 9), (None, "10", 10), (None, "0", 0), ("7", "7", 7),
        (None, "9 av 10", 9), (None, "8 out of 10", 8), (None, "ti", 10), (None, "I'd say nine", 9),
        (None, "11", None), (None, "ring meg på 41234567", None), (None, "hvorfor?", None),
    ],
)  # fmt: skip
def test_nps_scores_people_type_are_understood(
    entity: str | None, text: str, score: int | None
) -> None:
    assert parse_score(Kind.NPS, entity, text) == score


@pytest.mark.parametrize(
    ("entity", "text", "rating"),
    [
        ("4", "4", 4),
        (None, "4", 4),
        (None, "fem stjerner", 5),
        (None, "I'd give it 3", 3),
        (None, "jeg gir det en firer", 4),
        (None, "en stjerne", 1),
        (None, "2 out of 5", 2),
        (None, "four out of five", 4),
        (None, "5/5", 5),
        ("fem", "fem stjerner", 5),
        (None, "takk for hjelpen", None),
        (None, "7", None),
        (None, "12345678", None),
    ],
)
def test_ratings_people_type_are_understood(
    entity: str | None, text: str, rating: int | None
) -> None:
    assert parse_rating(entity, text) == rating


def test_a_question_survives_as_written() -> None:
    question = Question(Kind.HELPED, "moving", "jeg skal flytte", "request_callback")
    assert Question.from_dict(question.to_dict()) == question
