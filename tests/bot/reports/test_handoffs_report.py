"""The handoff report: one CSV row per handoff, from the log in Redis."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timezone

from redis.asyncio import Redis

from bot.reports.handoffs import report
from core.settings import Settings
from store.handoffs import Handoffs
from tests.helpers import queue


async def test_a_report_row_says_why_how_long_who_how_it_ended_and_the_rating(
    redis_client: Redis, settings: Settings
) -> None:
    store = Handoffs(redis_client)
    # 23:30 UTC is already the next day in Oslo: the row belongs to Oslo's Thursday.
    now = datetime(2026, 11, 25, 23, 30, tzinfo=timezone.utc).timestamp()
    rated = await queue(redis_client, "web:report", now=now)
    await store.claim(rated, "kari", now=now + 90)
    await store.add_note(rated, "kari", "ringer i morgen")
    await store.transfer(rated, "kari", "ola")
    await store.begin_close(rated, "ola")
    await store.finish_close(rated, "ola", "resolved", now=now + 300)
    await store.rate("web:report", 5)
    waiting = await queue(redis_client, "web:waiting", now=now)

    # The report's days are the company's (Oslo's), not the machine's.
    wednesday, thursday = date(2026, 11, 25), date(2026, 11, 26)
    assert list(csv.DictReader(io.StringIO(await report(settings, wednesday, wednesday)))) == []
    rows = list(csv.DictReader(io.StringIO(await report(settings, thursday, thursday))))
    assert [r["handoff"] for r in rows] == [rated, waiting]
    first = rows[0]
    assert {k: first[k] for k in ("conversation", "channel", "language", "reason")} == {
        "conversation": "web:report",
        "channel": "web",
        "language": "nb",
        "reason": "asked",
    }
    assert (first["waited_seconds"], first["agent"], first["transfers"], first["notes"]) == (
        "90",
        "ola",
        "1",
        "1",
    )
    assert (first["outcome"], first["rating"]) == ("resolved", "5")
    assert first["closed_at"] and rows[1]["closed_at"] == "" and rows[1]["agent"] == ""
