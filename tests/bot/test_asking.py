"""Asking the customer on the real front door and a real Redis: the NLG endpoint adds the
question to the answer Rasa asks for, and the router reads the reply without Rasa (which is
down here: anything the router sends on gets the polite "we can't answer" instead)."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from redis.asyncio import Redis

from bot.app import create_app
from bot.keys import STORES
from core.settings import ROOT, Settings
from core.survey import Kind
from store.conversations import Conversations, Mode
from store.feedback import Feedback

TOKEN = "test-nlg-token"


@pytest.fixture
async def front_door(aiohttp_client, settings: Settings, redis_client: Redis) -> TestClient:  # type: ignore[no-untyped-def]
    return await aiohttp_client(create_app(settings))


@pytest.fixture
def profile_share(settings: Settings, tmp_path: Path) -> Callable[[float], Settings]:
    """Front-door settings over a copy of the content whose profile sets `surveys.nps_share`."""

    def with_share(share: float) -> Settings:
        content = tmp_path / f"share-{share}" / "content"
        shutil.copytree(ROOT / "content", content)
        profile = content / "company.yml"
        written = profile.read_text(encoding="utf-8")
        assert "nps_share: 0.2 " in written
        profile.write_text(written.replace("nps_share: 0.2 ", f"nps_share: {share} "), "utf-8")
        return replace(settings, content=content)

    return with_share


async def answer(
    client: TestClient,
    name: str,
    conversation: str,
    language: str,
    intent: str = "moving",
    text: str = "jeg skal flytte, hva gjør jeg?",
    earlier: tuple[str, ...] = ("opening_hours",),
    **tracker: Any,
) -> dict[str, Any]:
    """Ask the NLG endpoint for an answer as Rasa does, in a turn about `intent`, after
    earlier turns about the `earlier` intents in the same contact."""
    metadata = {"language": language, "channel": "api", **tracker.pop("metadata", {})}
    latest = {"text": text, "intent": {"name": intent}, "metadata": metadata}
    turns = [({"text": "...", "intent": {"name": i}}, "...") for i in earlier]
    events: list[dict[str, Any]] = [{"event": "session_started"}]
    for said, answered in turns:
        events += [{"event": "user", "parse_data": said}, {"event": "bot", "text": answered}]
    events.append({"event": "user", "text": text, "parse_data": latest})
    body = {
        "response": name,
        "arguments": {},
        "tracker": {
            "sender_id": conversation,
            "slots": {},
            "latest_message": latest,
            "active_loop": tracker.pop("active_loop", {}),
            "events": events,
        },
    }
    reply = await client.post("/nlg", params={"token": TOKEN}, json=body)
    assert reply.status == 200, await reply.text()
    return dict(await reply.json())


async def customer(
    client: TestClient, sender: str, text: str, payload: str | None = None
) -> list[dict[str, Any]]:
    body = {"sender": sender, "text": text, **({"payload": payload} if payload else {})}
    response = await client.post("/api/messages", json=body)
    assert response.status == 200, await response.text()
    return list((await response.json())["messages"])


async def recorded(redis: Redis) -> list[tuple[Kind, int, str, str]]:
    now = time.time()
    answers = await Feedback(redis).between(now - 3600, now + 60)
    return [(a.kind, a.value, a.topic, a.text) for a in answers]


async def test_an_answer_that_ends_a_topic_asks_did_that_help_and_a_yes_is_answered_gladly(
    front_door: TestClient, redis_client: Redis
) -> None:
    await Conversations(redis_client).touch("api:kari", "api")
    moving = await answer(front_door, "utter_moving", "api:kari", "nb")
    assert moving["text"].endswith("\n\nHjalp dette?")
    assert [(b["title"], b["payload"]) for b in moving["buttons"]] == [
        ("Ja", "/affirm"),
        ("Nei", "/deny"),
    ]
    # A second answer in the same turn asks nothing more.
    again = await answer(front_door, "utter_contact_info", "api:kari", "nb")
    assert "Hjalp dette?" not in again["text"] and again["buttons"] == []

    [reply] = await customer(front_door, "kari", "ja takk 👍")
    assert reply["text"] == "Så fint! Si fra hvis det er noe mer."
    assert await recorded(redis_client) == [
        (Kind.HELPED, 1, "moving", "jeg skal flytte, hva gjør jeg?")
    ]
    # Every answer the bot gave is kept with its topic.
    given = await front_door.app[STORES].feedback.answered_between(time.time() - 60, time.time())
    assert [(a.answer, a.topic, a.ends_topic) for a in given] == [
        ("utter_moving", "moving", True),
        ("utter_contact_info", "moving", True),
    ]


async def test_a_no_is_offered_the_answers_next_step_in_the_customers_language(
    front_door: TestClient, redis_client: Redis
) -> None:
    await Conversations(redis_client).touch("api:ola", "api")
    hours = await answer(
        front_door,
        "utter_contact_info",
        "api:ola",
        "en",
        intent="contact_info",
        text="how do I reach you",
    )
    assert hours["text"].endswith("\n\nDid that help?")
    [reply] = await customer(front_door, "ola", "No", payload="/deny")
    # utter_contact_info's next step is a callback (ends_topic: request_callback).
    assert reply["text"] == "Sorry that did not help. You can go on here:"
    assert [(b["title"], b["payload"]) for b in reply["buttons"]] == [
        ("Get a call back", "/request_callback")
    ]
    assert await recorded(redis_client) == [(Kind.HELPED, 0, "contact_info", "how do I reach you")]


async def test_a_new_question_instead_of_a_yes_or_no_goes_to_the_bot_and_asks_nothing_more(
    front_door: TestClient, redis_client: Redis
) -> None:
    await Conversations(redis_client).touch("api:per", "api")
    await answer(front_door, "utter_moving", "api:per", "nb")
    [reply] = await customer(front_door, "per", "hvor finner jeg regningen min?")
    assert "Hjalp" not in reply["text"]  # Rasa is down here: the polite "we can't answer"
    assert await recorded(redis_client) == []
    # The next answer comes right after a question: it asks none.
    after = await answer(front_door, "utter_invoice_missing", "api:per", "nb",
                         metadata={"after_question": "helped"})  # fmt: skip
    assert "Hjalp dette?" not in after["text"]


@pytest.mark.parametrize(
    "where",
    [{"active_loop": {"name": "callback_form"}}, {"metadata": {"after_question": "csat"}}],
)
async def test_nothing_is_asked_inside_a_form_or_right_after_a_question(
    front_door: TestClient, redis_client: Redis, where: dict[str, Any]
) -> None:
    await Conversations(redis_client).touch("api:form", "api")
    for name in ("utter_moving", "utter_goodbye"):
        said = await answer(front_door, name, "api:form", "nb", **where)
        assert "\n\n" not in said["text"] and said["buttons"] == []


@pytest.mark.parametrize("mode", [Mode.QUEUED, Mode.AGENT])
async def test_nothing_is_asked_of_a_customer_waiting_for_or_talking_to_a_person(
    front_door: TestClient, redis_client: Redis, mode: Mode
) -> None:
    conversations = Conversations(redis_client)
    await conversations.touch("api:queued", "api")
    await conversations.set_mode("api:queued", mode)
    for name in ("utter_moving", "utter_thank"):
        said = await answer(front_door, name, "api:queued", "en")
        assert "\n\n" not in said["text"] and said["buttons"] == []


async def test_the_end_of_a_contact_asks_csat_once_and_a_typed_rating_is_kept(
    aiohttp_client,
    profile_share: Callable[[float], Settings],
    redis_client: Redis,  # type: ignore[no-untyped-def]
) -> None:
    front_door = await aiohttp_client(create_app(profile_share(0.0)))
    await Conversations(redis_client).touch("api:bye", "api")
    bye = await answer(front_door, "utter_goodbye", "api:bye", "en", intent="goodbye", text="bye")
    assert bye["text"] == (
        "Have a nice day! Write again any time you need help.\n\n"
        "How was the help you got today? Rate us from 1 to 5, where 5 is best."
    )
    assert [b["title"] for b in bye["buttons"]] == ["1", "2", "3", "4", "5"]
    [reply] = await customer(front_door, "bye", "I'd give you a four")
    assert reply["text"] == "Thank you! Your answer helps us get better."
    assert await recorded(redis_client) == [(Kind.CSAT, 4, "goodbye", "")]
    # Thanks and bye again in the same contact: no second rating question.
    again = await answer(front_door, "utter_thank", "api:bye", "en", intent="thank", text="thx")
    assert again["buttons"] == []


@pytest.mark.parametrize("share", [0.0, 1.0])
@pytest.mark.parametrize(
    ("language", "thanks"), [("nb", "takk"), ("en", "thanks"), ("fi", "kiitos"), ("sv", "tack")]
)
async def test_thanks_or_bye_before_the_bot_answered_anything_asks_no_rating(
    aiohttp_client,
    profile_share: Callable[[float], Settings],
    redis_client: Redis,  # type: ignore[no-untyped-def]
    share: float,
    language: str,
    thanks: str,
) -> None:
    front_door = await aiohttp_client(create_app(profile_share(share)))
    await Conversations(redis_client).touch("api:first", "api")
    for name, intent, earlier in [
        ("utter_thank", "thank", ()),
        ("utter_goodbye", "goodbye", ("greet",)),
    ]:
        said = await answer(
            front_door, name, "api:first", language, intent=intent, text=thanks, earlier=earlier
        )
        assert "\n\n" not in said["text"] and said["buttons"] == []
    assert not (await front_door.app[STORES].surveys.asked("api:first")).rated_this_contact


async def test_nps_is_asked_in_the_sample_and_never_twice_within_the_period(
    aiohttp_client,
    profile_share: Callable[[float], Settings],
    redis_client: Redis,  # type: ignore[no-untyped-def]
) -> None:
    front_door = await aiohttp_client(create_app(profile_share(1.0)))
    await Conversations(redis_client).touch("api:nps", "api")
    bye = await answer(
        front_door, "utter_goodbye", "api:nps", "nb", intent="goodbye", text="ha det"
    )
    assert bye["text"].endswith(
        "Hvor sannsynlig er det at du vil anbefale Straumen Energi til en venn? "
        "Svar fra 0 til 10, der 10 er svært sannsynlig."
    )
    assert [b["title"] for b in bye["buttons"]] == [str(n) for n in range(11)]
    [reply] = await customer(front_door, "nps", "10", payload='/rate{"rating": "10"}')
    assert reply["text"] == "Takk! Svaret ditt hjelper oss å bli bedre."
    assert await recorded(redis_client) == [(Kind.NPS, 10, "goodbye", "")]
    # A new contact (the contact's mark lapsed) within the period: CSAT, not NPS again.
    await redis_client.delete("svar:conv:api:nps:rated")
    assert 89 * 86400 < await redis_client.ttl("svar:conv:api:nps:nps") <= 90 * 86400
    later = await answer(front_door, "utter_thank", "api:nps", "nb", intent="thank", text="takk")
    assert [b["title"] for b in later["buttons"]] == ["1", "2", "3", "4", "5"]


async def test_with_a_share_of_zero_nps_is_never_asked(
    aiohttp_client,
    profile_share: Callable[[float], Settings],
    redis_client: Redis,  # type: ignore[no-untyped-def]
) -> None:
    front_door = await aiohttp_client(create_app(profile_share(0.0)))
    for n in range(20):
        await Conversations(redis_client).touch(f"api:c{n}", "api")
        bye = await answer(front_door, "utter_goodbye", f"api:c{n}", "en", intent="goodbye")
        assert "recommend" not in bye["text"] and len(bye["buttons"]) == 5


async def test_the_rating_rasa_asks_after_a_chat_with_a_person_is_left_to_rasa(
    front_door: TestClient, redis_client: Redis
) -> None:
    await Conversations(redis_client).touch("api:desk", "api")
    asked = await answer(front_door, "utter_ask_rating", "api:desk", "nb", intent="handoff_closed")
    assert len(asked["buttons"]) == 5
    [reply] = await customer(front_door, "desk", "5")
    # Not read here: it goes to Rasa (down in this test), whose action keeps it with the handoff.
    assert reply["text"] != "Takk! Svaret ditt hjelper oss å bli bedre."
    assert await recorded(redis_client) == []
    # The contact counts as rated: a goodbye after it asks nothing.
    bye = await answer(front_door, "utter_goodbye", "api:desk", "nb", intent="goodbye")
    assert bye["buttons"] == []
