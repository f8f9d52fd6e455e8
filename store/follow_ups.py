"""Follow-ups: a chat an agent closed as `follow_up` is a promise to contact the customer
again within the company's follow-up promise (two workdays by default).

Each is one JSON record plus its id in a sorted set by due time and events in an append-only
log, as callbacks are: the desk lists them soonest first, an agent takes one (one wins), and
records the outcome: done closes it, not reached puts it back with the attempt noted.
"""

from __future__ import annotations

import enum
import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from redis.asyncio import Redis

from core.clock import Clock, system_clock
from core.pii import mask
from core.retention import Retention
from store import keys
from store.cases import CaseError, by_deadline, change, next_case_number

CASE_PREFIX = "O"  # oppfølging


class Status(str, enum.Enum):
    OPEN = "open"
    TAKEN = "taken"
    DONE = "done"


class FollowUpError(CaseError):
    """A follow-up that does not exist, or a change its state does not allow."""


@dataclass(frozen=True)
class Outcome:
    at: float
    agent: str
    done: bool
    note: str  # masked


@dataclass(frozen=True)
class FollowUp:
    id: str
    case_number: str
    conversation_id: str
    channel: str
    language: str
    topic: str
    handoff_id: str
    created_at: float
    due: float
    status: Status = Status.OPEN
    agent: str | None = None
    outcomes: tuple[Outcome, ...] = ()
    done_at: float | None = None

    def is_overdue(self, now: float) -> bool:
        return self.status is not Status.DONE and now > self.due

    def promise_kept(self) -> bool:
        return self.done_at is not None and self.done_at <= self.due

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "case_number": self.case_number,
            "conversation_id": self.conversation_id,
            "channel": self.channel,
            "language": self.language,
            "topic": self.topic,
            "handoff_id": self.handoff_id,
            "created_at": self.created_at,
            "due": self.due,
            "status": self.status.value,
            "agent": self.agent,
            "outcomes": [
                {"at": o.at, "agent": o.agent, "done": o.done, "note": o.note}
                for o in self.outcomes
            ],
            "done_at": self.done_at,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FollowUp:
        done_at = data.get("done_at")
        return cls(
            id=str(data["id"]),
            case_number=str(data["case_number"]),
            conversation_id=str(data["conversation_id"]),
            channel=str(data["channel"]),
            language=str(data["language"]),
            topic=str(data.get("topic") or ""),
            handoff_id=str(data.get("handoff_id") or ""),
            created_at=float(data["created_at"]),
            due=float(data["due"]),
            status=Status(data["status"]),
            agent=data.get("agent") or None,
            outcomes=tuple(
                Outcome(float(o["at"]), str(o["agent"]), bool(o["done"]), str(o["note"]))
                for o in data.get("outcomes") or ()
            ),
            done_at=float(done_at) if done_at is not None else None,
        )


class FollowUps:
    def __init__(
        self,
        redis: Redis,
        ttl_seconds: int = Retention().follow_up_seconds,
        clock: Clock = system_clock,
    ) -> None:
        self._redis = redis
        self._ttl = ttl_seconds  # from when it was made
        self._now = clock

    async def add(
        self,
        *,
        conversation_id: str,
        channel: str,
        language: str,
        topic: str,
        handoff_id: str,
        created_at: datetime,
        due: datetime,
    ) -> FollowUp:
        """A new follow-up under the next case number."""
        follow_up = FollowUp(
            id=uuid.uuid4().hex,
            case_number=await next_case_number(self._redis, "follow_up", CASE_PREFIX),
            conversation_id=conversation_id,
            channel=channel,
            language=language,
            topic=topic,
            handoff_id=handoff_id,
            created_at=created_at.timestamp(),
            due=due.timestamp(),
        )
        record = json.dumps(follow_up.to_dict(), ensure_ascii=False)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(keys.follow_up(follow_up.id), record, ex=self._ttl)
            pipe.zadd(keys.follow_ups_by_due(), {follow_up.id: follow_up.due})
            pipe.xadd(keys.follow_ups_log(), _event(follow_up.id, "made", created_at, ""))
            await pipe.execute()
        return follow_up

    async def get(self, follow_up_id: str) -> FollowUp | None:
        raw = await self._redis.get(keys.follow_up(follow_up_id))
        return FollowUp.from_dict(json.loads(raw)) if raw else None

    async def pending(self) -> list[FollowUp]:
        """Every follow-up not done yet, soonest due first."""
        every = await by_deadline(
            self._redis, keys.follow_ups_by_due(), keys.follow_up, FollowUp.from_dict
        )
        return [f for f in every if f.status is not Status.DONE]

    async def all_between(self, start: float, end: float) -> list[FollowUp]:
        """Every follow-up due in [start, end), for reports."""
        return await by_deadline(
            self._redis, keys.follow_ups_by_due(), keys.follow_up, FollowUp.from_dict, start, end
        )

    async def take(self, follow_up_id: str, agent: str) -> FollowUp:
        """`agent` contacts the customer now; FollowUpError if another agent has it or it is
        done (taking one's own again does no harm)."""

        def taken(follow_up: FollowUp) -> FollowUp:
            if follow_up.status is Status.DONE:
                raise FollowUpError("the follow-up is done already")
            if follow_up.status is Status.TAKEN and follow_up.agent != agent:
                raise FollowUpError(f"{follow_up.agent} has this follow-up")
            return replace(follow_up, status=Status.TAKEN, agent=agent)

        return await self._change(follow_up_id, taken, "taken", agent)

    async def record_outcome(
        self, follow_up_id: str, agent: str, done: bool, note: str = ""
    ) -> FollowUp:
        """Done closes it; not done (the customer was not reached) puts it back, noted."""
        now = self._now().timestamp()

        def recorded(follow_up: FollowUp) -> FollowUp:
            if follow_up.status is not Status.TAKEN or follow_up.agent != agent:
                raise FollowUpError("take the follow-up before you record what came of it")
            return replace(
                follow_up,
                outcomes=(*follow_up.outcomes, Outcome(now, agent, done, mask(note))),
                status=Status.DONE if done else Status.OPEN,
                agent=agent if done else None,
                done_at=now if done else None,
            )

        return await self._change(follow_up_id, recorded, "done" if done else "not_reached", agent)

    async def _change(
        self, follow_up_id: str, apply: Callable[[FollowUp], FollowUp], event: str, agent: str
    ) -> FollowUp:
        try:
            return await change(
                self._redis,
                keys.follow_up(follow_up_id),
                keys.follow_ups_log(),
                FollowUp.from_dict,
                FollowUp.to_dict,
                apply,
                _event(follow_up_id, event, self._now(), agent),
            )
        except FollowUpError:
            raise
        except CaseError as error:
            raise FollowUpError(str(error)) from None


def _event(follow_up_id: str, event: str, at: datetime, agent: str) -> dict[str, str]:
    return {"follow_up": follow_up_id, "event": event, "at": str(at.timestamp()), "agent": agent}
