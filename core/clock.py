"""The time, as every part of Svar reads it.

Tests and demos set `SVAR_CLOCK` to an ISO time ("2026-05-15T20:00+02:00"): the clock starts
there and runs on at normal speed, so a whole stack can live on a Friday evening.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(timezone.utc)


def clock_from_env(env: Mapping[str, str]) -> Clock:
    return clock_starting(env.get("SVAR_CLOCK", ""))


def clock_starting(start: str) -> Clock:
    """The real clock when `start` is empty, else one that starts at that ISO time."""
    return shifted_clock(datetime.fromisoformat(start)) if start else system_clock


def shifted_clock(start: datetime) -> Clock:
    if start.tzinfo is None:
        raise ValueError("SVAR_CLOCK needs a time zone, e.g. 2026-05-15T20:00+02:00")
    began = time.monotonic()

    def now() -> datetime:
        return start + timedelta(seconds=time.monotonic() - began)

    return now
