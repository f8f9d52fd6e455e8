"""Each conversation's state in Redis: its mode, language and channel.

The mode decides who answers: the bot, the queue, an agent; it lives in Redis so that every
front-door replica routes a conversation the same way.
"""

from __future__ import annotations

import enum
import time
from dataclasses import dataclass

from redis.asyncio import Redis

from core.retention import Retention
from store import keys

LAST_INBOUND = "last_inbound"

# Keeps the later of the stored and the given time: events may be processed out of order.
_RECORD_INBOUND = """
local known = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if tonumber(ARGV[2]) > known then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
end
return 1
"""


class Mode(str, enum.Enum):
    BOT = "bot"
    QUEUED = "queued"
    AGENT = "agent"
    CLOSED = "closed"


@dataclass(frozen=True)
class Conversation:
    id: str
    channel: str
    mode: Mode
    language: str | None
    created: float
    updated: float
    # When the customer last wrote on Messenger (epoch seconds): its reply window counts from it.
    last_inbound: float | None = None

    @classmethod
    def from_hash(cls, conversation_id: str, data: dict[str, str]) -> Conversation:
        return cls(
            id=conversation_id,
            channel=data.get("channel", ""),
            mode=Mode(data.get("mode", Mode.BOT.value)),
            language=data.get("language") or None,
            created=float(data.get("created", 0)),
            updated=float(data.get("updated", 0)),
            last_inbound=float(data[LAST_INBOUND]) if data.get(LAST_INBOUND) else None,
        )


class Conversations:
    def __init__(self, redis: Redis, ttl_seconds: int = Retention().conversation_seconds) -> None:
        self._redis = redis
        self._ttl = ttl_seconds  # from the customer's last message

    async def touch(self, conversation_id: str, channel: str) -> Conversation:
        """Get the conversation, creating it in mode `bot` on its first message."""
        key = keys.conversation(conversation_id)
        now = str(time.time())
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hsetnx(key, "channel", channel)
            pipe.hsetnx(key, "mode", Mode.BOT.value)
            pipe.hsetnx(key, "created", now)
            pipe.hset(key, "updated", now)
            pipe.expire(key, self._ttl)
            pipe.hgetall(key)
            *_, data = await pipe.execute()
        return Conversation.from_hash(conversation_id, data)

    async def get(self, conversation_id: str) -> Conversation | None:
        data = await self._redis.hgetall(keys.conversation(conversation_id))
        return Conversation.from_hash(conversation_id, data) if data else None

    async def set_language(self, conversation_id: str, language: str) -> None:
        await self._redis.hset(keys.conversation(conversation_id), "language", language)

    async def set_mode(self, conversation_id: str, mode: Mode) -> None:
        await self._redis.hset(keys.conversation(conversation_id), "mode", mode.value)

    async def record_inbound(self, conversation_id: str, at: float) -> None:
        """Remember that the customer wrote at `at` (epoch seconds), unless they wrote later."""
        await self._redis.eval(
            _RECORD_INBOUND, 1, keys.conversation(conversation_id), LAST_INBOUND, repr(float(at))
        )
