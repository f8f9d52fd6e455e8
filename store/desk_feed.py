"""How every open desk hears of changes, whichever front door it is connected to.

New context cards go into a stream (written by the handoff queue's enqueue script) that the
front doors read through one consumer group and announce; a card is acknowledged only once
announced, so one that a stopped front door had read is announced by another (at least once,
never lost). Everything else the desks see live (claims, messages, notes, closes) is published
on one pub/sub channel. What an event says is the desk's business (bot/desk_events.py).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from store import keys

GROUP = "desk"
QUEUE_MAXLEN = 10_000  # announced cards are acknowledged; the stream need not grow forever


class DeskFeed:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def ensure_group(self) -> None:
        try:
            await self._redis.xgroup_create(keys.handoff_queue(), GROUP, id="0", mkstream=True)
        except ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise

    async def read_new(
        self, consumer: str, block_ms: int, count: int = 20
    ) -> list[tuple[str, str]]:
        """Cards not yet announced: first those this consumer read and did not acknowledge
        (it stopped half-way), then new ones. Returns (stream id, handoff id) pairs."""
        for start in ("0", ">"):
            reply = await self._redis.xreadgroup(
                GROUP,
                consumer,
                {keys.handoff_queue(): start},
                count=count,
                block=None if start == "0" else block_ms,
            )
            entries = [
                (entry_id, (fields or {}).get("handoff", ""))
                for _, items in reply or ()
                for entry_id, fields in items
            ]
            if entries:
                return entries
        return []

    async def reclaim_stale(
        self, consumer: str, idle_ms: int, count: int = 20
    ) -> list[tuple[str, str]]:
        """Cards another front door read and did not announce for `idle_ms`: it stopped."""
        reply = await self._redis.xautoclaim(
            keys.handoff_queue(), GROUP, consumer, min_idle_time=idle_ms, count=count
        )
        return [(entry_id, (fields or {}).get("handoff", "")) for entry_id, fields in reply[1]]

    async def ack(self, *entry_ids: str) -> None:
        if entry_ids:
            await self._redis.xack(keys.handoff_queue(), GROUP, *entry_ids)

    async def announce(self, event: Mapping[str, Any]) -> None:
        """Tell every open desk, on every front door."""
        await self._redis.publish(keys.desk_events(), json.dumps(event, ensure_ascii=False))

    async def events(self) -> AsyncIterator[str]:
        """Every desk event published from now on, as the JSON text the desks get."""
        async with self._redis.pubsub() as pubsub:
            await pubsub.subscribe(keys.desk_events())
            async for item in pubsub.listen():
                if item.get("type") == "message":
                    yield str(item["data"])

    async def take_ticker(self, holder: str, seconds: float) -> bool:
        """Hold the round of queue wait updates for `seconds`, if no front door holds it."""
        return bool(
            await self._redis.set(keys.desk_ticker(), holder, nx=True, px=int(seconds * 1000))
        )
