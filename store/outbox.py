"""Messages for a customer's open web-chat sockets, to whichever front door holds them.

Pub/sub, not a queue: a message starts on one front door (an agent's reply, a queue update)
and every front door forwards it to the sockets it holds; the transcript keeps it for good.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Mapping
from typing import Any

from redis.asyncio import Redis

from store import keys


class Outbox:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def publish(self, conversation_id: str, message: Mapping[str, Any]) -> None:
        await self._redis.publish(keys.outbox(conversation_id), json.dumps(message))

    async def messages(
        self, subscribed: asyncio.Event | None = None
    ) -> AsyncIterator[tuple[str, dict[str, Any]]]:
        """Every message published from now on, to any conversation: (conversation id, message).
        `subscribed` is set once messages are being received (what is published before is not)."""
        async with self._redis.pubsub() as pubsub:
            await pubsub.psubscribe(keys.outbox("*"))
            if subscribed is not None:
                subscribed.set()
            async for item in pubsub.listen():
                if item.get("type") == "pmessage":
                    yield keys.outbox_conversation(item["channel"]), json.loads(item["data"])
