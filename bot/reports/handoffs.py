"""Handoffs in a period, one CSV row each, from the handoff log: `python -m bot.reports.handoffs
--from 2026-11-01 --to 2026-11-30 > handoffs.csv`.

A row says why and about what the customer was handed to a person, how long they waited,
who had the chat, how it ended, and the customer's rating (CSAT). Handoffs queued in the
period are reported with every later event, so one closed or rated after the period's end
is complete.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from bot.reports.period import parse_period, period_bounds
from core.settings import Settings
from store.handoff_log import HandoffLog, LogEvent
from store.stores import client as redis_client


@dataclass
class Row:
    handoff: str
    conversation: str = ""
    channel: str = ""
    language: str = ""
    reason: str = ""
    topic: str = ""
    queued_at: str = ""
    waited_seconds: str = ""
    agent: str = ""  # who had it last
    transfers: int = 0
    notes: int = 0
    closed_at: str = ""
    outcome: str = ""
    rating: str = ""


def rows(events: Iterable[LogEvent], zone: ZoneInfo) -> list[Row]:
    """One row per handoff queued among `events`, in the order they were queued."""
    found: dict[str, Row] = {}
    for event in events:
        if event.event == "queued":
            card = json.loads(event.fields.get("card") or "{}")
            found[event.handoff_id] = Row(
                handoff=event.handoff_id,
                conversation=event.fields.get("conversation", ""),
                channel=str(card.get("channel") or ""),
                language=str(card.get("language") or ""),
                reason=event.fields.get("reason", ""),
                topic=str(card.get("topic") or ""),
                queued_at=_time(event.at, zone),
            )
        row = found.get(event.handoff_id)
        if row is None:
            continue  # queued before the period
        if event.event == "claimed":
            row.agent = event.fields.get("agent", "")
            row.waited_seconds = event.fields.get("waited", "")
        elif event.event == "transferred":
            row.agent = event.fields.get("to", "")
            row.transfers += 1
        elif event.event == "note":
            row.notes += 1
        elif event.event == "closed":
            row.closed_at = _time(event.at, zone)
            row.outcome = event.fields.get("outcome", "")
        elif event.event == "rated":
            row.rating = event.fields.get("rating", "")
    return list(found.values())


def to_csv(report: list[Row]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[f.name for f in fields(Row)])
    writer.writeheader()
    writer.writerows(asdict(row) for row in report)
    return out.getvalue()


async def report(settings: Settings, start: date, end: date) -> str:
    zone = ZoneInfo(settings.load_profile().timezone)
    redis = redis_client(settings.redis_url)
    since, until = period_bounds(start, end, zone)
    try:
        events = await HandoffLog(redis).history(since=since)
    finally:
        await redis.close()
    queued_in_period = {e.handoff_id for e in events if e.event == "queued" and e.at < until}
    return to_csv(rows((e for e in events if e.handoff_id in queued_in_period), zone))


def _time(at: float, zone: ZoneInfo) -> str:
    return datetime.fromtimestamp(at, timezone.utc).astimezone(zone).isoformat(timespec="seconds")


def main() -> None:
    start, end = parse_period(__doc__.splitlines()[0])
    print(asyncio.run(report(Settings.from_env(), start, end)), end="")


if __name__ == "__main__":
    main()
