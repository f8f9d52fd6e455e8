"""Which of the company's price areas a customer is in, from what they write: a postal code, a
place, or the area itself ("NO5", "no 5", "SE3", "se 3", "elområde 3", "område 4").

Only the profile's areas count (`price_areas:`): a Swedish company reads "SE3" and "område 3" as
SE3, and "NO3" as no area at all. The postal code ranges and the places are content, in the file
the profile names (`price_area_lookup:`, content/price_areas.yml for Norway by default), so the
company ships its own and corrects them without touching code. The file is read on each lookup,
like the feeds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from core.company import CompanyProfile
from core.postal_codes import normalise_postal_code

_WORD = re.compile(r"[\w-]+")
# An area by its number after a word for it: "elområde 3", "område 4", "prisområde 3", "area 2".
_AREA_NUMBER = re.compile(
    r"\b(?:(?:el|pris|elpris)?området?|(?:price\s+)?area)\s*(?:nr\.?\s*)?(\d)\b"
)
# Sweden writes its five-digit postal codes with a space: "113 56". Not a part of a longer run of
# digit groups (a phone number, "08-123 456 78").
_SPACED_POSTAL_CODE = r"(?<!\d )\d{3} \d{2}(?! \d)"


@dataclass(frozen=True)
class PostalRange:
    first: int
    last: int
    area: str


@dataclass(frozen=True)
class PriceAreas:
    areas: tuple[str, ...]  # the company's areas: the only ones a lookup gives
    postal_code_digits: int
    ranges: Sequence[PostalRange]
    places: Mapping[str, str]  # a place, lower case -> its area

    @classmethod
    def for_company(cls, profile: CompanyProfile) -> PriceAreas:
        """The lookup the profile names, for its areas and its postal codes."""
        return cls.load(
            profile.price_area_lookup, tuple(profile.price_areas), profile.postal_code_digits
        )

    @classmethod
    def load(cls, path: Path, areas: Sequence[str], postal_code_digits: int) -> PriceAreas:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return cls.from_dict(raw, areas, postal_code_digits)

    @classmethod
    def from_dict(
        cls, raw: Mapping[str, Any], areas: Sequence[str], postal_code_digits: int
    ) -> PriceAreas:
        """The lookup in `raw`; an area in it that is not one of `areas` is a ValueError."""
        own = tuple(areas)
        ranges = [
            PostalRange(int(item["from"]), int(item["to"]), _area(item["area"], own))
            for item in raw.get("postal_codes") or []
        ]
        places = {
            str(place).strip().lower(): _area(area, own)
            for area, names in (raw.get("places") or {}).items()
            for place in names
        }
        return cls(own, postal_code_digits, ranges, places)

    def for_postal_code(self, postal_code: str) -> str | None:
        """The area of a postal code ("5003" -> "NO5", "113 56" -> "SE3"), or None for one
        outside every range or not of the company's length."""
        digits = normalise_postal_code(postal_code, self.postal_code_digits)
        if digits is None:
            return None
        number = int(digits)
        return next((r.area for r in self.ranges if r.first <= number <= r.last), None)

    def in_text(self, text: str) -> str | None:
        """The area a message names: its code, its number after a word for it, a postal code
        standing alone, or a place."""
        lowered = text.lower()
        area = self._code(lowered) or self._numbered(lowered)
        if area:
            return area
        for postal_code in self._postal_codes(lowered):
            area = self.for_postal_code(postal_code)
            if area:
                return area
        words = " " + " ".join(_WORD.findall(lowered)) + " "
        # The longest place first, so "nord-norge" is not read as a place called "nord".
        for place in sorted(self.places, key=len, reverse=True):
            if f" {place} " in words:
                return self.places[place]
        return None

    def _code(self, lowered: str) -> str | None:
        """ "no 5", "NO5", "se-3": a country's letters and a number, one of the company's areas."""
        prefixes = sorted({area.rstrip("0123456789").lower() for area in self.areas})
        pattern = rf"\b({'|'.join(map(re.escape, prefixes))})\s*-?\s*(\d)\b"
        for found in re.finditer(pattern, lowered):
            area = f"{found.group(1)}{found.group(2)}".upper()
            if area in self.areas:
                return area
        return None

    def _numbered(self, lowered: str) -> str | None:
        """ "elområde 3": the company's area with that number, when it has one."""
        for found in _AREA_NUMBER.finditer(lowered):
            numbered = [area for area in self.areas if area.endswith(found.group(1))]
            if len(numbered) == 1:
                return numbered[0]
        return None

    def _postal_codes(self, lowered: str) -> list[str]:
        digits = self.postal_code_digits
        written = rf"\d{{{digits}}}" + (f"|{_SPACED_POSTAL_CODE}" if digits == 5 else "")
        return re.findall(rf"(?<!\d)(?:{written})(?!\d)", lowered)


def _area(value: Any, areas: tuple[str, ...]) -> str:
    area = str(value).upper()
    if area not in areas:
        raise ValueError(f"price area {value!r} is none of the company's: {', '.join(areas)}")
    return area
