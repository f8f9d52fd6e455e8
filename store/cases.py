"""What callbacks, complaints and follow-ups share as cases: a case number the customer can
quote, one way to read them in deadline order, and one safe way to change a case record that two
agents may change at once.

A case is one JSON record under its own key; a change reads it, applies a pure function and
writes it back with an event in the case's log, all under WATCH, so that of two agents taking
the same case one wins and the other is told.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from redis.asyncio import Redis
from redis.exceptions import WatchError

from store import keys


class CaseError(ValueError):
    """A case that does not exist, or a change its state does not allow."""


async def next_case_number(redis: Redis, kind: str, prefix: str) -> str:
    """The next number of a kind of case, as the customer quotes it: "K-000042"."""
    number = await redis.hincrby(keys.case_numbers(), kind, 1)
    return f"{prefix}-{number:06d}"


Record = TypeVar("Record")


async def by_deadline(
    redis: Redis,
    index: str,
    record_key: Callable[[str], str],
    decode: Callable[[dict[str, Any]], Record],
    start: float | None = None,
    end: float | None = None,
) -> list[Record]:
    """The records `index` (ids scored by deadline) lists, soonest first, with a deadline in
    [start, end) when given; records expired since are skipped."""
    low = "-inf" if start is None else start
    high = "+inf" if end is None else f"({end}"
    ids = await redis.zrangebyscore(index, low, high)
    raws = await redis.mget([record_key(i) for i in ids]) if ids else []
    return [decode(json.loads(raw)) for raw in raws if raw is not None]


async def change(
    redis: Redis,
    key: str,
    log_key: str,
    decode: Callable[[Mapping[str, Any]], Record],
    encode: Callable[[Record], Mapping[str, Any]],
    apply: Callable[[Record], Record],
    event: Mapping[str, str],
) -> Record:
    """Apply `apply` to the record at `key` atomically and log `event`; `apply` raises
    CaseError when the change is not allowed. The record keeps its time to live."""
    async with redis.pipeline(transaction=True) as pipe:
        while True:
            try:
                await pipe.watch(key)
                raw = await pipe.get(key)
                if raw is None:
                    raise CaseError(f"no case {key.rsplit(':', 1)[-1]!r}")
                updated = apply(decode(json.loads(raw)))
                pipe.multi()
                pipe.set(key, json.dumps(encode(updated), ensure_ascii=False), keepttl=True)
                pipe.xadd(log_key, dict(event))
                await pipe.execute()
                return updated
            except WatchError:
                continue  # someone changed it between our read and write: read again
