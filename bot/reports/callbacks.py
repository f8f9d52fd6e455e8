"""How often the callback promise was kept: `python -m bot.reports.callbacks --from D --to D`.

Counts callbacks whose promised deadline falls in the period. A promise is kept when the
customer was reached by the deadline; callbacks not yet due are listed apart, not counted.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.reports.period import parse_period, period_bounds
from bot.reports.promises import tally
from core.clock import clock_from_env
from core.settings import Settings
from store.callbacks import Callback, Callbacks
from store.stores import client as redis_client


@dataclass(frozen=True)
class PromiseReport:
    due: int  # deadline passed within the period
    kept: int  # reached by the deadline
    late: int  # reached after the deadline
    missed_open: int  # deadline passed, still not reached
    not_yet_due: int
    attempts: int

    @property
    def kept_rate(self) -> float | None:
        return self.kept / self.due if self.due else None


def summarise(callbacks: Iterable[Callback], now: float) -> PromiseReport:
    callbacks = list(callbacks)
    counted = tally(((c.deadline, c.done_at) for c in callbacks), now)
    attempts = sum(len(c.attempts) for c in callbacks)
    return PromiseReport(
        counted.due, counted.kept, counted.late, counted.missed, counted.not_yet_due, attempts
    )


def render(report: PromiseReport, start: date, end: date) -> str:
    rate = "n/a" if report.kept_rate is None else f"{report.kept_rate:.1%}"
    return "\n".join(
        [
            f"Callback promises due {start} to {end}",
            f"  due:                 {report.due}",
            f"  kept (in time):      {report.kept}",
            f"  reached late:        {report.late}",
            f"  overdue, not reached:{report.missed_open:>3}",
            f"  not yet due:         {report.not_yet_due}",
            f"  call attempts:       {report.attempts}",
            f"  promise-kept rate:   {rate}",
        ]
    )


async def report(settings: Settings, start: date, end: date, now: datetime) -> str:
    profile = settings.load_profile()
    zone = ZoneInfo(profile.timezone)
    redis = redis_client(settings.redis_url)
    try:
        callbacks = await Callbacks(redis).all_between(*period_bounds(start, end, zone))
    finally:
        await redis.close()
    return render(summarise(callbacks, now.timestamp()), start, end)


def main() -> None:
    start, end = parse_period(__doc__.splitlines()[0])
    now = clock_from_env(os.environ)()
    print(asyncio.run(report(Settings.from_env(), start, end, now)))


if __name__ == "__main__":
    main()
