"""Callback promises: who to call, about what, and by when; kept in Redis by deadline.

Each callback is one JSON record (its current state) plus events in an append-only log, so
the desk sees the queue sorted by deadline and reports can tell how often the promise was kept.
Taking a callback is atomic: two agents clicking "call" at once cannot both get it.
"""

from __future__ import annotations

import enum
import json
import uuid
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from core.clock import Clock, system_clock
from core.pii import mask
from core.retention import Retention
from store import keys
from store.cases import by_deadline


class Status(str, enum.Enum):
    OPEN = "open"
    CALLING = "calling"
    DONE = "done"
    FAILED_ATTEMPT = "failed_attempt"  # tried, no answer: back in the queue


class CallbackError(ValueError):
    """A callback that does not exist, or a change its state does not allow."""


@dataclass(frozen=True)
class Attempt:
    at: float
    agent: str
    outcome: str  # "reached", "no_answer", "wrong_number", free text note
    note: str = ""


@dataclass(frozen=True)
class Callback:
    id: str
    conversation_id: str
    channel: str
    language: str
    name: str
    phone: str  # E.164, for the agent's phone; masked in logs with core.pii.mask_phone
    topic: str
    time_window: str
    requested_at: float
    deadline: float
    status: Status = Status.OPEN
    agent: str | None = None
    attempts: tuple[Attempt, ...] = ()
    done_at: float | None = None
    context: dict[str, Any] = field(default_factory=dict)  # the handoff card, when there is one

    def is_overdue(self, now: float) -> bool:
        return self.status is not Status.DONE and now > self.deadline

    def promise_kept(self) -> bool:
        return self.done_at is not None and self.done_at <= self.deadline

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["status"] = self.status.value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Callback:
        return cls(
            **{
                **data,
                "status": Status(data["status"]),
                "attempts": tuple(Attempt(**a) for a in data.get("attempts") or ()),
            }
        )

    @classmethod
    def new(
        cls,
        *,
        conversation_id: str,
        channel: str,
        language: str,
        name: str,
        phone: str,
        topic: str,
        time_window: str,
        requested_at: datetime,
        deadline: datetime,
        context: dict[str, Any] | None = None,
    ) -> Callback:
        return cls(
            id=uuid.uuid4().hex,
            conversation_id=conversation_id,
            channel=channel,
            language=language,
            name=name,
            phone=phone,
            topic=topic,
            time_window=time_window,
            requested_at=requested_at.timestamp(),
            deadline=deadline.timestamp(),
            context=context or {},
        )


# Take a callback only if it is open (or back after a failed attempt): one agent wins.
_TAKE = """
local raw = redis.call('GET', KEYS[1])
if not raw then return {err = 'missing'} end
local record = cjson.decode(raw)
if record.status ~= 'open' and record.status ~= 'failed_attempt' then return 0 end
record.status = 'calling'
record.agent = ARGV[1]
redis.call('SET', KEYS[1], cjson.encode(record), 'KEEPTTL')
redis.call('XADD', KEYS[2], '*', 'callback', record.id, 'event', 'taken', 'agent', ARGV[1], 'at', ARGV[2])
return 1
"""


class Callbacks:
    def __init__(
        self,
        redis: Redis,
        clock: Clock = system_clock,
        ttl_seconds: int = Retention().callback_seconds,
    ) -> None:
        self._redis = redis
        self._now = clock
        self._ttl = ttl_seconds  # from when it was promised
        self._take = redis.register_script(_TAKE)

    async def add(self, callback: Callback) -> None:
        """Keep a new promise; what the customer wrote about it is masked first."""
        callback = replace(callback, topic=mask(callback.topic))
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(
                keys.callback(callback.id),
                json.dumps(callback.to_dict(), ensure_ascii=False),
                ex=self._ttl,
            )
            pipe.zadd(keys.callbacks_by_deadline(), {callback.id: callback.deadline})
            pipe.xadd(
                keys.callbacks_log(),
                _event(callback.id, "promised", self._now(), deadline=callback.deadline),
            )
            await pipe.execute()

    async def get(self, callback_id: str) -> Callback:
        raw = await self._redis.get(keys.callback(callback_id))
        if raw is None:
            raise CallbackError(f"no callback {callback_id!r}")
        return Callback.from_dict(json.loads(raw))

    async def pending(self) -> list[Callback]:
        """Every callback not done yet, soonest deadline first."""
        every = await by_deadline(
            self._redis, keys.callbacks_by_deadline(), keys.callback, Callback.from_dict
        )
        return [callback for callback in every if callback.status is not Status.DONE]

    async def take(self, callback_id: str, agent: str) -> bool:
        """True if `agent` now has the callback; False if someone else has it or it is done."""
        try:
            return bool(
                await self._take(
                    keys=[keys.callback(callback_id), keys.callbacks_log()],
                    args=[agent, str(self._now().timestamp())],
                )
            )
        except ResponseError as error:  # the script's {err='missing'}
            if "missing" in str(error):
                raise CallbackError(f"no callback {callback_id!r}") from None
            raise

    async def record_attempt(
        self, callback_id: str, agent: str, reached: bool, outcome: str, note: str = ""
    ) -> Callback:
        """The agent called: done when reached, back in the queue when not."""
        callback = await self.get(callback_id)
        if callback.status is not Status.CALLING or callback.agent != agent:
            raise CallbackError("take the callback before recording a call")
        now = self._now().timestamp()
        updated = replace(
            callback,
            attempts=(*callback.attempts, Attempt(now, agent, mask(outcome), mask(note))),
            status=Status.DONE if reached else Status.FAILED_ATTEMPT,
            done_at=now if reached else None,
            agent=agent if reached else None,
        )
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(
                keys.callback(callback_id),
                json.dumps(updated.to_dict(), ensure_ascii=False),
                keepttl=True,
            )
            pipe.xadd(
                keys.callbacks_log(),
                _event(
                    callback_id,
                    "done" if reached else "attempt_failed",
                    self._now(),
                    agent=agent,
                    outcome=mask(outcome),
                ),
            )
            await pipe.execute()
        return updated

    async def all_between(self, start: float, end: float) -> list[Callback]:
        """Every callback whose deadline falls in [start, end), for reports."""
        return await by_deadline(
            self._redis, keys.callbacks_by_deadline(), keys.callback, Callback.from_dict, start, end
        )


def _event(callback_id: str, event: str, at: datetime, **fields: Any) -> dict[str, str]:
    return {"callback": callback_id, "event": event, "at": str(at.timestamp())} | {
        k: str(v) for k, v in fields.items()
    }
