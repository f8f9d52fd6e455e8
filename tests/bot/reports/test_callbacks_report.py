"""The promise-kept report read from Redis: promises made before holidays fall due after them,
and each counts in the period (Oslo's days) its deadline falls in, not the machine's."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from redis.asyncio import Redis

from actions.context import context
from bot.reports.callbacks import report
from core.settings import Settings
from store.callbacks import Callback, Callbacks

OSLO = ZoneInfo("Europe/Oslo")


def promised(name: str, asked: datetime) -> Callback:
    """A callback asked for at `asked`, with the deadline the callback action would promise."""
    ctx = context()
    deadline = ctx.calendar.workday_deadline(asked, ctx.profile.promises.callback_workdays)
    return Callback.new(
        conversation_id=f"web:{name}", channel="web", language="nb", name=name,
        phone="+4741234567", topic="flytting", time_window="any",
        requested_at=asked, deadline=deadline,
    )  # fmt: skip


def counts(text: str) -> dict[str, str]:
    """The report's figures by their label."""
    lines = [line.split(":", 1) for line in text.splitlines()[1:]]
    return {label.strip(): value.strip() for label, value in lines}


async def test_promises_made_before_christmas_fall_due_after_it_and_count_in_that_period(
    redis_client: Redis, settings: Settings
) -> None:
    # Wednesday 23 December 15:00: 24 (closed), 25, 26 (holidays), 27 (Sunday): due Monday 28.
    before_christmas = promised("jul", datetime(2026, 12, 23, 15, 0, tzinfo=OSLO))
    assert before_christmas.deadline == datetime(2026, 12, 28, 16, 0, tzinfo=OSLO).timestamp()
    # Friday 22 May 20:00, before Whit Monday 25 May: due Tuesday 26 May.
    before_whitsun = promised("pinse", datetime(2026, 5, 22, 20, 0, tzinfo=OSLO))
    assert before_whitsun.deadline == datetime(2026, 5, 26, 16, 0, tzinfo=OSLO).timestamp()
    await Callbacks(redis_client).add(before_christmas)
    await Callbacks(redis_client).add(before_whitsun)
    after = datetime(2027, 1, 15, tzinfo=OSLO)

    christmas_week = counts(await report(settings, date(2026, 12, 21), date(2026, 12, 27), after))
    assert christmas_week["due"] == "0", "due after the holidays, not in the week they were asked"
    after_christmas = counts(await report(settings, date(2026, 12, 28), date(2026, 12, 31), after))
    assert (after_christmas["due"], after_christmas["overdue, not reached"]) == ("1", "1")
    may = counts(await report(settings, date(2026, 5, 1), date(2026, 5, 31), after))
    assert may["due"] == "1"


async def test_a_deadline_in_the_last_utc_hour_of_a_month_counts_in_oslos_next_month(
    redis_client: Redis, settings: Settings
) -> None:
    # 23:30 UTC on 30 November is 00:30 on 1 December in Oslo.
    asked = datetime(2026, 11, 27, 9, 0, tzinfo=OSLO)
    edge = Callback.from_dict(
        {
            **promised("grense", asked).to_dict(),
            "deadline": datetime(2026, 11, 30, 23, 30, tzinfo=timezone.utc).timestamp(),
        }
    )
    await Callbacks(redis_client).add(edge)
    now = datetime(2026, 12, 2, tzinfo=OSLO)
    november = counts(await report(settings, date(2026, 11, 1), date(2026, 11, 30), now))
    december = counts(await report(settings, date(2026, 12, 1), date(2026, 12, 31), now))
    assert (november["due"], december["due"]) == ("0", "1")


async def test_kept_late_and_not_yet_due_as_the_report_reads_them_from_redis(
    redis_client: Redis, settings: Settings
) -> None:
    callbacks = Callbacks(redis_client)
    monday = promised("tidlig", datetime(2026, 11, 23, 9, 0, tzinfo=OSLO))  # due Tue 24 16:00
    tuesday = promised("sein", datetime(2026, 11, 24, 9, 0, tzinfo=OSLO))  # due Wed 25 16:00
    friday = promised("fredag", datetime(2026, 11, 27, 9, 0, tzinfo=OSLO))  # due Mon 30 16:00
    for callback in (monday, tuesday, friday):
        await callbacks.add(callback)
    reach = {
        monday.id: datetime(2026, 11, 24, 11, 0, tzinfo=OSLO),
        tuesday.id: datetime(2026, 11, 26, 10, 0, tzinfo=OSLO),
    }
    for callback_id, at in reach.items():
        clocked = Callbacks(redis_client, clock=lambda at=at: at)  # type: ignore[misc]
        assert await clocked.take(callback_id, "kari")
        await clocked.record_attempt(callback_id, "kari", True, "reached")
    # Read on Friday 27 November at noon: Monday's promise is not due yet.
    text = await report(
        settings, date(2026, 11, 1), date(2026, 11, 30), datetime(2026, 11, 27, 12, 0, tzinfo=OSLO)
    )
    figures = counts(text)
    assert (figures["due"], figures["kept (in time)"], figures["reached late"]) == ("2", "1", "1")
    assert figures["not yet due"] == "1" and figures["promise-kept rate"] == "50.0%"
