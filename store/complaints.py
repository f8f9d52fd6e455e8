"""Complaints as cases: registered in a chat, answered in writing by a deadline.

One JSON record per complaint plus its id in a sorted set by deadline, so that whoever answers
complaints sees them in the order they fall due, and an append-only log of every event for
reports. The customer's words are masked before they are stored; the e-mail address the
customer gave is kept as written, since the answer goes there.
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

# How the written answer is given: the charter says in the same way the complaint came in.
ANSWER_IN_SAME_CHANNEL = "writing, in the channel it came in"
CASE_PREFIX = "K"


class Status(str, enum.Enum):
    OPEN = "open"
    ANSWERED = "answered"
    LATE = "late"  # not a stored status: open past its deadline (Complaint.status_at)


class Decision(str, enum.Enum):
    UPHELD = "upheld"
    PARTLY = "partly"  # partly upheld: the part refused needs its reasons too
    REFUSED = "refused"

    @property
    def needs_reasons(self) -> bool:
        return self is not Decision.UPHELD


class ComplaintError(CaseError):
    """A complaint that does not exist, or a change its state does not allow."""


@dataclass(frozen=True)
class Complaint:
    id: str
    conversation_id: str
    channel: str
    language: str
    text: str  # masked
    registered_at: float
    answer_by: float
    answer_in: str = ANSWER_IN_SAME_CHANNEL
    case_number: str = ""
    topic: str = ""  # the intent the customer asked about before complaining, if any
    email: str = ""  # where the written answer also goes, when the customer gave one
    status: Status = Status.OPEN
    agent: str | None = None  # who took it
    decision: Decision | None = None
    answer: str = ""  # masked
    reasons: str = ""  # masked; required when the complaint is refused, wholly or in part
    answered_at: float | None = None
    delivered: tuple[str, ...] = ()  # where the answer reached the customer: channel, "email"

    def status_at(self, now: float) -> Status:
        """Open, answered, or late: still open after its deadline."""
        if self.status is Status.OPEN and now > self.answer_by:
            return Status.LATE
        return self.status

    def promise_kept(self) -> bool:
        return self.answered_at is not None and self.answered_at <= self.answer_by

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "case_number": self.case_number,
            "conversation_id": self.conversation_id,
            "channel": self.channel,
            "language": self.language,
            "text": self.text,
            "topic": self.topic,
            "email": self.email,
            "registered_at": self.registered_at,
            "answer_by": self.answer_by,
            "answer_in": self.answer_in,
            "status": self.status.value,
            "agent": self.agent,
            "decision": self.decision.value if self.decision else None,
            "answer": self.answer,
            "reasons": self.reasons,
            "answered_at": self.answered_at,
            "delivered": list(self.delivered),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Complaint:
        decision = data.get("decision")
        answered_at = data.get("answered_at")
        return cls(
            id=str(data["id"]),
            conversation_id=str(data["conversation_id"]),
            channel=str(data["channel"]),
            language=str(data["language"]),
            text=str(data["text"]),
            registered_at=float(data["registered_at"]),
            answer_by=float(data["answer_by"]),
            answer_in=str(data.get("answer_in") or ANSWER_IN_SAME_CHANNEL),
            case_number=str(data.get("case_number") or ""),
            topic=str(data.get("topic") or ""),
            email=str(data.get("email") or ""),
            status=Status(data.get("status") or Status.OPEN.value),
            agent=data.get("agent") or None,
            decision=Decision(decision) if decision else None,
            answer=str(data.get("answer") or ""),
            reasons=str(data.get("reasons") or ""),
            answered_at=float(answered_at) if answered_at is not None else None,
            delivered=tuple(data.get("delivered") or ()),
        )


def new_complaint(
    conversation_id: str,
    channel: str,
    language: str,
    text: str,
    registered_at: float,
    answer_by: float,
    topic: str = "",
    email: str = "",
) -> Complaint:
    """A complaint as the customer made it, with the customer's words masked."""
    return Complaint(
        uuid.uuid4().hex,
        conversation_id,
        channel,
        language,
        mask(text),
        registered_at,
        answer_by,
        topic=topic,
        email=email,
    )


class Complaints:
    def __init__(
        self,
        redis: Redis,
        ttl_seconds: int = Retention().complaint_seconds,
        clock: Clock = system_clock,
    ) -> None:
        self._redis = redis
        self._ttl = ttl_seconds  # from when it was made
        self._now = clock

    async def add(self, complaint: Complaint) -> Complaint:
        """Keep a new complaint under the next case number; the complaint as kept."""
        if not complaint.case_number:
            number = await next_case_number(self._redis, "complaint", CASE_PREFIX)
            complaint = replace(complaint, case_number=number)
        record = json.dumps(complaint.to_dict(), ensure_ascii=False)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(keys.complaint(complaint.id), record, ex=self._ttl)
            pipe.zadd(keys.complaints_by_deadline(), {complaint.id: complaint.answer_by})
            pipe.xadd(
                keys.complaints_log(),
                {"complaint": complaint.id, "event": "registered", "record": record},
            )
            await pipe.execute()
        return complaint

    async def get(self, complaint_id: str) -> Complaint | None:
        raw = await self._redis.get(keys.complaint(complaint_id))
        return Complaint.from_dict(json.loads(raw)) if raw else None

    async def by_deadline(self) -> list[Complaint]:
        """Every complaint, the one due first first."""
        return await by_deadline(
            self._redis, keys.complaints_by_deadline(), keys.complaint, Complaint.from_dict
        )

    async def pending(self) -> list[Complaint]:
        """Every complaint not answered yet, the one due first first."""
        return [c for c in await self.by_deadline() if c.status is Status.OPEN]

    async def all_between(self, start: float, end: float) -> list[Complaint]:
        """Every complaint whose deadline falls in [start, end), for reports."""
        return await by_deadline(
            self._redis,
            keys.complaints_by_deadline(),
            keys.complaint,
            Complaint.from_dict,
            start,
            end,
        )

    async def take(self, complaint_id: str, agent: str) -> Complaint:
        """`agent` answers this complaint; ComplaintError if another agent has it or it is
        answered (taking one's own again does no harm)."""

        def taken(complaint: Complaint) -> Complaint:
            if complaint.status is not Status.OPEN:
                raise ComplaintError("the complaint is answered already")
            if complaint.agent not in (None, agent):
                raise ComplaintError(f"{complaint.agent} has this complaint")
            return replace(complaint, agent=agent)

        return await self._change(complaint_id, taken, "taken", agent)

    async def answer(
        self,
        complaint_id: str,
        agent: str,
        decision: Decision,
        answer: str,
        reasons: str,
        delivered: tuple[str, ...],
    ) -> Complaint:
        """The written answer was given (in `delivered`); a refusal must carry its reasons."""
        if decision.needs_reasons and not reasons.strip():
            raise ComplaintError("a refusal must give its reasons")
        now = self._now().timestamp()

        def answered(complaint: Complaint) -> Complaint:
            if complaint.status is not Status.OPEN or complaint.agent != agent:
                raise ComplaintError("take the complaint before you answer it")
            return replace(
                complaint,
                status=Status.ANSWERED,
                decision=decision,
                answer=mask(answer),
                reasons=mask(reasons),
                answered_at=now,
                delivered=delivered,
            )

        return await self._change(complaint_id, answered, "answered", agent)

    async def _change(
        self, complaint_id: str, apply: Callable[[Complaint], Complaint], event: str, agent: str
    ) -> Complaint:
        try:
            return await change(
                self._redis,
                keys.complaint(complaint_id),
                keys.complaints_log(),
                Complaint.from_dict,
                Complaint.to_dict,
                apply,
                _event(complaint_id, event, self._now(), agent),
            )
        except ComplaintError:
            raise
        except CaseError as error:
            raise ComplaintError(str(error)) from None


def _event(complaint_id: str, event: str, at: datetime, agent: str) -> dict[str, str]:
    return {"complaint": complaint_id, "event": event, "at": str(at.timestamp()), "agent": agent}
