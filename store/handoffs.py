"""The handoff queue, its claims and its log, in Redis.

A handoff is one hash (its current record, with the context card) plus events in an append-only
log stream, so reports can tell who took what, when, and how it ended. New cards also go to a
queue stream that the front doors read through one consumer group and announce to every open
desk; a card is acknowledged only once announced, so one a stopped front door had read is
announced by another (at least once, never lost). Every change of state is one Lua script:
of any number of agents claiming one card at once exactly one wins, and a repeated request
changes nothing. State lives only here, so a restart of any process but Redis loses nothing.
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
from redis.exceptions import ResponseError

from core.card import ContextCard
from core.pii import mask
from core.transcript import Entry
from store import keys

GROUP = "desk"
QUEUE_MAXLEN = 10_000  # announced cards are acknowledged; the stream need not grow forever
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


@dataclass(frozen=True)
class LogEvent:
    """One line of the handoff log: `event` is queued, claimed, transferred, note, closed or rated."""

    id: str  # the stream id: its first part is the Unix time in milliseconds
    handoff_id: str
    event: str
    at: float
    fields: dict[str, str]


# KEYS: handoff, waiting, conversation, queue, log. ARGV: id, conversation, now, card, reason.
_ENQUEUE = """
local position = redis.call('ZCARD', KEYS[2]) + 1
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'conversation_id', ARGV[2], 'state', 'queued',
  'reason', ARGV[5], 'card', ARGV[4], 'queued_at', ARGV[3], 'position', position)
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('HSET', KEYS[3], 'mode', 'queued', 'handoff', ARGV[1])
redis.pcall('XGROUP', 'CREATE', KEYS[4], ARGV[6], '0', 'MKSTREAM')
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[7], '*', 'handoff', ARGV[1], 'card', ARGV[4])
redis.call('XADD', KEYS[5], '*', 'handoff', ARGV[1], 'event', 'queued', 'at', ARGV[3],
  'conversation', ARGV[2], 'reason', ARGV[5], 'card', ARGV[4])
return position
"""

# KEYS: handoff, waiting, claimed, conversation, waits, log. ARGV: id, agent, now, samples.
_CLAIM = """
local state = redis.call('HGET', KEYS[1], 'state')
if state ~= 'queued' then
  return {0, state or '', redis.call('HGET', KEYS[1], 'agent') or ''}
end
local queued_at = tonumber(redis.call('HGET', KEYS[1], 'queued_at'))
local position = tonumber(redis.call('HGET', KEYS[1], 'position')) or 1
redis.call('HSET', KEYS[1], 'state', 'claimed', 'agent', ARGV[2], 'claimed_at', ARGV[3])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[3], queued_at, ARGV[1])
redis.call('HSET', KEYS[4], 'mode', 'agent')
redis.call('LPUSH', KEYS[5], tostring((tonumber(ARGV[3]) - queued_at) / position))
redis.call('LTRIM', KEYS[5], 0, tonumber(ARGV[4]) - 1)
redis.call('XADD', KEYS[6], '*', 'handoff', ARGV[1], 'event', 'claimed', 'at', ARGV[3],
  'agent', ARGV[2], 'waited', tostring(tonumber(ARGV[3]) - queued_at))
return {1, 'claimed', ARGV[2]}
"""

# KEYS: handoff, log. ARGV: id, from, to, now.
_TRANSFER = """
local state = redis.call('HGET', KEYS[1], 'state')
local agent = redis.call('HGET', KEYS[1], 'agent')
if state ~= 'claimed' or agent ~= ARGV[2] then
  return {0, state or '', agent or ''}
end
if ARGV[3] ~= ARGV[2] then
  redis.call('HSET', KEYS[1], 'agent', ARGV[3])
  redis.call('XADD', KEYS[2], '*', 'handoff', ARGV[1], 'event', 'transferred', 'at', ARGV[4],
    'from', ARGV[2], 'to', ARGV[3])
end
return {1, state, ARGV[3]}
"""

# KEYS: handoff. ARGV: agent, from state, to state. Moves between claimed and closing.
_STEP = """
local state = redis.call('HGET', KEYS[1], 'state')
local agent = redis.call('HGET', KEYS[1], 'agent')
if agent ~= ARGV[1] or (state ~= ARGV[2] and state ~= ARGV[3]) then
  return {0, state or '', agent or ''}
end
redis.call('HSET', KEYS[1], 'state', ARGV[3])
return {1, ARGV[3], agent}
"""

# KEYS: handoff, claimed, conversation, log. ARGV: id, agent, now, outcome.
_FINISH_CLOSE = """
local state = redis.call('HGET', KEYS[1], 'state')
local agent = redis.call('HGET', KEYS[1], 'agent')
if state ~= 'closing' or agent ~= ARGV[2] then
  return {0, state or '', agent or ''}
end
redis.call('HSET', KEYS[1], 'state', 'closed', 'closed_at', ARGV[3], 'outcome', ARGV[4])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[3], 'mode', 'bot')
redis.call('XADD', KEYS[4], '*', 'handoff', ARGV[1], 'event', 'closed', 'at', ARGV[3],
  'agent', ARGV[2], 'outcome', ARGV[4])
return {1, 'closed', agent}
"""

# KEYS: handoff, log. ARGV: id, rating, now. Only a closed handoff, and only once.
_RATE = """
if redis.call('HGET', KEYS[1], 'state') ~= 'closed' then return 0 end
if redis.call('HSETNX', KEYS[1], 'rating', ARGV[2]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'rated_at', ARGV[3])
redis.call('XADD', KEYS[2], '*', 'handoff', ARGV[1], 'event', 'rated', 'at', ARGV[3],
  'rating', ARGV[2])
return 1
"""


class Handoffs:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._enqueue = redis.register_script(_ENQUEUE)
        self._claim = redis.register_script(_CLAIM)
        self._transfer = redis.register_script(_TRANSFER)
        self._step = redis.register_script(_STEP)
        self._finish_close = redis.register_script(_FINISH_CLOSE)
        self._rate = redis.register_script(_RATE)

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
            ],
        )
        return Queued(handoff_id, int(position))

    async def get(self, handoff_id: str) -> Handoff | None:
        data = await self._redis.hgetall(keys.handoff(handoff_id))
        return Handoff.from_hash(data) if data.get("card") else None

    async def latest_for(self, conversation_id: str) -> Handoff | None:
        """The conversation's most recent handoff, open or closed."""
        handoff_id = await self._redis.hget(keys.conversation(conversation_id), "handoff")
        return await self.get(handoff_id) if handoff_id else None

    async def waiting(self) -> list[Handoff]:
        """Unclaimed handoffs, first in line first."""
        return await self._many(await self._redis.zrange(keys.handoffs_waiting(), 0, -1))

    async def claimed(self) -> list[Handoff]:
        """Handoffs an agent has and has not closed yet."""
        return await self._many(await self._redis.zrange(keys.handoffs_claimed(), 0, -1))

    async def waiting_count(self) -> int:
        return int(await self._redis.zcard(keys.handoffs_waiting()))

    async def position(self, handoff_id: str) -> int | None:
        rank = await self._redis.zrank(keys.handoffs_waiting(), handoff_id)
        return None if rank is None else int(rank) + 1

    async def wait_minutes(self, position: int, default_minutes: float) -> int:
        """Estimated wait at `position`, from how long the latest claimed customers waited per
        place in the queue; `default_minutes` per place until there are claims to go by."""
        samples = [float(s) for s in await self._redis.lrange(keys.handoff_waits(), 0, -1)]
        per_place = statistics.median(samples) if samples else default_minutes * 60
        return estimate_minutes(position, per_place)

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
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.rpush(
                keys.handoff_notes(handoff_id), json.dumps(note.to_dict(), ensure_ascii=False)
            )
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

    # --- Announcing new cards (the consumer group) ---------------------------------------

    async def ensure_group(self) -> None:
        try:
            await self._redis.xgroup_create(keys.handoff_queue(), GROUP, id="0", mkstream=True)
        except ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise

    async def read_new(
        self, consumer: str, block_ms: int, count: int = 20
    ) -> list[tuple[str, str]]:
        """Cards not yet announced: first those this consumer read and did not acknowledge
        (it stopped half-way), then new ones. Returns (stream id, handoff id) pairs."""
        for start in ("0", ">"):
            reply = await self._redis.xreadgroup(
                GROUP,
                consumer,
                {keys.handoff_queue(): start},
                count=count,
                block=None if start == "0" else block_ms,
            )
            entries = [
                (entry_id, (fields or {}).get("handoff", ""))
                for _, items in reply or ()
                for entry_id, fields in items
            ]
            if entries:
                return entries
        return []

    async def reclaim_stale(
        self, consumer: str, idle_ms: int, count: int = 20
    ) -> list[tuple[str, str]]:
        """Cards another front door read and did not announce for `idle_ms`: it stopped."""
        reply = await self._redis.xautoclaim(
            keys.handoff_queue(), GROUP, consumer, min_idle_time=idle_ms, count=count
        )
        return [(entry_id, (fields or {}).get("handoff", "")) for entry_id, fields in reply[1]]

    async def ack(self, *entry_ids: str) -> None:
        if entry_ids:
            await self._redis.xack(keys.handoff_queue(), GROUP, *entry_ids)

    # --- Live events for the desks, and the log for reports -------------------------------

    async def announce(self, event: Mapping[str, Any]) -> None:
        """Tell every open desk, on every front door."""
        await self._redis.publish(keys.desk_events(), json.dumps(event, ensure_ascii=False))

    async def history(
        self, since: float | None = None, until: float | None = None
    ) -> list[LogEvent]:
        """Every logged handoff event between two Unix times, oldest first."""
        start = "-" if since is None else f"{int(since * 1000)}-0"
        end = "+" if until is None else f"{int(until * 1000)}-99999999"
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


def message_event(conversation_id: str, entry: Entry) -> dict[str, Any]:
    """The desk event for one message of a conversation at the desk, masked like the transcript."""
    masked = Entry(entry.role, mask(entry.text), entry.at, entry.buttons)
    return {"type": "message", "conversation_id": conversation_id, "entry": masked.to_dict()}
