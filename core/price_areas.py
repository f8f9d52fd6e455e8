"""Which price area (NO1–NO5) a customer is in, from what they write: a postal code, a place,
or the area's own name ("NO5", "no 5").

The postal code ranges and the places are content (content/price_areas.yml), so the company
corrects them without touching code. The file is read on each lookup, like the feeds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from core.spot_prices import AREAS

_AREA_CODE = re.compile(r"\bno\s*-?\s*([1-5])\b")
_WORD = re.compile(r"[\w-]+")


@dataclass(frozen=True)
class PostalRange:
    first: int
    last: int
    area: str


@dataclass(frozen=True)
class PriceAreas:
    ranges: Sequence[PostalRange]
    places: Mapping[str, str]  # a place, lower case -> its area

    @classmethod
    def load(cls, path: Path) -> PriceAreas:
        return cls.from_dict(yaml.safe_load(path.read_text(encoding="utf-8")) or {})

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> PriceAreas:
        ranges = [
            PostalRange(int(item["from"]), int(item["to"]), _area(item["area"]))
            for item in raw.get("postal_codes") or []
        ]
        places = {
            str(place).strip().lower(): _area(area)
            for area, names in (raw.get("places") or {}).items()
            for place in names
        }
        return cls(ranges, places)

    def for_postal_code(self, postal_code: str) -> str | None:
        """The area of a postal code ("5003" -> "NO5"), or None for one outside every range."""
        if not postal_code.isdigit():
            return None
        number = int(postal_code)
        return next((r.area for r in self.ranges if r.first <= number <= r.last), None)

    def in_text(self, text: str, postal_code_digits: int) -> str | None:
        """The area a message names: its area code, a postal code standing alone, or a place."""
        lowered = text.lower()
        code = _AREA_CODE.search(lowered)
        if code:
            return f"NO{code.group(1)}"
        for number in re.findall(rf"(?<!\d)\d{{{postal_code_digits}}}(?!\d)", lowered):
            area = self.for_postal_code(number)
            if area:
                return area
        words = " " + " ".join(_WORD.findall(lowered)) + " "
        # The longest place first, so "nord-norge" is not read as a place called "nord".
        for place in sorted(self.places, key=len, reverse=True):
            if f" {place} " in words:
                return self.places[place]
        return None


def _area(value: Any) -> str:
    area = str(value).upper()
    if area not in AREAS:
        raise ValueError(f"price area {value!r} is none of {', '.join(AREAS)}")
    return area
