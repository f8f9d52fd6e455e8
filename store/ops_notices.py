"""Operations notices: what a supervisor tells customers about a disturbance (a storm, a
planned cut), with a text per language, optionally the postal codes it concerns, a start and
an expected end. The chat widget shows the ones going on (bot/notice.py) and the outage lookup
tells a customer whose postal code one concerns (actions/outage.py).

All in one hash (`svar:ops:notices`, id → JSON). Retention: a notice is dropped a day after
its expected end, each time the notices are read; one without an end stays until removed.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from redis.asyncio import Redis

from store import keys

KEPT_AFTER_END = timedelta(days=1)


@dataclass(frozen=True)
class OpsNotice:
    id: str
    text: dict[str, str]  # by language
    postal_codes: tuple[str, ...]  # none: it concerns every customer
    starts: datetime
    ends: datetime | None
    by: str

    @classmethod
    def new(
        cls,
        *,
        text: dict[str, str],
        postal_codes: tuple[str, ...],
        starts: datetime,
        ends: datetime | None,
        by: str,
    ) -> OpsNotice:
        if starts.utcoffset() is None or (ends is not None and ends.utcoffset() is None):
            raise ValueError("a notice's times need a time zone")
        if ends is not None and ends <= starts:
            raise ValueError("a notice must end after it starts")
        return cls(uuid.uuid4().hex, dict(text), postal_codes, starts, ends, by)

    def is_active(self, now: datetime) -> bool:
        return self.starts <= now and (self.ends is None or now < self.ends)

    def concerns(self, postal_code: str) -> bool:
        return not self.postal_codes or postal_code in self.postal_codes

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "postal_codes": list(self.postal_codes),
            "starts": self.starts.isoformat(),
            "ends": self.ends.isoformat() if self.ends else None,
            "by": self.by,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OpsNotice:
        return cls(
            id=str(data["id"]),
            text={str(k): str(v) for k, v in data["text"].items()},
            postal_codes=tuple(str(c) for c in data.get("postal_codes") or ()),
            starts=datetime.fromisoformat(data["starts"]),
            ends=datetime.fromisoformat(data["ends"]) if data.get("ends") else None,
            by=str(data.get("by") or ""),
        )


class OpsNotices:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def publish(self, notice: OpsNotice) -> None:
        await self._redis.hset(keys.ops_notices(), notice.id, json.dumps(notice.to_dict()))

    async def remove(self, notice_id: str) -> bool:
        return bool(await self._redis.hdel(keys.ops_notices(), notice_id))

    async def all(self, now: datetime) -> list[OpsNotice]:
        """Every notice kept, by start; those past their retention are dropped first."""
        raw = await self._redis.hgetall(keys.ops_notices())
        notices = [OpsNotice.from_dict(json.loads(v)) for v in raw.values()]
        old = [n.id for n in notices if n.ends is not None and n.ends + KEPT_AFTER_END < now]
        if old:
            await self._redis.hdel(keys.ops_notices(), *old)
        return sorted((n for n in notices if n.id not in old), key=lambda n: n.starts)

    async def active(self, now: datetime, postal_code: str | None = None) -> list[OpsNotice]:
        """The notices going on at `now`; with `postal_code`, those that concern it."""
        return [
            n
            for n in await self.all(now)
            if n.is_active(now) and (postal_code is None or n.concerns(postal_code))
        ]
