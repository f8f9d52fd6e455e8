"""Values that actions pass with an answer, written out in the customer's language.

An action sends times as `{"type": "date_time", "value": "<ISO time>"}`, amounts in the
currency's hundredth as `{"type": "minor", "value": 4.9}` and spot prices per price area as
`{"type": "area_prices", "value": {"NO1": 94.5, ...}}`; the NLG writes them the way the
customer's language does ("Tuesday 14 May at 16:00", "tirsdag 14. mai kl. 16.00", "Øst (NO1):
94,5 øre"), with the company's currency and area names, so no action knows how any language
writes a date or an amount.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from core.company import CompanyProfile
from core.content.locale import Locale


def time_value(at: datetime) -> dict[str, str]:
    return {"type": "time", "value": at.isoformat()}


def date_value(at: datetime) -> dict[str, str]:
    return {"type": "date", "value": at.isoformat()}


def date_time_value(at: datetime) -> dict[str, str]:
    return {"type": "date_time", "value": at.isoformat()}


def minor_value(amount: float) -> dict[str, Any]:
    """An amount in the currency's hundredth ("4,9 øre", "4.9 cents")."""
    return {"type": "minor", "value": amount}


def area_prices_value(by_area: Mapping[str, float]) -> dict[str, Any]:
    """A price per kWh (in the currency's hundredth) for each price area, one line per area."""
    return {"type": "area_prices", "value": dict(by_area)}


def written_out(
    values: Mapping[str, Any], locale: Locale, profile: CompanyProfile
) -> dict[str, Any]:
    """`values` with every typed value written out in `locale`; other values unchanged."""
    return {name: _write(value, locale, profile) for name, value in values.items()}


def _write(value: Any, locale: Locale, profile: CompanyProfile) -> Any:
    if not (isinstance(value, dict) and "type" in value and "value" in value):
        return value
    kind = value["type"]
    if kind == "minor":
        return locale.money_minor(float(value["value"]), profile.currency)
    if kind == "area_prices":
        return "\n".join(
            f"{profile.price_areas.get(area, {}).get(locale.language, area)} ({area}): "
            f"{locale.money_minor(float(price), profile.currency)}"
            for area, price in value["value"].items()
        )
    at = datetime.fromisoformat(str(value["value"]))
    if kind == "time":
        return locale.time(at)
    if kind == "date":
        return locale.date(at)
    if kind == "date_time":
        return locale.date_time(at)
    raise ValueError(f"unknown value type {kind!r}")
