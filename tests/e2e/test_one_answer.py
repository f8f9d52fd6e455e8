"""Every message gets one sensible answer, never a repeat: the whole stack, as `make run` starts
it, with short first messages people really send and messages nobody wrote down."""

from __future__ import annotations

import itertools
import json
import urllib.request
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import OPEN_NOW, RunningStack, answer, post, render_answer

pytestmark = pytest.mark.stack

# The most messages one answer is designed to have (a complaint: registered, then queued).
MAX_MESSAGES = 3


# "Talk to a person", the last of the topic buttons, as each language writes it.
TALK_TO_A_PERSON = {
    "nb": "Snakk med en person",
    "en": "Talk to a person",
    "fi": "Puhu ihmisen kanssa",
    "sv": "Prata med en person",
}


@pytest.mark.parametrize(
    "text",
    [
        "ok",
        "👍",
        # Thanks before anything was answered: nothing to thank for yet, and nothing to rate.
        "kiitos",
        "tack",
        "thanks",
        "takk",
    ],
)
async def test_a_first_ok_thumbs_up_or_thanks_gets_how_can_i_help_with_the_topics(
    stack: RunningStack, text: str
) -> None:
    body = await post(stack, f"first-{text.encode().hex()}", text)
    # One word never sets the language (docs/ARCHITECTURE.md): the answer is in the chat's.
    language = body["language"]
    assert [m["text"] for m in body["messages"]] == [answer("utter_how_can_i_help", language)]
    titles = [b["title"] for b in body["messages"][0]["buttons"]]
    assert TALK_TO_A_PERSON[language] in titles


async def test_a_first_oppet_gets_the_opening_hours_in_one_message(stack: RunningStack) -> None:
    body = await post(stack, "first-oppet", "öppet")
    [said] = [m["text"] for m in body["messages"]]
    assert said.startswith(OPEN_NOW[body["language"]]), said


@pytest.mark.parametrize(
    "text", ["asdf qwer zxcv uiop", "sdfgsdfg jkjkjk hjkl", "qwertzuiop ölkjhg xcvb"]
)
async def test_a_first_keyboard_mash_is_not_understood_and_offers_topics(
    stack: RunningStack, text: str
) -> None:
    body = await post(stack, f"first-{text.encode().hex()}", text)
    assert [m["text"] for m in body["messages"]] == [answer("utter_ask_rephrase", body["language"])]
    assert [b["payload"] for b in body["messages"][0]["buttons"]] == [
        "/invoice_explain",
        "/power_outage",
        "/moving",
    ]


@pytest.mark.parametrize("text", ["stromen e borte", "sahkokatko"])
async def test_typos_of_known_words_are_still_understood(stack: RunningStack, text: str) -> None:
    body = await post(stack, f"typo-{text.encode().hex()}", text)
    assert [m["text"] for m in body["messages"]] == [
        answer("utter_ask_postal_code", body["language"])
    ]


async def test_a_first_bare_customer_number_asks_what_it_is_about_and_keeps_the_number(
    stack: RunningStack,
) -> None:
    body = await post(stack, "first-number", "12345678")
    assert [m["text"] for m in body["messages"]] == [
        answer("utter_what_is_it_about", body["language"])
    ]
    events = await stack.tracker_events("api:first-number")
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["customer_number"] == "12345678"


async def test_a_bare_postal_code_is_remembered_for_the_power_cut_that_follows(
    stack: RunningStack,
) -> None:
    first = await post(stack, "first-postal-code", "7030")
    assert [m["text"] for m in first["messages"]] == [answer("utter_what_is_it_about", "nb")]
    body = await post(stack, "first-postal-code", "Strømbrudd", payload="/power_outage")
    # No known outage at 7030 in content/outages.yml: the bot says so, without asking again.
    assert [m["text"] for m in body["messages"]] == [
        render_answer("utter_outage_none", "nb", postal_code="7030")
    ]


# --- Messages nobody wrote down ------------------------------------------------------------

WORDS = {
    "nb": ["ok", "ja", "nei", "hei", "takk", "regning", "strøm", "hva", "når", "kanskje", "hm"],
    "en": ["ok", "yes", "no", "thanks", "bill", "what", "maybe", "cool", "sure", "why", "hmm"],
    "fi": ["kiitos", "moi", "hei", "kyllä", "ei", "lasku", "sähkö", "milloin", "auki", "selvä"],
    "sv": ["tack", "hej", "öppet", "när", "har", "ni", "räkning", "ström", "nej", "okej"],
    "other": ["danke", "merci", "gracias", "grazie", "hola", "привет", "спасибо", "谢谢", "ok👍"],
}
EMOJI = list("👍🙂😀😡🙏❤️👌🤔😂🔥⚡💡🏠📄✅❌")
PUNCTUATION = "?!.,;:-…'\"()#*/"

words = st.sampled_from(sorted({w for ws in WORDS.values() for w in ws}))
messages = st.one_of(
    words,
    st.lists(words, min_size=2, max_size=5).map(" ".join),
    st.lists(st.sampled_from(EMOJI), min_size=1, max_size=4).map("".join),
    st.from_regex(r"\d{1,12}", fullmatch=True),
    st.from_regex(r"\d{2,4}[ -]?\d{2,6}", fullmatch=True),
    st.text(alphabet=PUNCTUATION, min_size=1, max_size=6),
    # Any letters of any script, mixed, and words far longer than any real one.
    st.text(st.characters(categories=["L", "N", "P", "S"]), min_size=1, max_size=20),
    st.text(st.characters(categories=["Ll"]), min_size=60, max_size=400),
    st.tuples(words, st.sampled_from(EMOJI), st.from_regex(r"\d{4,8}", fullmatch=True)).map(
        " ".join
    ),
).filter(lambda text: text.strip() != "")

senders = itertools.count()


def send(stack: RunningStack, sender: str, text: str) -> dict[str, Any]:
    request = urllib.request.Request(
        f"{stack.url}/api/messages",
        data=json.dumps({"sender": sender, "text": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 200
        return json.loads(response.read())  # type: ignore[no-any-return]


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(conversation=st.lists(messages, min_size=1, max_size=3))
def test_no_message_gets_a_repeat_or_a_flood_of_answers(
    stack: RunningStack, conversation: list[str]
) -> None:
    sender = f"prop-{next(senders)}"
    for turn, text in enumerate(conversation):
        body = send(stack, sender, text)
        said = [m["text"] for m in body["messages"]]
        assert len(said) <= MAX_MESSAGES, f"{text!r} got {len(said)} answers: {said}"
        assert len(set(said)) == len(said), f"{text!r} got the same answer twice: {said}"
        unavailable = answer("utter_unavailable", body["language"])
        assert unavailable not in said, f"{text!r} got no answer from the bot"
        if turn == 0:
            assert said, f"{text!r} as a first message got no answer"
