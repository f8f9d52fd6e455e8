"""Rasa's trackers, read for reports: every conversation's events as Rasa's tracker store
wrote them (masked, expiring: rasa_plugins/tracker_store.py)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from redis.asyncio import Redis

from store import keys


class RasaTrackers:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def all_events(self) -> AsyncIterator[tuple[str, list[dict[str, Any]]]]:
        """(conversation id, events) of every tracker Redis still keeps, in no order."""
        prefix = keys.rasa_tracker("")
        async for key in self._redis.scan_iter(match=f"{prefix}*", count=500):
            name = key.decode() if isinstance(key, bytes) else str(key)
            raw = await self._redis.get(name)
            if raw is not None:
                yield name.removeprefix(prefix), json.loads(raw).get("events") or []
