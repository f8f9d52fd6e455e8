"""action_handoff and action_save_rating, run as the action server runs them, on a real Redis."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher
from redis.asyncio import Redis

from actions.context import context
from actions.handoff import (
    ActionHandoff,
    ActionSaveRating,
    HandoffRequest,
    chose_to_wait,
    hand_off,
    handed_over_by_fallback,
    is_busy,
)
from core.company import QueuePolicy
from core.survey import Kind
from core.transcript import Entry
from store.agents import Agents
from store.conversations import Conversations, Mode
from store.feedback import Feedback
from store.handoffs import Handoffs, State
from store.presence import Presence, Status
from store.transcripts import Transcripts
from tests.helpers import AGENT_PASSWORD, OSLO, TUESDAY_10, tracker

SUNDAY_03 = datetime(2026, 11, 22, 3, 0, tzinfo=OSLO)
POLICY = QueuePolicy(long_wait_minutes=15, extra_high_load_waiting=8, quiet_return_minutes=30)
FNR = "15076500565"


def user(intent: str, text: str) -> dict[str, Any]:
    return {
        "event": "user",
        "text": text,
        "parse_data": {"intent": {"name": intent}, "entities": []},
        "metadata": {"language": "nb", "channel": "web"},
    }


async def at_the_desk(redis: Redis, username: str, *languages: str) -> None:
    """An agent online with the desk open, serving `languages` (none: every language)."""
    agents = Agents(redis)
    await agents.add(username, username.title(), AGENT_PASSWORD)
    await agents.set_languages(username, languages)
    await Presence(redis, agents).choose(username, Status.ONLINE)
    await Presence(redis, agents).desk_open(username)


def request(conversation_id: str, events: list[dict[str, Any]] | None = None) -> HandoffRequest:
    return HandoffRequest(
        conversation_id,
        "web",
        "nb",
        events or [user("request_human", "kan jeg få en person?")],
        {"customer_number": "12345678"},
    )


async def run_hand_off(
    redis: Redis,
    req: HandoffRequest,
    now: datetime = TUESDAY_10,
    serving: int = 1,
    extra_high_load: bool = False,
) -> Any:
    ctx = context()
    return await hand_off(
        req,
        Handoffs(redis),
        Transcripts(redis),
        calendar=ctx.calendar,
        now=now,
        policy=POLICY,
        minutes_per_place=5,
        agent_language="nb",
        topic_titles={},
        serving=serving,
        extra_high_load=extra_high_load,
    )


async def test_while_open_the_customer_is_queued_with_place_and_wait(redis_client: Redis) -> None:
    await Conversations(redis_client).touch("web:q1", "web")
    await Transcripts(redis_client).append(
        "web:q1", Entry("customer", f"mitt fødselsnummer er {FNR}, kan jeg få en person?")
    )
    reply = await run_hand_off(redis_client, request("web:q1"))
    assert reply.queued
    assert (reply.response, reply.values) == (
        "utter_handoff_queued",
        {"position": 1, "wait_minutes": 5},
    )
    conversation = await Conversations(redis_client).get("web:q1")
    assert conversation is not None and conversation.mode is Mode.QUEUED
    (waiting,) = await Handoffs(redis_client).waiting()
    assert waiting.card.slots == {"customer_number": "12345678"}
    assert (
        waiting.card.transcript[0].text
        == "mitt fødselsnummer er ***********, kan jeg få en person?"
    )

    await Conversations(redis_client).touch("web:q2", "web")
    second = await run_hand_off(redis_client, request("web:q2"))
    assert second.values == {"position": 2, "wait_minutes": 10}


async def test_when_the_desk_is_closed_the_bot_offers_a_callback_instead(
    redis_client: Redis,
) -> None:
    reply = await run_hand_off(redis_client, request("web:night"), now=SUNDAY_03)
    assert not reply.queued
    assert reply.response == "utter_handoff_closed_offer_callback"
    assert reply.values == {
        "next_opening": {"type": "date_time", "value": "2026-11-23T08:00:00+01:00"}
    }
    assert await Handoffs(redis_client).waiting_count() == 0


async def test_with_nobody_online_the_bot_offers_a_callback_and_queues_no_one(
    redis_client: Redis,
) -> None:
    reply = await run_hand_off(redis_client, request("web:alone"), serving=0)
    assert not reply.queued
    assert (reply.response, reply.values) == ("utter_handoff_nobody_offer_callback", {})
    assert await Handoffs(redis_client).waiting_count() == 0


async def test_with_nobody_online_a_power_cut_also_gets_the_on_call_number(
    redis_client: Redis,
) -> None:
    events = [user("power_outage", "strømmen er borte"), user("request_human", "en person")]
    reply = await run_hand_off(redis_client, request("web:dark", events), serving=0)
    assert not reply.queued
    assert reply.response == "utter_handoff_nobody_urgent_offer_callback"


async def test_the_wait_counts_the_agents_online(redis_client: Redis) -> None:
    for i in range(3):  # 5 min per place, two agents: the third and fourth wait 10 min
        await Conversations(redis_client).touch(f"web:two{i}", "web")
        reply = await run_hand_off(redis_client, request(f"web:two{i}"), serving=2)
    assert reply.values == {"position": 3, "wait_minutes": 10}


async def test_a_long_queue_offers_a_callback_first_but_the_customer_may_wait(
    redis_client: Redis,
) -> None:
    for i in range(3):  # 5 min per place: the third waits 15 min, as long as is fine
        await Conversations(redis_client).touch(f"web:busy{i}", "web")
        assert (await run_hand_off(redis_client, request(f"web:busy{i}"))).queued
    reply = await run_hand_off(redis_client, request("web:late"))
    assert not reply.queued
    assert (reply.response, reply.values) == (
        "utter_handoff_busy_offer_callback",
        {"wait_minutes": 20},
    )

    offered = {"event": "bot", "text": "…", "metadata": {"utter_action": reply.response}}
    events = [user("request_human", "person"), offered, user("request_human", "Jeg venter")]
    await Conversations(redis_client).touch("web:late", "web")
    waits = await run_hand_off(redis_client, request("web:late", events))
    assert waits.queued and waits.values == {"position": 4, "wait_minutes": 20}


def test_busy_means_a_long_wait_or_extra_high_load() -> None:
    assert not is_busy(waiting=2, wait_minutes=15, policy=POLICY)
    assert is_busy(waiting=2, wait_minutes=16, policy=POLICY)
    assert is_busy(waiting=8, wait_minutes=1, policy=POLICY)


def test_choosing_to_wait_is_answering_the_busy_offer() -> None:
    busy = {"event": "bot", "metadata": {"utter_action": "utter_handoff_busy_offer_callback"}}
    other = {"event": "bot", "metadata": {"utter_action": "utter_greet"}}
    assert chose_to_wait([busy, {"event": "user"}])
    assert not chose_to_wait([busy, other, {"event": "user"}])
    assert not chose_to_wait([])


async def test_the_action_offers_a_callback_when_the_agent_online_does_not_serve_the_language(
    redis_client: Redis, action_env: None
) -> None:
    await at_the_desk(redis_client, "kari", "nb")
    latest = {
        "intent": {"name": "request_human"},
        "text": "can I talk to someone",
        "metadata": {"language": "en", "channel": "web"},
        "entities": [],
    }
    dispatcher = CollectingDispatcher()
    events = await ActionHandoff().run(
        dispatcher, tracker("web:en", latest, [user("request_human", latest["text"])]), {}
    )
    assert events == []
    assert dispatcher.messages[0]["response"] == "utter_handoff_nobody_offer_callback"
    assert await Handoffs(redis_client).waiting_count() == 0


async def test_the_action_queues_pauses_the_conversation_and_the_rating_is_kept(
    redis_client: Redis, action_env: None
) -> None:
    latest = {
        "intent": {"name": "request_human"},
        "text": "kan jeg få en person?",
        "metadata": {"language": "nb", "channel": "web"},
        "entities": [],
    }
    await Conversations(redis_client).touch("web:act", "web")
    await at_the_desk(redis_client, "kari")
    dispatcher = CollectingDispatcher()
    earlier = [user("moving", "jeg skal flytte"), user("request_human", latest["text"])]
    events = await ActionHandoff().run(dispatcher, tracker("web:act", latest, earlier), {})
    assert [(e["event"], e.get("name")) for e in events] == [
        ("pause", None),
        ("action", "action_listen"),
    ]
    assert dispatcher.messages[0]["response"] == "utter_handoff_queued"
    assert dispatcher.messages[0]["position"] == 1

    store = Handoffs(redis_client)
    (handoff,) = await store.waiting()
    await store.claim(handoff.id, "kari")
    await store.begin_close(handoff.id, "kari")
    await store.finish_close(handoff.id, "kari", "resolved")

    rate = {
        "intent": {"name": "rate"},
        "text": "/rate",
        "entities": [{"entity": "rating", "value": "4"}],
    }
    dispatcher = CollectingDispatcher()
    events = await ActionSaveRating().run(dispatcher, tracker("web:act", rate, []), {})
    assert events == [{"event": "slot", "timestamp": None, "name": "rating", "value": None}]
    assert dispatcher.messages[0]["response"] == "utter_thank_rating"
    rated = await store.get(handoff.id)
    assert rated is not None and rated.state is State.CLOSED and rated.rating == 4
    # The same answer is a CSAT record like a bot-only contact's, about the handoff's topic.
    now = context().now().timestamp()  # the action's clock, set by action_env
    [csat] = await Feedback(redis_client).between(now - 60, now + 60)
    assert (csat.kind, csat.value, csat.conversation_id, csat.channel, csat.topic) == (
        Kind.CSAT, 4, "web:act", "web", "moving",
    )  # fmt: skip


async def test_a_rating_that_cannot_be_read_is_asked_for_again(
    redis_client: Redis, action_env: None
) -> None:
    latest = {"intent": {"name": "rate"}, "text": "tja", "entities": []}
    dispatcher = CollectingDispatcher()
    assert await ActionSaveRating().run(dispatcher, tracker("web:x", latest, []), {}) == []
    assert dispatcher.messages[0]["response"] == "utter_ask_rating"


def test_a_handoff_the_fallback_asked_for_says_not_understood_on_the_card() -> None:
    missed = [
        {"event": "user", "text": "blåbær", "parse_data": {"intent": {"name": "inform"}}},
        {"event": "action", "name": "action_fallback"},
    ]
    assert handed_over_by_fallback(missed)
    asked = [*missed, {"event": "action", "name": "action_listen"},
             {"event": "user", "text": "/request_human"},
             {"event": "action", "name": "utter_handoff_queued"}]  # fmt: skip
    assert not handed_over_by_fallback(asked)
    assert not handed_over_by_fallback([])


async def test_at_extra_high_load_an_empty_queue_offers_a_callback_first(
    redis_client: Redis,
) -> None:
    """A supervisor (or the thresholds) switched extra-high load on: the bot says so first."""
    await Conversations(redis_client).touch("web:load", "web")
    reply = await run_hand_off(redis_client, request("web:load"), extra_high_load=True)
    assert not reply.queued and reply.response == "utter_handoff_busy_offer_callback"
    offered = {"event": "bot", "text": "…", "metadata": {"utter_action": reply.response}}
    events = [user("request_human", "person"), offered, user("request_human", "Jeg venter")]
    waits = await run_hand_off(redis_client, request("web:load", events), extra_high_load=True)
    assert waits.queued


async def test_a_client_over_its_handoff_cap_is_told_politely_and_not_queued(
    redis_client: Redis, action_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SVAR_LIMIT_HANDOFFS_PER_CLIENT", "2/day")
    await at_the_desk(redis_client, "kari")

    async def ask(conversation_id: str, client: str) -> str:
        latest = {
            "intent": {"name": "request_human"},
            "text": "kan jeg få en person?",
            "metadata": {"language": "nb", "channel": "web", "client": client},
            "entities": [],
        }
        await Conversations(redis_client).touch(conversation_id, "web")
        dispatcher = CollectingDispatcher()
        await ActionHandoff().run(
            dispatcher, tracker(conversation_id, latest, [user("request_human", "person")]), {}
        )
        return str(dispatcher.messages[0]["response"])

    said = [await ask(f"web:cap{n}", "ip:one-address") for n in range(3)]
    assert said == ["utter_handoff_queued"] * 2 + ["utter_handoff_cap"]
    assert await ask("web:other", "ip:two") == "utter_handoff_queued"
    waiting = await Handoffs(redis_client).waiting()
    assert sorted(h.conversation_id for h in waiting) == ["web:cap0", "web:cap1", "web:other"]
