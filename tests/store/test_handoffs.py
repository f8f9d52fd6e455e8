"""The handoff queue, claims and log against a real Redis."""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis

from store import keys
from store.conversations import Conversations, Mode
from store.handoff_log import HandoffLog
from store.handoffs import Conflict, Handoffs, NotFound, State, estimate_minutes
from tests.helpers import make_card, queue


async def test_cards_queue_in_order_with_their_place_and_the_conversation_is_queued(
    redis_client: Redis,
) -> None:
    store = Handoffs(redis_client)
    for name in ("a", "b", "c"):
        await Conversations(redis_client).touch(f"web:{name}", "web")
    first = await store.enqueue(make_card("web:a"))
    second = await store.enqueue(make_card("web:b"))
    third = await store.enqueue(make_card("web:c"))
    assert [first.position, second.position, third.position] == [1, 2, 3]
    assert [h.conversation_id for h in await store.waiting()] == ["web:a", "web:b", "web:c"]
    assert await store.position(second.handoff_id) == 2
    conversation = await Conversations(redis_client).get("web:b")
    assert conversation is not None and conversation.mode is Mode.QUEUED
    found = await store.get(second.handoff_id)
    assert found is not None and found.state is State.QUEUED
    assert found.card == make_card("web:b")

    await store.claim(first.handoff_id, "kari")
    assert await store.position(second.handoff_id) == 1
    assert await store.waiting_count() == 2


async def test_a_hundred_agents_claiming_one_card_at_once_give_exactly_one_winner(
    redis_client: Redis, redis_url: str
) -> None:
    handoff_id = await queue(redis_client, "web:race")
    clients = [Redis.from_url(redis_url, decode_responses=True) for _ in range(100)]
    try:
        # Each agent on its own connection, all started together.
        await asyncio.gather(*(c.ping() for c in clients))
        claims = await asyncio.gather(
            *(Handoffs(c).claim(handoff_id, f"agent{i}") for i, c in enumerate(clients))
        )
    finally:
        await asyncio.gather(*(c.close() for c in clients))
    winners = [f"agent{i}" for i, claim in enumerate(claims) if claim.won]
    assert len(winners) == 1
    assert {claim.agent for claim in claims} == {winners[0]}
    found = await Handoffs(redis_client).get(handoff_id)
    assert found is not None and found.state is State.CLAIMED and found.agent == winners[0]
    log = await HandoffLog(redis_client).history()
    assert [e.fields["agent"] for e in log if e.event == "claimed"] == winners
    conversation = await Conversations(redis_client).get("web:race")
    assert conversation is not None and conversation.mode is Mode.AGENT


async def test_a_repeated_claim_changes_nothing(redis_client: Redis) -> None:
    store = Handoffs(redis_client)
    handoff_id = await queue(redis_client, "web:twice")
    assert (await store.claim(handoff_id, "kari", now=10.0)).won
    again = await store.claim(handoff_id, "kari", now=20.0)
    assert not again.won and again.agent == "kari" and again.state is State.CLAIMED
    found = await store.get(handoff_id)
    assert found is not None and found.claimed_at == 10.0
    assert [e.event for e in await HandoffLog(redis_client).history()] == ["queued", "claimed"]


async def test_only_the_holder_transfers_and_closing_gives_the_conversation_back_to_the_bot(
    redis_client: Redis,
) -> None:
    store = Handoffs(redis_client)
    handoff_id = await queue(redis_client, "web:close")
    await store.claim(handoff_id, "kari")
    with pytest.raises(Conflict):
        await store.transfer(handoff_id, "ola", "per")
    await store.transfer(handoff_id, "kari", "ola")
    with pytest.raises(Conflict):
        await store.begin_close(handoff_id, "kari")  # not hers any more
    await store.begin_close(handoff_id, "ola")
    await store.begin_close(handoff_id, "ola")  # a repeated click does no harm
    await store.finish_close(handoff_id, "ola", "resolved")
    found = await store.get(handoff_id)
    assert found is not None and found.state is State.CLOSED and found.outcome == "resolved"
    assert await store.claimed() == [] and await store.waiting() == []
    conversation = await Conversations(redis_client).get("web:close")
    assert conversation is not None and conversation.mode is Mode.BOT
    with pytest.raises(NotFound):
        await store.claim("no-such-handoff", "kari")


async def test_a_close_the_bot_could_not_take_back_leaves_the_chat_with_the_agent(
    redis_client: Redis,
) -> None:
    store = Handoffs(redis_client)
    handoff_id = await queue(redis_client, "web:abort")
    await store.claim(handoff_id, "kari")
    await store.begin_close(handoff_id, "kari")
    await store.abort_close(handoff_id, "kari")
    found = await store.get(handoff_id)
    assert found is not None and found.state is State.CLAIMED and found.agent == "kari"
    assert [h.id for h in await store.claimed()] == [handoff_id]


async def test_the_rating_is_kept_once_with_the_closed_handoff(redis_client: Redis) -> None:
    store = Handoffs(redis_client)
    handoff_id = await queue(redis_client, "web:rate")
    assert await store.rate("web:rate", 5) is None  # not closed yet: nothing to rate
    await store.claim(handoff_id, "kari")
    await store.begin_close(handoff_id, "kari")
    await store.finish_close(handoff_id, "kari", "resolved")
    assert await store.rate("web:rate", 4) == handoff_id
    assert await store.rate("web:rate", 1) is None  # a second click changes nothing
    found = await store.get(handoff_id)
    assert found is not None and found.rating == 4
    assert await store.rate("web:nobody", 3) is None
    with pytest.raises(ValueError):
        await store.rate("web:rate", 6)


async def test_the_log_holds_every_event_of_a_handoff_for_reports(redis_client: Redis) -> None:
    store = Handoffs(redis_client)
    handoff_id = await queue(redis_client, "web:log", now=100.0)
    await store.claim(handoff_id, "kari", now=160.0)
    await store.add_note(handoff_id, "kari", f"kunden oppga fnr {15076500565}", now=170.0)
    await store.transfer(handoff_id, "kari", "ola", now=180.0)
    await store.begin_close(handoff_id, "ola")
    await store.finish_close(handoff_id, "ola", "follow_up", now=200.0)
    await store.rate("web:log", 2, now=210.0)
    log = await HandoffLog(redis_client).history()
    assert [(e.event, e.at) for e in log] == [
        ("queued", 100.0),
        ("claimed", 160.0),
        ("note", 170.0),
        ("transferred", 180.0),
        ("closed", 200.0),
        ("rated", 210.0),
    ]
    queued, claimed, note, transferred, closed, rated = log
    assert queued.fields["reason"] == "asked" and "card" in queued.fields
    assert claimed.fields == {"agent": "kari", "waited": "60"}
    assert "15076500565" not in note.fields["text"]
    assert transferred.fields == {"from": "kari", "to": "ola"}
    assert closed.fields == {"agent": "ola", "outcome": "follow_up"}
    assert rated.fields == {"rating": "2"}
    assert all(e.handoff_id == handoff_id for e in log)
    # Reports ask by time: the stream ids are the times the events were written.
    assert len(await HandoffLog(redis_client).history(since=0, until=1)) == 0


async def test_the_wait_estimate_follows_recent_claims(redis_client: Redis) -> None:
    store = Handoffs(redis_client)
    assert await store.wait_minutes(3, default_minutes=5) == 15  # no claims yet: the promise
    first = await queue(redis_client, "web:w1", now=0.0)
    second = await queue(redis_client, "web:w2", now=0.0)
    await store.claim(first, "kari", now=120.0)  # 2 min at place 1
    await store.claim(second, "ola", now=480.0)  # 8 min at place 2: 4 min per place
    assert await redis_client.lrange(keys.handoff_waits(), 0, -1) == ["240", "120"]
    assert await store.wait_minutes(1, default_minutes=5) == 3  # the median: 180 s per place
    assert estimate_minutes(1, 10) == 1  # never "about 0 min"
