"""Asking the customer through the whole stack, in nb and en: "did that help?" after a topic's
answer, a "no" offered the next step, a rating at the end of a contact (NPS for the sampled
share, here the profile's share set to 1 and to 0), and never in a form or while queued.

Each stack runs over a copy of the content whose profile sets `surveys.nps_share`
(SVAR_CONTENT), on a Wednesday morning with the desk open."""

from __future__ import annotations

import shutil
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from core.clock import system_clock
from core.settings import ROOT
from core.survey import Kind
from store.agents import Agents
from store.feedback import Answer
from store.presence import Presence, Status
from store.stores import Stores
from tests.helpers import RETENTION, RunningStack, answer, post, start_stack, texts

pytestmark = pytest.mark.stack

WEDNESDAY_10 = "2026-11-25T10:00:00+01:00"
DID_IT_HELP = {"nb": "Hjalp dette?", "en": "Did that help?"}
CSAT = {
    "nb": "Hvordan var hjelpen du fikk i dag? Gi oss en karakter fra 1 til 5, der 5 er best.",
    "en": "How was the help you got today? Rate us from 1 to 5, where 5 is best.",
}
NPS = {
    "nb": "Hvor sannsynlig er det at du vil anbefale Straumen Energi til en venn? "
    "Svar fra 0 til 10, der 10 er svært sannsynlig.",
    "en": "How likely are you to recommend Straumen Energi to a friend? "
    "Answer from 0 to 10, where 10 is very likely.",
}
MOVING = {
    "nb": "jeg skal flytte neste måned, hva må jeg gjøre?",
    "en": "I'm moving to a new flat next month, what do I need to do?",
}
THANKS = {"nb": "tusen takk for hjelpen", "en": "thank you so much for the help"}


@pytest.fixture(scope="module", params=[0.0, 1.0], ids=["nps-share-0", "nps-share-1"])
def nps_share(request: pytest.FixtureRequest) -> float:
    """The profile's `surveys.nps_share` for the module's stack."""
    return float(request.param)


@pytest.fixture(scope="module")
def share_stack(
    nps_share: float,
    redis_server: str,
    trained_model: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[RunningStack]:
    share = nps_share
    content = tmp_path_factory.mktemp("company") / "content"
    shutil.copytree(ROOT / "content", content)
    profile = content / "company.yml"
    written = profile.read_text(encoding="utf-8")
    assert "nps_share: 0.2 " in written
    profile.write_text(written.replace("nps_share: 0.2 ", f"nps_share: {share} "), "utf-8")
    logs = tmp_path_factory.mktemp("asking-logs")
    env = {"SVAR_CLOCK": WEDNESDAY_10, "SVAR_CONTENT": str(content)}
    yield from start_stack(redis_server, 7 + int(share), logs, env)


@pytest.fixture
async def stores(share_stack: RunningStack) -> AsyncIterator[Stores]:
    stores = Stores.connect(share_stack.redis_url, system_clock, RETENTION)
    yield stores
    await stores.close()


async def answers_of(stores: Stores, conversation: str) -> list[Answer]:
    # The stack's clock is set: read a wide period around it.
    now = time.time()
    everything = await stores.feedback.between(now - 400 * 86400, now + 60)
    return [a for a in everything if a.conversation_id == conversation]


@pytest.mark.parametrize("language", ["nb", "en"])
async def test_a_topic_answered_then_no_offers_the_next_step_and_the_form_asks_nothing(
    share_stack: RunningStack, stores: Stores, language: str
) -> None:
    sender = f"no-{language}"
    body = await post(share_stack, sender, MOVING[language])
    [said] = texts(body)
    assert said == f"{answer('utter_moving', language)}\n\n{DID_IT_HELP[language]}"
    assert [b["payload"] for b in body["messages"][0]["buttons"]] == ["/affirm", "/deny"]

    body = await post(share_stack, sender, {"nb": "nei", "en": "no"}[language])
    assert texts(body) == [answer("utter_not_helped", language)]
    [step] = body["messages"][0]["buttons"]
    assert step == {
        "title": {"nb": "Bli ringt opp", "en": "Get a call back"}[language],
        "payload": "/request_callback",
    }
    [helped] = await answers_of(stores, f"api:{sender}")
    assert (helped.kind, helped.value, helped.topic, helped.channel, helped.language) == (
        Kind.HELPED, 0, "moving", "api", language,
    )  # fmt: skip
    assert helped.text == MOVING[language]

    # The next step is one tap, and the form it starts asks none of our questions.
    body = await post(share_stack, sender, step["title"], payload=step["payload"])
    assert texts(body) == [answer("utter_ask_callback_name", language)]
    for typed in ({"nb": "takk", "en": "thanks"}[language], "Kari Nordmann"):
        body = await post(share_stack, sender, typed)
        for message in body["messages"]:
            assert DID_IT_HELP[language] not in message["text"]
            assert CSAT[language] not in message["text"] and NPS[language] not in message["text"]


@pytest.mark.parametrize("language", ["nb", "en"])
async def test_a_thumbs_up_is_a_yes_and_the_end_of_the_contact_asks_one_rating(
    share_stack: RunningStack, stores: Stores, nps_share: float, language: str
) -> None:
    sender = f"yes-{language}"
    await post(share_stack, sender, MOVING[language])
    body = await post(share_stack, sender, "👍")
    assert texts(body) == [answer("utter_glad_helped", language)]

    body = await post(share_stack, sender, THANKS[language])
    [said] = texts(body)
    nps = nps_share == 1.0  # else 0: every contact gets CSAT
    asked = NPS if nps else CSAT
    assert said == f"{answer('utter_thank', language)}\n\n{asked[language]}"
    scale = [str(n) for n in (range(11) if nps else range(1, 6))]
    assert [b["title"] for b in body["messages"][0]["buttons"]] == scale

    body = await post(share_stack, sender, {"nb": "jeg gir dere en firer", "en": "four"}[language])
    assert texts(body) == [answer("utter_thank_rating", language)]
    kinds = [(a.kind, a.value) for a in await answers_of(stores, f"api:{sender}")]
    assert kinds == [(Kind.HELPED, 1), (Kind.NPS if nps else Kind.CSAT, 4)]

    # Bye in the same contact: no second rating, and nothing asked twice in a row.
    body = await post(share_stack, sender, {"nb": "ha det bra", "en": "bye"}[language])
    assert texts(body) == [answer("utter_goodbye", language)]
    assert body["messages"][0]["buttons"] == []


async def test_nothing_is_asked_of_a_customer_waiting_for_a_person(
    share_stack: RunningStack, stores: Stores
) -> None:
    await Agents(stores.redis).add("kari", "Kari", "a-long-desk-password-1")
    presence = Presence(stores.redis, stores.agents)
    await presence.choose("kari", Status.ONLINE)
    await presence.desk_open("kari")
    sender = "queued"
    body = await post(share_stack, sender, MOVING["nb"])
    assert texts(body)[0].endswith(DID_IT_HELP["nb"])
    body = await post(share_stack, sender, "kan jeg få snakke med en person?")
    assert all(DID_IT_HELP["nb"] not in t for t in texts(body))
    handoff = await stores.handoffs.latest_for(f"api:{sender}")
    assert handoff is not None, texts(body)
    # Queued: the bot is silent, so a "nei" or a thanks asks nothing and records nothing.
    for typed in ("nei", "tusen takk"):
        assert texts(await post(share_stack, sender, typed)) == []
    assert await answers_of(stores, f"api:{sender}") == []
    conversation = await stores.conversations.get(f"api:{sender}")
    assert conversation is not None and conversation.mode.value == "queued"
    assert await stores.redis.exists(f"svar:conv:api:{sender}:question") == 0
