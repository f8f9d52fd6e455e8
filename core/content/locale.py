"""How each language writes dates, times and durations, and every text an agent reads: the
context card's and the desk's (`content/locale.yml`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from core.calendar import OpeningHours
from core.card import CardTexts

# The sections of a language that agents read (docs/content.md, "Texts for agents").
AGENT_SECTIONS = (
    "language_names",
    "card",
    "desk",
    "desk_callbacks",
    "desk_complaints",
    "desk_follow_ups",
    "desk_privacy",
    "desk_insights",
)


@dataclass(frozen=True)
class Locale:
    language: str
    weekdays: tuple[str, ...]
    months: tuple[str, ...]
    patterns: Mapping[str, Any]

    @classmethod
    def load_all(cls, path: Path) -> dict[str, Locale]:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return {
            language: cls(language, tuple(spec["weekdays"]), tuple(spec["months"]), spec)
            for language, spec in raw.items()
        }

    @property
    def card(self) -> CardTexts:
        """What the context card says in this language."""
        return CardTexts.from_dict(
            self.language, self.patterns["card"], self.patterns["language_names"]
        )

    def texts(self, section: str) -> dict[str, str]:
        """One flat section of texts, e.g. `desk`: key -> text."""
        return {str(key): str(text) for key, text in (self.patterns[section] or {}).items()}

    def language_name(self, language: str) -> str:
        """A language's name in this language, e.g. "engelsk" in nb."""
        return str(self.patterns["language_names"].get(language, language))

    def time(self, value: dt.time | dt.datetime) -> str:
        return str(self.patterns["time"]).format(hour=value.hour, minute=value.minute)

    def date(self, value: dt.date) -> str:
        return str(self.patterns["date"]).format(**self._date_parts(value))

    def date_time(self, value: dt.datetime) -> str:
        return str(self.patterns["date_time"]).format(
            time=self.time(value), **self._date_parts(value)
        )

    def full_date(self, value: dt.date) -> str:
        """A date with its year and no weekday: "31. desember 2026"."""
        return str(self.patterns["full_date"]).format(year=value.year, **self._date_parts(value))

    def minutes(self, n: int) -> str:
        return self._count("minutes", n)

    def workdays(self, n: int) -> str:
        return self._count("workdays", n)

    def month_count(self, n: int) -> str:
        return self._count("months_count", n)

    def money(self, amount: float, currency: str) -> str:
        """49 NOK -> "49 kr" / "NOK 49"; 4.5 EUR -> "4,50 €" / "€4.50"."""
        return str(self.patterns["money"][currency]).format(n=self._number(amount, 2))

    def money_minor(self, amount: float, currency: str) -> str:
        """An amount in the currency's hundredth, to two decimals at most: 4.9 NOK -> "4,9 øre";
        0.49 EUR -> "0,49 snt"."""
        number = self._number(amount, 2)
        mark = str(self.patterns["decimal_mark"])
        if mark in number:
            number = number.rstrip("0").rstrip(mark)
        return str(self.patterns["money_minor"][currency]).format(n=number)

    def _number(self, value: float, decimals: int) -> str:
        if value == int(value):
            return str(int(value))
        return f"{value:.{decimals}f}".replace(".", str(self.patterns["decimal_mark"]))

    def weekly_hours(self, weekly: Mapping[int, OpeningHours | None]) -> str:
        """'Monday to Friday, 08:00–16:00': runs of weekdays with the same hours, joined."""
        runs: list[tuple[int, int, OpeningHours]] = []
        for day in range(7):
            hours = weekly.get(day)
            if hours is None:
                continue
            if runs and runs[-1][1] == day - 1 and runs[-1][2] == hours:
                runs[-1] = (runs[-1][0], day, hours)
            else:
                runs.append((day, day, hours))
        parts = [
            str(self.patterns["hours"]).format(
                days=self._day_range(first, last),
                opens=self.time(hours.opens),
                closes=self.time(hours.closes),
            )
            for first, last, hours in runs
        ]
        return str(self.patterns["list_and"]).join(parts)

    def _day_range(self, first: int, last: int) -> str:
        if first == last:
            return self.weekdays[first]
        return str(self.patterns["day_range"]).format(
            first=self.weekdays[first], last=self.weekdays[last]
        )

    def _date_parts(self, value: dt.date) -> dict[str, Any]:
        return {
            "weekday": self.weekdays[value.weekday()],
            "day": value.day,
            "month": self.months[value.month - 1],
        }

    def _count(self, unit: str, n: int) -> str:
        forms = self.patterns[unit]
        return str(forms["one"] if n == 1 else forms["other"]).format(n=n)
