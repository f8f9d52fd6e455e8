"""The masked transcript of each conversation: what the customer, the bot and agents wrote.

Texts are masked before they are stored, so no national ID or card number reaches Redis,
an agent's screen or a log from here.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis

from bot.pii import mask
from bot.store import keys

# Enough for any real conversation; a runaway one cannot grow without bound.
MAX_ENTRIES = 1000


@dataclass(frozen=True)
class Entry:
    role: str  # "customer", "bot", "agent" or "system"
    text: str
    at: float = field(default_factory=time.time)
    buttons: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, "text": self.text, "at": self.at, "buttons": list(self.buttons)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entry:
        return cls(
            role=str(data["role"]),
            text=str(data["text"]),
            at=float(data["at"]),
            buttons=tuple(data.get("buttons") or ()),
        )


class Transcripts:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def append(self, conversation_id: str, *entries: Entry) -> None:
        if not entries:
            return
        key = keys.transcript(conversation_id)
        masked = [
            json.dumps(Entry(e.role, mask(e.text), e.at, e.buttons).to_dict(), ensure_ascii=False)
            for e in entries
        ]
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.rpush(key, *masked)
            pipe.ltrim(key, -MAX_ENTRIES, -1)
            await pipe.execute()

    async def read(self, conversation_id: str, last: int = MAX_ENTRIES) -> list[Entry]:
        raw = await self._redis.lrange(keys.transcript(conversation_id), -last, -1)
        return [Entry.from_dict(json.loads(item)) for item in raw]
