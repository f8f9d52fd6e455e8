"""The promise-kept report over a simulated week: callbacks, complaints and follow-ups made
Monday to Friday in opening hours, each given its deadline by the business calendar and the
company's promises, then done by agents after a random delay (some never), through the real
stores on a private Redis; the report is taken the next Tuesday at noon:

    .venv/bin/python -m benchmarks.promise_week [--week 2026-11-23] [--seed 14]

The delays are a model of a desk that is sometimes too slow, not measured figures: the point
is the report, counted from the records exactly as `python -m bot.reports.promises` counts.
"""

from __future__ import annotations

import argparse
import asyncio
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.reports.promises import collect, render
from core.company import CompanyProfile
from core.settings import Settings
from stack.ports import free_port
from stack.scratch_redis import reachable_redis
from store.callbacks import Callback, Callbacks
from store.complaints import Complaints, Decision, new_complaint
from store.follow_ups import FollowUps
from store.stores import client

# Made per workday, and the hours after which an agent has done one (uniform between the two),
# or never (the share left undone).
VOLUME = {"callbacks": 12, "complaints": 3, "follow_ups": 6}
DELAY_HOURS = {"callbacks": (0.5, 30.0), "complaints": (4.0, 130.0), "follow_ups": (2.0, 70.0)}
NEVER = 0.05


@dataclass
class SetClock:
    at: datetime

    def __call__(self) -> datetime:
        return self.at


async def simulate(redis_url: str, profile: CompanyProfile, monday: date, seed: int) -> str:
    rng = random.Random(seed)
    zone = ZoneInfo(profile.timezone)
    calendar = profile.calendar()
    promises = profile.promises
    now = datetime.combine(monday + timedelta(days=8), time(12), zone)  # the next Tuesday
    clock = SetClock(now)
    redis = client(redis_url)
    await redis.flushdb()
    callbacks, complaints = Callbacks(redis, clock), Complaints(redis, clock=clock)
    follow_ups = FollowUps(redis, clock=clock)
    try:
        for day in (monday + timedelta(days=n) for n in range(5)):
            if not calendar.is_workday(day):
                continue
            for kind, count in VOLUME.items():
                for n in range(count):
                    made = datetime.combine(day, time(8), zone) + timedelta(
                        minutes=rng.uniform(0, 8 * 60)
                    )
                    clock.at = made
                    low, high = DELAY_HOURS[kind]
                    done = (
                        None
                        if rng.random() < NEVER
                        else made + timedelta(hours=rng.uniform(low, high))
                    )
                    name = f"{kind}-{day.isoformat()}-{n}"
                    if kind == "callbacks":
                        deadline = calendar.workday_deadline(made, promises.callback_workdays)
                        callback = Callback.new(
                            conversation_id=f"web:{name}", channel="web", language="nb",
                            name=name, phone="+4791234567", topic="moving", time_window="any",
                            requested_at=made, deadline=deadline,
                        )  # fmt: skip
                        await callbacks.add(callback)
                        if done is not None and done <= now:
                            clock.at = done
                            await callbacks.take(callback.id, "kari")
                            await callbacks.record_attempt(callback.id, "kari", True, "reached")
                    elif kind == "complaints":
                        deadline = calendar.workday_deadline(
                            made, promises.complaint_answer_workdays
                        )
                        complaint = await complaints.add(
                            new_complaint(f"web:{name}", "web", "nb", "klage", made.timestamp(),
                                          deadline.timestamp())
                        )  # fmt: skip
                        if done is not None and done <= now:
                            clock.at = done
                            await complaints.take(complaint.id, "kari")
                            await complaints.answer(
                                complaint.id, "kari", Decision.UPHELD, "svar", "", ("web",)
                            )
                    else:
                        deadline = calendar.workday_deadline(made, promises.follow_up_workdays)
                        follow_up = await follow_ups.add(
                            conversation_id=f"web:{name}", channel="web", language="nb",
                            topic="moving", handoff_id=name, created_at=made, due=deadline,
                        )  # fmt: skip
                        if done is not None and done <= now:
                            clock.at = done
                            await follow_ups.take(follow_up.id, "kari")
                            await follow_ups.record_outcome(follow_up.id, "kari", True)
        start, end = monday, monday + timedelta(days=13)
        bounds = (
            datetime.combine(start, time(), zone).timestamp(),
            datetime.combine(end + timedelta(days=1), time(), zone).timestamp(),
        )
        report = await collect((callbacks, complaints, follow_ups), *bounds, now.timestamp())
    finally:
        await redis.flushdb()
        await redis.close()
    made_per_day = ", ".join(f"{count} {kind.replace('_', '-')}" for kind, count in VOLUME.items())
    return "\n".join(
        [
            f"A simulated week from Monday {monday}: per workday {made_per_day};",
            f"reported {now:%A %Y-%m-%d %H:%M} (seed {seed}).",
            render(report, start, end),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--week", type=date.fromisoformat, default=date(2026, 11, 23))
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    monday = args.week - timedelta(days=args.week.weekday())
    profile = CompanyProfile.load(Settings().content_dir / "company.yml")
    with reachable_redis(f"redis://127.0.0.1:{free_port()}") as url:  # always a private one
        print(asyncio.run(simulate(f"{url}/0", profile, monday, args.seed)))


if __name__ == "__main__":
    main()
