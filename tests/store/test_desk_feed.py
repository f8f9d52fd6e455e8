"""Every new card reaches the desks at least once, whichever front door reads it."""

from __future__ import annotations

from redis.asyncio import Redis

from store.desk_feed import DeskFeed
from tests.helpers import queue


async def test_a_card_read_but_not_announced_is_announced_by_a_front_door_later(
    redis_client: Redis,
) -> None:
    feed = DeskFeed(redis_client)
    await feed.ensure_group()
    handoff_id = await queue(redis_client, "web:announce")
    first = await feed.read_new("frontdoor-1", block_ms=100)
    assert [h for _, h in first] == [handoff_id]
    # frontdoor-1 stops before announcing: after a restart it reads its own pending card first,
    assert [h for _, h in await feed.read_new("frontdoor-1", block_ms=100)] == [handoff_id]
    # and another front door takes it over once it has been idle long enough.
    assert await feed.reclaim_stale("frontdoor-2", idle_ms=60_000) == []
    taken = await feed.reclaim_stale("frontdoor-2", idle_ms=0)
    assert [h for _, h in taken] == [handoff_id]
    await feed.ack(*(entry_id for entry_id, _ in taken))
    assert await feed.read_new("frontdoor-2", block_ms=100) == []
    assert await feed.read_new("frontdoor-1", block_ms=100) == []


async def test_a_card_queued_before_any_front_door_started_is_still_announced(
    redis_client: Redis,
) -> None:
    feed = DeskFeed(redis_client)
    handoff_id = await queue(redis_client, "web:early")  # creates the group from the start
    await feed.ensure_group()
    assert [h for _, h in await feed.read_new("frontdoor", block_ms=100)] == [handoff_id]
