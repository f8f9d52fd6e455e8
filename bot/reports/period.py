"""The period a report covers: whole days in the company's time zone, given on the command
line as `--from 2026-11-01 --to 2026-11-30` (default: this month so far)."""

from __future__ import annotations

import argparse
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def period_parser(description: str) -> argparse.ArgumentParser:
    """A command line parser that takes `--from` and `--to` (as `start` and `end`)."""
    parser = argparse.ArgumentParser(description=description)
    today = date.today()
    parser.add_argument(
        "--from", dest="start", type=date.fromisoformat, default=today.replace(day=1)
    )
    parser.add_argument("--to", dest="end", type=date.fromisoformat, default=today)
    return parser


def parse_period(description: str) -> tuple[date, date]:
    """The first and the last day (both included) asked for on the command line."""
    args = period_parser(description).parse_args()
    return args.start, args.end


def period_bounds(start: date, end: date, zone: ZoneInfo) -> tuple[float, float]:
    """Epoch seconds of the first day's midnight and of the midnight after the last day."""
    return (
        datetime.combine(start, time(), zone).timestamp(),
        datetime.combine(end + timedelta(days=1), time(), zone).timestamp(),
    )
