"""The danger answer through the whole stack: a line down or sparking gets "keep away", the
on-call number and 112 at once, in the customer's language, even in the middle of a form."""

from __future__ import annotations

import pytest

from tests.helpers import GRID_COMPANY, GRID_PHONE, RunningStack, answer, post, texts

pytestmark = pytest.mark.stack

# The danger answer as the customer reads it, written out by hand. The company is a supplier,
# so the number is the grid company's, which owns the lines and answers day and night.
DANGER = {
    "nb": "Hold deg unna! Gå aldri nær en linje som ligger nede eller slår gnister. Hold også "
    f"andre og dyr unna. Ring {GRID_COMPANY} med en gang på {GRID_PHONE}. De eier linjene og "
    "svarer hele døgnet. Er noen i fare, ring 112.",
    "en": "Keep away! Never go near a line that is down or sparking. Keep other people and "
    f"animals away too. Call {GRID_COMPANY} right away on {GRID_PHONE}. They own the power "
    "lines and answer day and night. If anyone is in danger, call 112.",
}


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("nb", "det ligger en linje nede og det gnistrer"),
        ("en", "a power line is down in my garden"),
    ],
)
async def test_a_line_down_gets_the_danger_answer_with_the_on_call_number_and_112(
    stack: RunningStack, language: str, message: str
) -> None:
    body = await post(stack, f"danger-{language}", message)
    assert body["language"] == language
    assert texts(body) == [DANGER[language]]


async def test_danger_in_the_middle_of_the_postal_code_question_wins_and_ends_the_form(
    stack: RunningStack,
) -> None:
    sender = "danger-in-form"
    body = await post(stack, sender, "strømmen har forsvunnet hjemme hos meg")
    assert texts(body) == [answer("utter_ask_postal_code", "nb")]
    body = await post(stack, sender, "og nå ser jeg at det ryker fra en stolpe ute i veien")
    assert texts(body) == [DANGER["nb"]]
    events = await stack.tracker_events(f"api:{sender}")
    loops = [e.get("name") for e in events if e["event"] == "active_loop"]
    assert loops[-1] is None, loops
