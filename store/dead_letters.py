"""Webhook events that failed every attempt (bot/channels/inbox.py writes them), for a
supervisor to read in the desk and follow up by hand. Masked; capped in length."""

from __future__ import annotations

from typing import Any

from redis.asyncio import Redis

from store import keys


class DeadLetters:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def recent(self, channels: tuple[str, ...], count: int = 100) -> list[dict[str, Any]]:
        """The latest `count` of each channel, newest first."""
        found: list[dict[str, Any]] = []
        for channel in channels:
            for entry_id, fields in await self._redis.xrevrange(
                keys.inbox_dead(channel), count=count
            ):
                found.append(
                    {
                        "id": entry_id,
                        "channel": channel,
                        "at": int(entry_id.split("-")[0]) / 1000,
                        **fields,
                    }
                )
        return sorted(found, key=lambda letter: letter["at"], reverse=True)
