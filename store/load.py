"""Extra-high load: one state in Redis, for every front door and the action server.

It is entered on its own when the queue passes the company profile's thresholds (waiting
customers, estimated wait; bot/desk/load.py checks each round of the queue's updates), or
switched by a supervisor at the desk. A supervisor's "on" holds until a supervisor switches it
off; their "off" gives the state back to the thresholds. While on, the widget shows a notice
and the bot offers a callback first when a customer asks for a person (actions/handoff.py).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from store import keys

# The thresholds may switch the state only while no supervisor holds it on.
_FOLLOW = """
if redis.call('HGET', KEYS[1], 'source') == 'supervisor' then return 0 end
redis.call('HSET', KEYS[1], 'on', ARGV[1], 'source', 'thresholds', 'by', '', 'since', ARGV[2])
return 1
"""


class Source(str, enum.Enum):
    THRESHOLDS = "thresholds"
    SUPERVISOR = "supervisor"


@dataclass(frozen=True)
class LoadState:
    on: bool
    source: Source
    by: str  # the supervisor who switched it; empty when the thresholds did
    since: float

    def to_dict(self) -> dict[str, Any]:
        return {"on": self.on, "source": self.source.value, "by": self.by, "since": self.since}

    @classmethod
    def from_hash(cls, data: dict[str, str]) -> LoadState:
        return cls(
            on=data.get("on") == "1",
            source=Source(data.get("source") or Source.THRESHOLDS.value),
            by=data.get("by") or "",
            since=float(data.get("since") or 0),
        )


class Load:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._follow = redis.register_script(_FOLLOW)

    async def get(self) -> LoadState:
        return LoadState.from_hash(await self._redis.hgetall(keys.extra_high_load()))

    async def switch(self, on: bool, supervisor: str, now: float) -> LoadState:
        """A supervisor's choice: on holds until switched off; off hands back to the
        thresholds."""
        source = Source.SUPERVISOR if on else Source.THRESHOLDS
        await self._redis.hset(
            keys.extra_high_load(),
            mapping={"on": int(on), "source": source.value, "by": supervisor, "since": now},
        )
        return await self.get()

    async def follow_thresholds(self, busy: bool, now: float) -> bool:
        """Set the state from the thresholds (unless a supervisor holds it on); True when it
        changed."""
        before = await self.get()
        if before.on == busy or before.source is Source.SUPERVISOR:
            return False
        return bool(await self._follow(keys=[keys.extra_high_load()], args=[int(busy), repr(now)]))
