"""Spot prices per price area (the profile's: NO1–NO5, SE1–SE4 or FI, core/market_areas.py), from
the price feed the profile names.

The feed (content/spot_prices.yml by default; an http(s) URL in production, fetched by
actions/price_feed.py) is the market data export: one list of prices per area and day, one per
interval (15 minutes since the day-ahead market moved to 15-minute prices in 2025). This module
reads its parsed content, so it works the same whichever way the feed came.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import mean
from typing import Any
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class SpotPrices:
    """The price in each area for one interval, in øre per kWh without VAT or markup."""

    starts: datetime
    ends: datetime
    by_area: Mapping[str, float]


@dataclass(frozen=True)
class AreaPrices:
    """One area's price now, and its average today and tomorrow (None before it is published)."""

    area: str
    starts: datetime
    ends: datetime
    now: float
    today: float
    tomorrow: float | None


def spot_prices_at(
    feed: Mapping[str, Any], areas: Sequence[str], timezone: str, now: datetime
) -> SpotPrices | None:
    """The prices of the interval `now` falls in, or None when the feed does not reach it."""
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    minutes = int(feed.get("interval_minutes") or 60)
    day = _day(feed, local.date())
    index = (local.hour * 60 + local.minute) // minutes
    if not all(isinstance(day.get(area), list) and index < len(day[area]) for area in areas):
        return None
    starts = _midnight(local.date(), zone) + timedelta(minutes=index * minutes)
    return SpotPrices(
        starts=starts,
        ends=starts + timedelta(minutes=minutes),
        by_area={area: float(day[area][index]) for area in areas},
    )


def area_prices_at(
    feed: Mapping[str, Any], area: str, timezone: str, now: datetime
) -> AreaPrices | None:
    """`area`'s price now with today's and tomorrow's averages, or None when the feed does not
    reach now."""
    prices = spot_prices_at(feed, (area,), timezone, now)
    if prices is None:
        return None
    today = prices.starts.date()
    tomorrow = _day(feed, today + timedelta(days=1)).get(area)
    return AreaPrices(
        area=area,
        starts=prices.starts,
        ends=prices.ends,
        now=prices.by_area[area],
        today=_average(_day(feed, today)[area]),
        tomorrow=_average(tomorrow) if isinstance(tomorrow, list) and tomorrow else None,
    )


def _day(feed: Mapping[str, Any], day: date) -> Mapping[str, Any]:
    days = feed.get("days") or {}
    return days.get(day.isoformat()) or days.get(day) or {}  # a YAML date key is a date


def _average(prices: list[Any]) -> float:
    return round(mean(float(price) for price in prices), 1)


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=zone)
