"""Button payloads too long for a channel's button data (Telegram's 64 bytes), kept for a while
by their digest so that the button carries only the digest."""

from __future__ import annotations

import hashlib

from redis.asyncio import Redis

from store import keys

TTL_SECONDS = 30 * 24 * 3600  # a button in an old chat still works for a month


class ButtonPayloads:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def keep(self, channel: str, payload: str) -> str:
        """Keep `payload` and return its digest, the button's stand-in for it."""
        digest = hashlib.sha256(payload.encode()).hexdigest()[:32]
        await self._redis.set(keys.button_payload(channel, digest), payload, ex=TTL_SECONDS)
        return digest

    async def get(self, channel: str, digest: str) -> str | None:
        value = await self._redis.get(keys.button_payload(channel, digest))
        return str(value) if value is not None else None
