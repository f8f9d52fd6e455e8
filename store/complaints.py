"""Complaints registered in a chat, each with the date by which it is answered in writing.

One JSON record per complaint plus its id in a sorted set by deadline, so that whoever answers
complaints sees them in the order they fall due, and an append-only log of every complaint for
reports. The customer's words are masked before they are stored.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from core.pii import mask
from core.retention import Retention
from store import keys

# How the written answer is given: the charter says in the same way the complaint came in.
ANSWER_IN_SAME_CHANNEL = "writing, in the channel it came in"


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "conversation_id": self.conversation_id,
            "channel": self.channel,
            "language": self.language,
            "text": self.text,
            "registered_at": self.registered_at,
            "answer_by": self.answer_by,
            "answer_in": self.answer_in,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Complaint:
        return cls(
            id=str(data["id"]),
            conversation_id=str(data["conversation_id"]),
            channel=str(data["channel"]),
            language=str(data["language"]),
            text=str(data["text"]),
            registered_at=float(data["registered_at"]),
            answer_by=float(data["answer_by"]),
            answer_in=str(data.get("answer_in") or ANSWER_IN_SAME_CHANNEL),
        )


def new_complaint(
    conversation_id: str,
    channel: str,
    language: str,
    text: str,
    registered_at: float,
    answer_by: float,
) -> Complaint:
    """A complaint as the customer made it, with the customer's words masked."""
    return Complaint(
        uuid.uuid4().hex, conversation_id, channel, language, mask(text), registered_at, answer_by
    )


class Complaints:
    def __init__(self, redis: Redis, ttl_seconds: int = Retention().complaint_seconds) -> None:
        self._redis = redis
        self._ttl = ttl_seconds  # from when it was made

    async def add(self, complaint: Complaint) -> None:
        record = json.dumps(complaint.to_dict(), ensure_ascii=False)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(keys.complaint(complaint.id), record, ex=self._ttl)
            pipe.zadd(keys.complaints_by_deadline(), {complaint.id: complaint.answer_by})
            pipe.xadd(keys.complaints_log(), {"complaint": complaint.id, "record": record})
            await pipe.execute()

    async def get(self, complaint_id: str) -> Complaint | None:
        raw = await self._redis.get(keys.complaint(complaint_id))
        return Complaint.from_dict(json.loads(raw)) if raw else None

    async def by_deadline(self) -> list[Complaint]:
        """Every complaint, the one due first first."""
        ids = await self._redis.zrange(keys.complaints_by_deadline(), 0, -1)
        if not ids:
            return []
        raws = await self._redis.mget([keys.complaint(i) for i in ids])
        return [Complaint.from_dict(json.loads(raw)) for raw in raws if raw]
