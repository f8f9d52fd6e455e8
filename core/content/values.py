"""Values that actions pass with an answer, written out in the customer's language.

An action sends times as `{"type": "date_time", "value": "<ISO time>"}` (and amounts in øre
as `{"type": "ore", "value": 4.9}`); the NLG writes them the way the customer's language does ("Tuesday 14 May at 16:00", "tirsdag 14. mai kl.
16.00"), so no action knows how any language writes a date.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from core.content.locale import Locale


def time_value(at: datetime) -> dict[str, str]:
    return {"type": "time", "value": at.isoformat()}


def date_value(at: datetime) -> dict[str, str]:
    return {"type": "date", "value": at.isoformat()}


def date_time_value(at: datetime) -> dict[str, str]:
    return {"type": "date_time", "value": at.isoformat()}


def ore_value(amount: float) -> dict[str, Any]:
    """An amount in øre, written with the language's decimal mark ("4,9 øre", "4.9 øre")."""
    return {"type": "ore", "value": amount}


def written_out(values: Mapping[str, Any], locale: Locale) -> dict[str, Any]:
    """`values` with every typed time written out in `locale`; other values unchanged."""
    return {name: _write(value, locale) for name, value in values.items()}


def _write(value: Any, locale: Locale) -> Any:
    if not (isinstance(value, dict) and "type" in value and "value" in value):
        return value
    kind = value["type"]
    if kind == "ore":
        return locale.ore(float(value["value"]))
    at = datetime.fromisoformat(str(value["value"]))
    if kind == "time":
        return locale.time(at)
    if kind == "date":
        return locale.date(at)
    if kind == "date_time":
        return locale.date_time(at)
    raise ValueError(f"unknown value type {kind!r}")
