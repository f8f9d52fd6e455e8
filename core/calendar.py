"""Business calendar of the customer-service desk: opening hours, holidays and deadlines.

Shared by the Rasa actions and the agent desk. It answers whether the desk is open, when it
next opens, and the deadline of promises such as "we call you back within one workday".

A workday is a day whose weekday has opening hours and that is neither a public holiday (from
the `holidays` package) nor a company closed day. Days closed by custom rather than by law,
such as 24 and 31 December in Norway or Midsummer Eve in Sweden, belong in ``closed_days``.

Deadline rule: "Within N workdays" means: by the closing time of the N-th workday whose opening
time is after the request. So a request gets N full workdays of opening hours. An opening at
the very moment of the request counts as after it, since that day is still a full workday.
With 08:00-16:00 Monday to Friday in Norway and N = 1:

- Friday 15:55 before Whit Monday -> Tuesday 16:00 (Monday is a public holiday).
- Friday 20:00 on a normal weekend -> Monday 16:00.
- Monday 07:00 -> Monday 16:00 (Monday opens after the request).
- Tuesday 09:00 -> Wednesday 16:00 (Tuesday opened before the request).

All times are local wall-clock times in the company's zone, so 16:00 stays 16:00 across
daylight-saving changes. Every returned datetime is aware, in that zone.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

import holidays
from holidays.countries.sweden import Sweden

# Pinned because `holidays` otherwise takes the language of holiday names from the
# LANGUAGE/LC_ALL/LANG variables, so names would differ between a shell and the server.
_HOLIDAY_NAME_LANGUAGE = "en_US"


@dataclass(frozen=True)
class OpeningHours:
    """Opening hours for one weekday: open and close as local wall-clock times."""

    opens: time
    closes: time

    def __post_init__(self) -> None:
        if self.opens >= self.closes:
            raise ValueError(
                f"opening hours must open before they close: {self.opens}-{self.closes}"
            )


class BusinessCalendar:
    """Opening hours, public holidays and company closed days of one customer-service desk."""

    def __init__(
        self,
        *,
        timezone: str,
        country: str,
        weekly: Mapping[int, OpeningHours | None],
        closed_days: Iterable[date] = (),
        subdivision: str | None = None,
    ) -> None:
        """Create a calendar.

        `weekly` maps 0 = Monday ... 6 = Sunday to opening hours; a missing or None weekday is
        closed. `country` is an ISO code known to `holidays` ("NO", "FI", "SE", ...).
        """
        if not set(weekly) <= set(range(7)):
            raise ValueError(f"weekly keys must be 0 (Monday) to 6 (Sunday), got {sorted(weekly)}")
        self._weekly = tuple(weekly.get(weekday) for weekday in range(7))
        # Without an open weekday there is no next opening and no deadline to find.
        if all(hours is None for hours in self._weekly):
            raise ValueError("weekly must give opening hours for at least one weekday")
        self._zone = ZoneInfo(timezone)
        self._closed_days = frozenset(closed_days)
        self._holidays = _public_holidays(country, subdivision)

    def is_workday(self, day: date) -> bool:
        """True if `day` has opening hours and is no public holiday or company closed day."""
        return self._hours(day) is not None

    def holiday_name(self, day: date) -> str | None:
        """The public holiday's name on `day` ("; "-joined when two coincide), else None."""
        return self._holidays.get(day)

    def is_open(self, at: datetime) -> bool:
        """True if the desk is open at the aware datetime `at` (opens <= local time < closes)."""
        local = self.local(at)
        hours = self._hours(local.date())
        return hours is not None and hours.opens <= local.time() < hours.closes

    def next_opening(self, at: datetime) -> datetime:
        """When the desk opens again, for "we open again at ..." messages.

        While the desk is open this is `at` itself (in the company's zone), otherwise the
        first opening after `at`.
        """
        local = self.local(at)
        if self.is_open(local):
            return local
        return next(opens for opens, _ in self._periods(local.date()) if opens > local)

    def closing_time(self, day: date) -> datetime | None:
        """When the desk closes on `day`, or None if `day` is not a workday."""
        hours = self._hours(day)
        return None if hours is None else datetime.combine(day, hours.closes, tzinfo=self._zone)

    def workday_deadline(self, at: datetime, workdays: int) -> datetime:
        """Deadline of a promise made at `at` to act within `workdays` workdays.

        It is the closing time of the `workdays`-th workday that opens at or after `at`; see
        the module docstring for the rule and examples.
        """
        if workdays < 1:
            raise ValueError(f"workdays must be at least 1, got {workdays}")
        local = self.local(at)
        closings = (closes for opens, closes in self._periods(local.date()) if opens >= local)
        return next(islice(closings, workdays - 1, None))

    def local(self, at: datetime) -> datetime:
        """`at` in the company's time zone; naive datetimes are refused."""
        if at.utcoffset() is None:
            raise ValueError(f"datetime must be timezone-aware, got naive {at.isoformat()}")
        return at.astimezone(self._zone)

    def _hours(self, day: date) -> OpeningHours | None:
        """Opening hours on `day`, or None if the desk is closed all day."""
        if day in self._closed_days or day in self._holidays:
            return None
        return self._weekly[day.weekday()]

    def _periods(self, start: date) -> Iterator[tuple[datetime, datetime]]:
        """Opening and closing of every workday from `start` on.

        Endless, but a workday always comes: some weekday opens and closed days are finite.
        """
        day = start
        while True:
            hours = self._hours(day)
            if hours is not None:
                yield (
                    datetime.combine(day, hours.opens, tzinfo=self._zone),
                    datetime.combine(day, hours.closes, tzinfo=self._zone),
                )
            day += timedelta(days=1)


def _public_holidays(country: str, subdivision: str | None) -> holidays.HolidayBase:
    """Public holidays of `country`; each year is computed on first lookup and then cached."""
    if country == "SE":
        # Swedish law counts every Sunday as a public holiday and `holidays` lists them all by
        # default; drop them so holiday_name() names real holidays and Sundays can have hours.
        return Sweden(subdiv=subdivision, language=_HOLIDAY_NAME_LANGUAGE, include_sundays=False)
    return holidays.country_holidays(country, subdiv=subdivision, language=_HOLIDAY_NAME_LANGUAGE)
