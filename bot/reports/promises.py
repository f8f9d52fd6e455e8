"""Whether the charter's promises were kept: callbacks, complaints and follow-ups,
`python -m bot.reports.promises --from D --to D`.

Counts every promise whose deadline falls in the period: kept (done by the deadline), late
(done after it), missed (past the deadline and still not done) and not yet due (the deadline
is still ahead and it is not done; not counted in the rate).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.reports.period import parse_period, period_bounds
from core.clock import clock_from_env
from core.settings import Settings
from store.callbacks import Callbacks
from store.complaints import Complaints
from store.follow_ups import FollowUps
from store.stores import client as redis_client


@dataclass(frozen=True)
class Tally:
    kept: int = 0
    late: int = 0
    missed: int = 0
    not_yet_due: int = 0

    @property
    def due(self) -> int:
        return self.kept + self.late + self.missed

    @property
    def kept_rate(self) -> float | None:
        return self.kept / self.due if self.due else None


def tally(promises: Iterable[tuple[float, float | None]], now: float) -> Tally:
    """Count (deadline, done at or None) pairs as kept, late, missed or not yet due at `now`."""
    kept = late = missed = not_yet_due = 0
    for deadline, done_at in promises:
        if done_at is not None and done_at <= deadline:
            kept += 1
        elif deadline > now:
            not_yet_due += 1  # not done yet, and there is still time
        elif done_at is not None:
            late += 1
        else:
            missed += 1
    return Tally(kept, late, missed, not_yet_due)


@dataclass(frozen=True)
class PromisesReport:
    callbacks: Tally
    complaints: Tally
    follow_ups: Tally


async def collect(stores: tuple[Callbacks, Complaints, FollowUps], start: float, end: float,
                  now: float) -> PromisesReport:  # fmt: skip
    """The three promises whose deadlines fall in [start, end), as they stand at `now`."""
    callbacks, complaints, follow_ups = stores
    return PromisesReport(
        tally(((c.deadline, c.done_at) for c in await callbacks.all_between(start, end)), now),
        tally(((c.answer_by, c.answered_at) for c in await complaints.all_between(start, end)), now),
        tally(((f.due, f.done_at) for f in await follow_ups.all_between(start, end)), now),
    )  # fmt: skip


def render(report: PromisesReport, start: date, end: date) -> str:
    rows = [
        ("callbacks", report.callbacks),
        ("complaints", report.complaints),
        ("follow-ups", report.follow_ups),
    ]
    lines = [
        f"Promises due {start} to {end}",
        f"  {'':<11}{'due':>5}{'kept':>6}{'late':>6}{'missed':>8}{'not yet due':>13}{'kept %':>8}",
    ]
    for name, counted in rows:
        rate = "n/a" if counted.kept_rate is None else f"{counted.kept_rate:.0%}"
        lines.append(
            f"  {name:<11}{counted.due:>5}{counted.kept:>6}{counted.late:>6}"
            f"{counted.missed:>8}{counted.not_yet_due:>13}{rate:>8}"
        )
    return "\n".join(lines)


async def report(settings: Settings, start: date, end: date, now: datetime) -> str:
    profile = settings.load_profile()
    bounds = period_bounds(start, end, ZoneInfo(profile.timezone))
    redis = redis_client(settings.redis_url)
    try:
        stores = (Callbacks(redis), Complaints(redis), FollowUps(redis))
        counted = await collect(stores, *bounds, now.timestamp())
    finally:
        await redis.close()
    return render(counted, start, end)


def main() -> None:
    start, end = parse_period(__doc__.splitlines()[0])
    now = clock_from_env(os.environ)()
    print(asyncio.run(report(Settings.from_env(), start, end, now)))


if __name__ == "__main__":
    main()
