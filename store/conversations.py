"""Each conversation's state in Redis: its mode, language and channel.

The mode decides who answers: the bot, the queue, an agent; it lives in Redis so that every
front-door replica routes a conversation the same way.
"""

from __future__ import annotations

import enum
import time
from dataclasses import dataclass

from redis.asyncio import Redis

from store import keys


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

    @classmethod
    def from_hash(cls, conversation_id: str, data: dict[str, str]) -> Conversation:
        return cls(
            id=conversation_id,
            channel=data.get("channel", ""),
            mode=Mode(data.get("mode", Mode.BOT.value)),
            language=data.get("language") or None,
            created=float(data.get("created", 0)),
            updated=float(data.get("updated", 0)),
        )


class Conversations:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def touch(self, conversation_id: str, channel: str) -> Conversation:
        """Get the conversation, creating it in mode `bot` on its first message."""
        key = keys.conversation(conversation_id)
        now = str(time.time())
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hsetnx(key, "channel", channel)
            pipe.hsetnx(key, "mode", Mode.BOT.value)
            pipe.hsetnx(key, "created", now)
            pipe.hset(key, "updated", now)
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
