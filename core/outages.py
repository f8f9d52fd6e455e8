"""Known power outages, from the outage feed named in the company profile.

The feed is a YAML file (content/outages.yml) that a grid company's export or an operator keeps
up to date; it is read on each lookup, so a change shows at once without a restart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml


@dataclass(frozen=True)
class Outage:
    area: str
    postal_codes: frozenset[str]
    started: datetime
    expected_end: datetime | None
    cause: Mapping[str, str]  # by language

    def is_active(self, now: datetime) -> bool:
        return self.started <= now and (self.expected_end is None or now < self.expected_end)


def find_outage(feed: Path, timezone: str, postal_code: str, now: datetime) -> Outage | None:
    """The outage going on in `postal_code` at `now`, if the feed knows one."""
    for outage in load_feed(feed, timezone):
        if postal_code in outage.postal_codes and outage.is_active(now):
            return outage
    return None


def load_feed(feed: Path, timezone: str) -> list[Outage]:
    raw = yaml.safe_load(feed.read_text(encoding="utf-8")) or {}
    zone = ZoneInfo(timezone)
    return [_outage(item, zone) for item in raw.get("outages") or []]


def _outage(item: dict[str, Any], zone: ZoneInfo) -> Outage:
    end = str(item.get("expected_end") or "").strip()
    cause = item.get("cause") or {}
    return Outage(
        area=str(item["area"]),
        postal_codes=frozenset(str(code) for code in item["postal_codes"]),
        started=_local(str(item["started"]), zone),
        expected_end=_local(end, zone) if end else None,
        cause=cause if isinstance(cause, dict) else {},
    )


def _local(text: str, zone: ZoneInfo) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone)
