"""The handoff queue and its state machine, in Redis.

A handoff is one hash (its current record, with the context card); every change of state is
one Lua script (store/handoff_scripts.py) that also appends the event to the handoff log
(store/handoff_log.py) and, on enqueue, puts the card on the desks' feed (store/desk_feed.py). Of any number of agents
claiming one card at once exactly one wins, and a repeated request changes nothing. The
conversation's mode changes in the same scripts (queued, agent, back to bot), through the
conversation record's own fields (store/conversations.py). State lives only here, so a restart
of any process but Redis loses nothing.
"""

from __future__ import annotations

import enum
import json
import statistics
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from math import ceil
from typing import Any

from redis.asyncio import Redis

from core.card import ContextCard
from core.pii import mask
from core.retention import Retention
from store import handoff_scripts as scripts
from store import keys
from store.desk_feed import GROUP, QUEUE_MAXLEN

WAIT_SAMPLES = 20
NOTE_MAX_CHARS = 4000


class State(str, enum.Enum):
    QUEUED = "queued"
    CLAIMED = "claimed"
    CLOSING = "closing"  # the agent closed; the bot is taking the conversation back
    CLOSED = "closed"


class HandoffError(Exception):
    """A handoff that does not exist, or a change its state does not allow."""


class NotFound(HandoffError):
    pass


class Conflict(HandoffError):
    """Someone else has it, or it is in a state that does not allow this change."""


@dataclass(frozen=True)
class Handoff:
    id: str
    conversation_id: str
    state: State
    reason: str
    card: ContextCard
    queued_at: float
    position: int  # its place in the queue when it was queued
    agent: str | None = None
    claimed_at: float | None = None
    closed_at: float | None = None
    outcome: str | None = None
    rating: int | None = None
    updated_at: float | None = None  # when the waiting customer was last told their place

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "conversation_id": self.conversation_id,
            "state": self.state.value,
            "reason": self.reason,
            "card": self.card.to_dict(),
            "queued_at": self.queued_at,
            "position": self.position,
            "agent": self.agent,
            "claimed_at": self.claimed_at,
            "closed_at": self.closed_at,
            "outcome": self.outcome,
            "rating": self.rating,
            "updated_at": self.updated_at,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Handoff:
        return cls(
            id=str(data["id"]),
            conversation_id=str(data["conversation_id"]),
            state=State(data["state"]),
            reason=str(data["reason"]),
            card=ContextCard.from_dict(data["card"]),
            queued_at=float(data["queued_at"]),
            position=int(data.get("position") or 1),
            agent=data.get("agent") or None,
            claimed_at=_float(data.get("claimed_at")),
            closed_at=_float(data.get("closed_at")),
            outcome=data.get("outcome") or None,
            rating=int(data["rating"]) if data.get("rating") else None,
            updated_at=_float(data.get("updated_at")),
        )

    @classmethod
    def from_hash(cls, data: Mapping[str, str]) -> Handoff:
        """From the Redis hash, where the card is JSON and every value a string."""
        return cls.from_dict({**data, "card": json.loads(data["card"])})


@dataclass(frozen=True)
class Note:
    """An agent's internal note on a handoff; never shown to the customer."""

    agent: str
    text: str
    at: float

    def to_dict(self) -> dict[str, Any]:
        return {"agent": self.agent, "text": self.text, "at": self.at}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Note:
        return cls(str(data["agent"]), str(data["text"]), float(data["at"]))


@dataclass(frozen=True)
class Queued:
    handoff_id: str
    position: int


@dataclass(frozen=True)
class Claim:
    won: bool
    state: State | None
    agent: str | None  # who has it now


class Handoffs:
    def __init__(self, redis: Redis, ttl_seconds: int = Retention().handoff_seconds) -> None:
        self._redis = redis
        self._ttl = ttl_seconds  # from when it was queued
        self._enqueue = redis.register_script(scripts.ENQUEUE)
        self._claim = redis.register_script(scripts.CLAIM)
        self._transfer = redis.register_script(scripts.TRANSFER)
        self._step = redis.register_script(scripts.STEP)
        self._finish_close = redis.register_script(scripts.FINISH_CLOSE)
        self._rate = redis.register_script(scripts.RATE)
        self._reassign = redis.register_script(scripts.REASSIGN)
        self._return_to_bot = redis.register_script(scripts.RETURN_TO_BOT)

    # --- The queue -----------------------------------------------------------------------

    async def enqueue(self, card: ContextCard, now: float | None = None) -> Queued:
        """Queue the card, and put the conversation in mode `queued`, in one atomic step."""
        handoff_id = uuid.uuid4().hex
        at = time.time() if now is None else now
        position = await self._enqueue(
            keys=[
                keys.handoff(handoff_id),
                keys.handoffs_waiting(),
                keys.conversation(card.conversation_id),
                keys.handoff_queue(),
                keys.handoffs_log(),
            ],
            args=[
                handoff_id,
                card.conversation_id,
                repr(at),
                json.dumps(card.to_dict(), ensure_ascii=False),
                card.reason.value,
                GROUP,
                QUEUE_MAXLEN,
                self._ttl,
            ],
        )
        await self._redis.hincrby(keys.handoffs_by_reason(), card.reason.value, 1)
        return Queued(handoff_id, int(position))

    async def get(self, handoff_id: str) -> Handoff | None:
        data = await self._redis.hgetall(keys.handoff(handoff_id))
        return Handoff.from_hash(data) if data.get("card") else None

    async def latest_for(self, conversation_id: str) -> Handoff | None:
        """The conversation's most recent handoff, open or closed."""
        handoff_id = await self._redis.hget(keys.conversation(conversation_id), "handoff")
        return await self.get(handoff_id) if handoff_id else None

    async def waiting(self, start: int = 0, count: int | None = None) -> list[Handoff]:
        """Unclaimed handoffs, first in line first; `count` of them from place `start` + 1."""
        end = -1 if count is None else start + count - 1
        return await self._many(await self._redis.zrange(keys.handoffs_waiting(), start, end))

    async def claimed(self) -> list[Handoff]:
        """Handoffs an agent has and has not closed yet."""
        return await self._many(await self._redis.zrange(keys.handoffs_claimed(), 0, -1))

    async def waiting_count(self) -> int:
        return int(await self._redis.zcard(keys.handoffs_waiting()))

    async def counts_by_reason(self) -> dict[str, int]:
        """How many conversations were ever handed over, per reason."""
        counts = await self._redis.hgetall(keys.handoffs_by_reason())
        return {reason: int(count) for reason, count in counts.items()}

    async def position(self, handoff_id: str) -> int | None:
        rank = await self._redis.zrank(keys.handoffs_waiting(), handoff_id)
        return None if rank is None else int(rank) + 1

    async def wait_minutes(self, position: int, default_minutes: float, agents: int = 1) -> int:
        """Estimated wait at `position` with `agents` online taking customers in turn, from
        how long the latest claimed customers waited per place in the queue; `default_minutes`
        per place until there are claims to go by."""
        samples = [float(s) for s in await self._redis.lrange(keys.handoff_waits(), 0, -1)]
        per_place = statistics.median(samples) if samples else default_minutes * 60
        return estimate_minutes(ceil(position / max(1, agents)), per_place)

    # --- Claims, transfers, closing ------------------------------------------------------

    async def claim(self, handoff_id: str, agent: str, now: float | None = None) -> Claim:
        """Take an unclaimed handoff; of many agents at once, exactly one wins."""
        conversation_id = await self._conversation_of(handoff_id)
        at = time.time() if now is None else now
        won, state, holder = await self._claim(
            keys=[
                keys.handoff(handoff_id),
                keys.handoffs_waiting(),
                keys.handoffs_claimed(),
                keys.conversation(conversation_id),
                keys.handoff_waits(),
                keys.handoffs_log(),
            ],
            args=[handoff_id, agent, repr(at), WAIT_SAMPLES],
        )
        return Claim(bool(won), State(state) if state else None, holder or None)

    async def transfer(
        self, handoff_id: str, from_agent: str, to_agent: str, now: float | None = None
    ) -> None:
        """Give a claimed handoff to another agent; only its holder can."""
        await self._conversation_of(handoff_id)
        at = time.time() if now is None else now
        result = await self._transfer(
            keys=[keys.handoff(handoff_id), keys.handoffs_log()],
            args=[handoff_id, from_agent, to_agent, repr(at)],
        )
        _check(result)

    async def reassign(
        self, handoff_id: str, to_agent: str, supervisor: str, now: float | None = None
    ) -> None:
        """A supervisor gives an open handoff, queued or claimed by anyone, to `to_agent`."""
        conversation_id = await self._conversation_of(handoff_id)
        at = time.time() if now is None else now
        result = await self._reassign(
            keys=[
                keys.handoff(handoff_id),
                keys.handoffs_waiting(),
                keys.handoffs_claimed(),
                keys.conversation(conversation_id),
                keys.handoffs_log(),
            ],
            args=[handoff_id, to_agent, repr(at), supervisor],
        )
        _check(result)

    async def return_to_bot(self, handoff: Handoff, now: float | None = None) -> bool:
        """Close a handoff gone quiet (outcome `returned`) and give the conversation back to
        the bot; False when it changed state meanwhile (someone acted after all)."""
        at = time.time() if now is None else now
        done = await self._return_to_bot(
            keys=[
                keys.handoff(handoff.id),
                keys.handoffs_waiting(),
                keys.handoffs_claimed(),
                keys.conversation(handoff.conversation_id),
                keys.handoffs_log(),
            ],
            args=[handoff.id, repr(at), handoff.state.value],
        )
        return bool(done)

    async def begin_close(self, handoff_id: str, agent: str) -> None:
        """Mark the holder's handoff as closing, before the bot takes the conversation back."""
        await self._conversation_of(handoff_id)
        _check(
            await self._step(
                keys=[keys.handoff(handoff_id)],
                args=[agent, State.CLAIMED.value, State.CLOSING.value],
            )
        )

    async def abort_close(self, handoff_id: str, agent: str) -> None:
        """The bot could not take it back: the agent still has the conversation."""
        _check(
            await self._step(
                keys=[keys.handoff(handoff_id)],
                args=[agent, State.CLOSING.value, State.CLAIMED.value],
            )
        )

    async def finish_close(
        self, handoff_id: str, agent: str, outcome: str, now: float | None = None
    ) -> None:
        """Close it for good and give the conversation back to the bot (mode `bot`)."""
        conversation_id = await self._conversation_of(handoff_id)
        at = time.time() if now is None else now
        result = await self._finish_close(
            keys=[
                keys.handoff(handoff_id),
                keys.handoffs_claimed(),
                keys.conversation(conversation_id),
                keys.handoffs_log(),
            ],
            args=[handoff_id, agent, repr(at), outcome],
        )
        _check(result)

    async def rate(self, conversation_id: str, rating: int, now: float | None = None) -> str | None:
        """Store the customer's 1-5 rating (CSAT) with their latest closed handoff, once.
        Returns the handoff's id, or None when there was nothing to rate."""
        if not 1 <= rating <= 5:
            raise ValueError(f"a rating is 1 to 5, not {rating}")
        handoff_id = await self._redis.hget(keys.conversation(conversation_id), "handoff")
        if not handoff_id:
            return None
        at = time.time() if now is None else now
        rated = await self._rate(
            keys=[keys.handoff(handoff_id), keys.handoffs_log()],
            args=[handoff_id, rating, repr(at)],
        )
        return str(handoff_id) if rated else None

    async def mark_updated(self, handoff_id: str, now: float) -> None:
        """Remember when the waiting customer was last told their place in the queue."""
        await self._redis.hset(keys.handoff(handoff_id), "updated_at", repr(now))

    # --- Notes ---------------------------------------------------------------------------

    async def add_note(
        self, handoff_id: str, agent: str, text: str, now: float | None = None
    ) -> Note:
        await self._conversation_of(handoff_id)
        note = Note(agent, mask(text.strip()[:NOTE_MAX_CHARS]), time.time() if now is None else now)
        # The notes go when their handoff goes, never later: erase finds them through it.
        left_ms = await self._redis.pttl(keys.handoff(handoff_id))
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.rpush(
                keys.handoff_notes(handoff_id), json.dumps(note.to_dict(), ensure_ascii=False)
            )
            if left_ms > 0:
                pipe.pexpire(keys.handoff_notes(handoff_id), left_ms)
            pipe.xadd(
                keys.handoffs_log(),
                {
                    "handoff": handoff_id,
                    "event": "note",
                    "at": repr(note.at),
                    "agent": agent,
                    "text": note.text,
                },
            )
            await pipe.execute()
        return note

    async def notes(self, handoff_id: str) -> list[Note]:
        raw = await self._redis.lrange(keys.handoff_notes(handoff_id), 0, -1)
        return [Note.from_dict(json.loads(item)) for item in raw]

    # --- Helpers -------------------------------------------------------------------------

    async def _many(self, ids: list[str]) -> list[Handoff]:
        if not ids:
            return []
        async with self._redis.pipeline(transaction=False) as pipe:
            for handoff_id in ids:
                pipe.hgetall(keys.handoff(handoff_id))
            found = await pipe.execute()
        return [Handoff.from_hash(data) for data in found if data.get("card")]

    async def _conversation_of(self, handoff_id: str) -> str:
        conversation_id = await self._redis.hget(keys.handoff(handoff_id), "conversation_id")
        if not conversation_id:
            raise NotFound(f"no handoff {handoff_id!r}")
        return str(conversation_id)


def estimate_minutes(position: int, seconds_per_place: float) -> int:
    """Whole minutes, rounded up, never under one: "about 0 min" helps nobody."""
    return max(1, ceil(position * seconds_per_place / 60))


def _check(result: list[Any]) -> None:
    won, state, holder = result
    if not won:
        raise Conflict(
            f"the handoff is {state or 'gone'}" + (f", held by {holder}" if holder else "")
        )


def _float(value: Any) -> float | None:
    return float(value) if value not in (None, "") else None
