"""What customers answered when asked ("did that help?", CSAT, NPS), and which topics the bot
answered: one record each, kept per day so that a period is read back cheaply.

Each record is a member (its JSON) of one sorted set per UTC day, scored by its time:
`svar:feedback:<YYYY-MM-DD>` for answers, `svar:answered:<YYYY-MM-DD>` for the bot's answers.
A day's key expires at the end of that day plus the retention (`feedback_days`), so no sweep
is needed. The time is the clock's (`at`, Unix seconds), not Redis' own, so a stack whose
clock is set a month ahead files its records on those days.

Reading a period: `await stores.feedback.between(since, until)` (and
`answered_between`) reads only the days the period touches, one ZRANGEBYSCORE per day in one
round trip, oldest first. Texts are masked before they are stored; `conversation_records`
finds one conversation's records for the privacy export and erasure (store/privacy.py).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from redis.asyncio import Redis

from core.pii import mask
from core.retention import DAY_SECONDS, Retention
from core.survey import Kind
from store import keys

# Kind lives with the rules of asking (core/survey.py); readers of the records import it here.
__all__ = ["VALUES", "Answer", "Answered", "Feedback", "Kind", "conversation_records"]

VALUES = {Kind.HELPED: range(0, 2), Kind.CSAT: range(1, 6), Kind.NPS: range(0, 11)}


def _new_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class Answer:
    """One answer a customer gave to one of our questions."""

    kind: Kind
    value: int
    conversation_id: str  # the customer: a web conversation, a Messenger PSID, a Telegram chat
    channel: str
    language: str
    topic: str  # the intent the answer was about ("" when none: a contact's end after small talk)
    at: float  # Unix seconds, by the clock
    # "Did that help?": the customer's message the bot's answer was to (masked), so an editor
    # sees what did not help.
    text: str = ""
    id: str = field(default_factory=_new_id)

    def __post_init__(self) -> None:
        if self.value not in VALUES[self.kind]:
            raise ValueError(f"{self.kind.value} answer out of range: {self.value}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind.value,
            "value": self.value,
            "conversation_id": self.conversation_id,
            "channel": self.channel,
            "language": self.language,
            "topic": self.topic,
            "at": self.at,
            "text": self.text,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Answer:
        return cls(
            id=str(data["id"]),
            kind=Kind(data["kind"]),
            value=int(data["value"]),
            conversation_id=str(data["conversation_id"]),
            channel=str(data["channel"]),
            language=str(data["language"]),
            topic=str(data["topic"]),
            at=float(data["at"]),
            text=str(data.get("text", "")),
        )


@dataclass(frozen=True)
class Answered:
    """The bot gave an answer in a conversation: which answer, to which topic (intent)."""

    conversation_id: str
    channel: str
    language: str
    topic: str  # the intent of the customer's message ("nlu_fallback": not understood)
    answer: str  # the answer's name, e.g. utter_invoice_explain
    ends_topic: bool  # the answer is flagged as ending its topic (content/answers/)
    at: float
    text: str = ""  # the customer's message (masked)
    id: str = field(default_factory=_new_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "conversation_id": self.conversation_id,
            "channel": self.channel,
            "language": self.language,
            "topic": self.topic,
            "answer": self.answer,
            "ends_topic": self.ends_topic,
            "at": self.at,
            "text": self.text,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Answered:
        return cls(
            id=str(data["id"]),
            conversation_id=str(data["conversation_id"]),
            channel=str(data["channel"]),
            language=str(data["language"]),
            topic=str(data["topic"]),
            answer=str(data["answer"]),
            ends_topic=bool(data["ends_topic"]),
            at=float(data["at"]),
            text=str(data.get("text", "")),
        )


class Feedback:
    def __init__(self, redis: Redis, keep_seconds: int = Retention().feedback_seconds) -> None:
        self._redis = redis
        self._keep = keep_seconds  # after the end of the record's day

    async def add(self, answer: Answer) -> Answer:
        """Keep a customer's answer (its text masked); returns what was stored."""
        stored = Answer.from_dict({**answer.to_dict(), "text": mask(answer.text)})
        await self._add(keys.feedback_day(_day(stored.at)), stored.at, stored.to_dict())
        return stored

    async def add_answered(self, answered: Answered) -> Answered:
        """Keep that the bot answered a topic (the customer's text masked)."""
        stored = Answered.from_dict({**answered.to_dict(), "text": mask(answered.text)})
        await self._add(keys.answered_day(_day(stored.at)), stored.at, stored.to_dict())
        return stored

    async def between(self, since: float, until: float) -> list[Answer]:
        """Every answer from `since` up to and including `until` (Unix seconds), oldest first."""
        raw = await self._range(keys.feedback_day, since, until)
        return [Answer.from_dict(item) for item in raw]

    async def answered_between(self, since: float, until: float) -> list[Answered]:
        """Every answer the bot gave from `since` up to and including `until`, oldest first."""
        raw = await self._range(keys.answered_day, since, until)
        return [Answered.from_dict(item) for item in raw]

    async def _add(self, key: str, at: float, record: dict[str, Any]) -> None:
        # The day's key lives until the last record of that day has reached its retention.
        day_end = (int(at) // DAY_SECONDS + 1) * DAY_SECONDS
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zadd(key, {json.dumps(record, ensure_ascii=False, sort_keys=True): at})
            pipe.expireat(key, day_end + self._keep)
            await pipe.execute()

    async def _range(self, key_of: Any, since: float, until: float) -> list[dict[str, Any]]:
        days = list(_days(since, until))
        if not days:
            return []
        async with self._redis.pipeline(transaction=False) as pipe:
            for day in days:
                pipe.zrangebyscore(key_of(day), since, until)
            per_day: Sequence[list[str]] = await pipe.execute()
        return [json.loads(member) for members in per_day for member in members]


async def conversation_records(redis: Redis, conversation_id: str) -> dict[str, list[str]]:
    """One conversation's records in every day's set, by key: what the privacy export shows
    and the erasure removes (the members, as stored)."""
    found: dict[str, list[str]] = {}
    for pattern in (keys.feedback_day("*"), keys.answered_day("*")):
        async for key in redis.scan_iter(match=pattern, count=1000):
            mine = [
                member
                for member in await redis.zrange(key, 0, -1)
                if json.loads(member).get("conversation_id") == conversation_id
            ]
            if mine:
                found[key] = mine
    return found


def _day(at: float) -> str:
    return datetime.fromtimestamp(at, timezone.utc).date().isoformat()


def _days(since: float, until: float) -> Iterator[str]:
    """The UTC days from the one holding `since` to the one holding `until`."""
    day = datetime.fromtimestamp(since, timezone.utc).date()
    last = datetime.fromtimestamp(until, timezone.utc).date()
    while day <= last:
        yield day.isoformat()
        day += timedelta(days=1)
