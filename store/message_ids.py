"""The widget's own message ids the front door has taken, so that a message the widget sends
again (it had no acknowledgement before its socket dropped) is stored and answered once.

Taking a message is a lease: a front door that dies while it answers leaves the id `taken`
until the lease runs out, and then the copy the widget sends again is answered by whichever
front door has it. Once answered, the id is `answered` for as long as a widget may resend.
"""

from __future__ import annotations

import enum

from redis.asyncio import Redis

from store import keys

# Longer than a widget keeps an unacknowledged message (it gives up after a day idle).
SEEN_SECONDS = 2 * 24 * 3600
_TAKEN, _ANSWERED = "taken", "answered"


class Seen(str, enum.Enum):
    NEW = "new"  # the caller has it now, for the lease
    TAKEN = "taken"  # another answer is under way (its front door may yet die)
    ANSWERED = "answered"


class MessageIds:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def take(self, conversation_id: str, client_id: str, lease_seconds: float) -> Seen:
        """Take `client_id` for `lease_seconds` unless it is taken or answered already."""
        key = keys.web_message_seen(conversation_id, client_id)
        if await self._redis.set(key, _TAKEN, nx=True, px=int(lease_seconds * 1000)):
            return Seen.NEW
        return Seen.ANSWERED if await self._redis.get(key) == _ANSWERED else Seen.TAKEN

    async def answered(self, conversation_id: str, client_id: str) -> None:
        """The message was answered: a copy sent again is only acknowledged."""
        key = keys.web_message_seen(conversation_id, client_id)
        await self._redis.set(key, _ANSWERED, ex=SEEN_SECONDS)

    async def forget(self, conversation_id: str, client_id: str) -> None:
        """Let the message be sent again (it could not be stored after all)."""
        await self._redis.delete(keys.web_message_seen(conversation_id, client_id))
