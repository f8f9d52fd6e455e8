"""The widget's own message ids the front door has accepted, so that a message the widget sends
again (it had no acknowledgement before its socket dropped) is stored and answered once."""

from __future__ import annotations

from redis.asyncio import Redis

from store import keys

# Longer than a widget keeps an unacknowledged message (it gives up after a day idle).
SEEN_SECONDS = 2 * 24 * 3600


class MessageIds:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def first_time(self, conversation_id: str, client_id: str) -> bool:
        """Remember `client_id`; True the first time it is seen in this conversation."""
        key = keys.web_message_seen(conversation_id, client_id)
        return bool(await self._redis.set(key, "1", nx=True, ex=SEEN_SECONDS))

    async def forget(self, conversation_id: str, client_id: str) -> None:
        """Let the message be sent again (it could not be stored after all)."""
        await self._redis.delete(keys.web_message_seen(conversation_id, client_id))
