"""Spot prices per price area (the profile's `price_areas:`, e.g. NO1–NO5 or FI), from the price
feed named in the company profile.

The feed is a YAML file (content/spot_prices.yml) that the market data export keeps up to date:
one list of prices per area and day, one per interval (15 minutes since the day-ahead market
moved to 15-minute prices in 2025). It is read on each lookup, so a new day shows at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml


@dataclass(frozen=True)
class SpotPrices:
    """The price in each area for one interval, in øre or cents per kWh without VAT or markup."""

    starts: datetime
    ends: datetime
    by_area: Mapping[str, float]


def spot_prices_at(
    feed: Path, areas: Sequence[str], timezone: str, now: datetime
) -> SpotPrices | None:
    """The prices of the interval `now` falls in, or None when the feed does not reach it."""
    raw = yaml.safe_load(feed.read_text(encoding="utf-8")) or {}
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    minutes = int(raw.get("interval_minutes") or 60)
    day = (raw.get("days") or {}).get(local.date().isoformat()) or {}
    index = (local.hour * 60 + local.minute) // minutes
    if not all(isinstance(day.get(area), list) and index < len(day[area]) for area in areas):
        return None
    starts = _midnight(local.date(), zone) + timedelta(minutes=index * minutes)
    return SpotPrices(
        starts=starts,
        ends=starts + timedelta(minutes=minutes),
        by_area={area: float(day[area][index]) for area in areas},
    )


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=zone)
