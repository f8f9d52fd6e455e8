"""The time, as every part of Svar reads it.

Tests and demos set `SVAR_CLOCK` to an ISO time ("2026-05-15T20:00+02:00"): the clock starts
there and runs on at normal speed, so a whole stack can live on a Friday evening. Set to
`file:PATH`, the clock starts at the ISO time written in that file and starts again from the
file's new time whenever it is rewritten: a simulation moves a running stack through a month.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(timezone.utc)


def clock_from_env(env: Mapping[str, str]) -> Clock:
    return clock_starting(env.get("SVAR_CLOCK", ""))


FILE_PREFIX = "file:"


def clock_starting(start: str) -> Clock:
    """The real clock when `start` is empty, one that follows a file for `file:PATH`, else one
    that starts at that ISO time."""
    if start.startswith(FILE_PREFIX):
        return file_clock(Path(start.removeprefix(FILE_PREFIX)))
    return shifted_clock(datetime.fromisoformat(start)) if start else system_clock


def shifted_clock(start: datetime) -> Clock:
    if start.tzinfo is None:
        raise ValueError("SVAR_CLOCK needs a time zone, e.g. 2026-05-15T20:00+02:00")
    began = time.monotonic()

    def now() -> datetime:
        return start + timedelta(seconds=time.monotonic() - began)

    return now


def file_clock(path: Path) -> Clock:
    """A clock that starts at the time written in `path`, and again each time it changes."""
    current: list[tuple[int, Clock]] = []

    def now() -> datetime:
        changed = path.stat().st_mtime_ns
        if not current or current[0][0] != changed:
            current[:] = [
                (changed, shifted_clock(datetime.fromisoformat(path.read_text().strip())))
            ]
        return current[0][1]()

    return now
