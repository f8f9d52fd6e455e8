"""The privacy audit trail: every export and erasure of a customer's data, from the desk or the
command line.

One append-only stream entry per use: what was done (`export`, `erase`), to which conversation,
by which agent, and when; nothing else, so the trail itself holds no personal data beyond the
conversation id. It is what a data-protection officer shows the authority, so it is kept as
long as complaints (core/retention.py, trimmed by store/retention.py's sweep), and an erasure
never removes it: store/privacy.py does not look in this stream.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from redis.asyncio import Redis

from store import keys
from store.streams import time_range

Action = Literal["export", "erase"]


@dataclass(frozen=True)
class AuditEntry:
    id: str  # the stream id: its first part is the Unix time in milliseconds
    action: str
    conversation_id: str
    agent: str
    at: float


class PrivacyAudit:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def record(self, action: Action, conversation_id: str, agent: str, at: float) -> str:
        """Append one use to the trail; returns its id."""
        fields = {"action": action, "conversation": conversation_id, "agent": agent, "at": str(at)}
        return str(await self._redis.xadd(keys.privacy_audit(), fields))

    async def history(
        self, since: float | None = None, until: float | None = None
    ) -> list[AuditEntry]:
        """Every recorded use between two Unix times, oldest first."""
        start, end = time_range(since, until)
        return [
            AuditEntry(
                id=entry_id,
                action=fields.get("action", ""),
                conversation_id=fields.get("conversation", ""),
                agent=fields.get("agent", ""),
                at=float(fields.get("at") or 0),
            )
            for entry_id, fields in await self._redis.xrange(keys.privacy_audit(), start, end)
        ]
