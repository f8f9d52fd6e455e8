"""The handoff log: every event of every handoff (queued with its card, claimed, transferred,
note, closed, rated), appended by the handoff queue's scripts and read here for reports."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from store import keys
from store.streams import time_range


@dataclass(frozen=True)
class LogEvent:
    """One line of the handoff log: `event` is queued, claimed, transferred, note, closed or rated."""

    id: str  # the stream id: its first part is the Unix time in milliseconds
    handoff_id: str
    event: str
    at: float
    fields: dict[str, str]


class HandoffLog:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def history(
        self, since: float | None = None, until: float | None = None
    ) -> list[LogEvent]:
        """Every logged handoff event between two Unix times, oldest first."""
        start, end = time_range(since, until)
        return [
            LogEvent(
                id=entry_id,
                handoff_id=fields.get("handoff", ""),
                event=fields.get("event", ""),
                at=float(fields.get("at") or 0),
                fields={k: v for k, v in fields.items() if k not in ("handoff", "event", "at")},
            )
            for entry_id, fields in await self._redis.xrange(keys.handoffs_log(), start, end)
        ]
