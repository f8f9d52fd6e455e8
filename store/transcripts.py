"""The masked transcript of each conversation: what the customer, the bot and agents wrote.

Texts are masked before they are stored, so no national ID or card number reaches Redis,
an agent's screen or a log from here.
"""

from __future__ import annotations

import json

from redis.asyncio import Redis

from core.pii import mask
from core.retention import Retention
from core.transcript import Entry
from store import keys

# Enough for any real conversation; a runaway one cannot grow without bound.
MAX_ENTRIES = 1000


class Transcripts:
    def __init__(self, redis: Redis, ttl_seconds: int = Retention().conversation_seconds) -> None:
        self._redis = redis
        self._ttl = ttl_seconds  # from the latest entry

    async def append(
        self, conversation_id: str, *entries: Entry, then_read: int = 0
    ) -> list[Entry]:
        """Add `entries`; with `then_read`, return that many latest entries (the new ones
        included), read in the same round trip."""
        if not entries:
            return []
        key = keys.transcript(conversation_id)
        masked = [
            json.dumps(Entry(e.role, mask(e.text), e.at, e.buttons).to_dict(), ensure_ascii=False)
            for e in entries
        ]
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.rpush(key, *masked)
            pipe.ltrim(key, -MAX_ENTRIES, -1)
            pipe.expire(key, self._ttl)
            if then_read:
                pipe.lrange(key, -then_read, -1)
            results = await pipe.execute()
        return [Entry.from_dict(json.loads(item)) for item in results[3]] if then_read else []

    async def read(self, conversation_id: str, last: int = MAX_ENTRIES) -> list[Entry]:
        raw = await self._redis.lrange(keys.transcript(conversation_id), -last, -1)
        return [Entry.from_dict(json.loads(item)) for item in raw]
