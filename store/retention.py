"""Keeping records only as long as the company says (core/retention.py).

Records that are one key get a TTL when they are written (each store sets it). What cannot
carry a TTL per record is swept: the log streams are trimmed by age (XTRIM MINID) and the
sorted-set indexes lose members older than their record's retention. The front door sweeps
once an hour (bot/app.py); `python -m store.privacy sweep` does it by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from core.retention import Retention
from store import keys


@dataclass(frozen=True)
class Swept:
    stream_entries: int
    index_members: int


async def sweep(redis: Redis, retention: Retention, now: float) -> Swept:
    """Remove every log entry and index member older than its retention at `now` (Unix)."""
    streams = {
        keys.handoffs_log(): retention.handoff_seconds,
        keys.handoff_queue(): retention.handoff_seconds,
        keys.callbacks_log(): retention.callback_seconds,
        keys.complaints_log(): retention.complaint_seconds,
        keys.follow_ups_log(): retention.follow_up_seconds,
        # Who exported or erased whose data: kept as long as the complaints it may answer.
        keys.privacy_audit(): retention.complaint_seconds,
    }
    # Scored by when a handoff was queued, when a callback, complaint or follow-up falls due.
    indexes = {
        keys.handoffs_waiting(): retention.handoff_seconds,
        keys.handoffs_claimed(): retention.handoff_seconds,
        keys.callbacks_by_deadline(): retention.callback_seconds,
        keys.complaints_by_deadline(): retention.complaint_seconds,
        keys.follow_ups_by_due(): retention.follow_up_seconds,
    }
    async with redis.pipeline(transaction=False) as pipe:
        for stream, seconds in streams.items():
            pipe.xtrim(stream, minid=f"{int((now - seconds) * 1000)}-0", approximate=False)
        for index, seconds in indexes.items():
            pipe.zremrangebyscore(index, "-inf", f"({now - seconds}")
        counts = await pipe.execute()
    return Swept(sum(counts[: len(streams)]), sum(counts[len(streams) :]))


async def bound_the_unbounded(redis: Redis, retention: Retention) -> int:
    """Give every record that has no TTL yet its retention from now (records written before
    retention existed, or by hand); returns how many. Run at the front door's start."""
    patterns = {
        keys.conversation("*"): retention.conversation_seconds,  # also :transcript
        keys.rasa_tracker("*"): retention.conversation_seconds,
        keys.handoff("*"): retention.handoff_seconds,  # also :notes
        keys.callback("*"): retention.callback_seconds,
        keys.complaint("*"): retention.complaint_seconds,
        keys.follow_up("*"): retention.follow_up_seconds,
    }
    bounded = 0
    for pattern, seconds in patterns.items():
        async for key in redis.scan_iter(match=pattern, count=1000):
            if await redis.ttl(key) == -1 and await redis.type(key) != "stream":
                bounded += int(await redis.expire(key, seconds))
    return bounded
