"""Tests for the business calendar with an 08:00-16:00 Monday-Friday desk in NO, FI and SE.

Every date below was checked against `holidays` 0.86 and the weekdays of `calendar`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from core.calendar import BusinessCalendar, OpeningHours

UTC = ZoneInfo("UTC")
ZONES = {"NO": "Europe/Oslo", "FI": "Europe/Helsinki", "SE": "Europe/Stockholm"}
YEARS = (2025, 2026, 2027)
# Days closed by custom that `holidays` 0.86 does not list as public holidays:
# - NO: 24 and 31 December are ordinary weekdays by law.
# - SE: Midsummer Eve, Christmas Eve and New Year's Eve are only in the "bank" category,
#   not "public" (Midsummer Day, always a Saturday, is public).
# - FI: none needed; Midsummer Eve and Christmas Eve are listed as public holidays.
CLOSED_DAYS = {
    "NO": [date(year, 12, day) for year in YEARS for day in (24, 31)],
    "FI": [],
    "SE": [date(year, 12, day) for year in YEARS for day in (24, 31)]
    + [date(2025, 6, 20), date(2026, 6, 19), date(2027, 6, 25)],
}
CALENDARS = {
    country: BusinessCalendar(
        timezone=zone,
        country=country,
        weekly={weekday: OpeningHours(time(8), time(16)) for weekday in range(5)},
        closed_days=CLOSED_DAYS[country],
    )
    for country, zone in ZONES.items()
}


def local(country: str, wall_clock: str) -> datetime:
    """An aware datetime at the given local wall-clock time, e.g. "2025-06-06 15:55"."""
    return datetime.fromisoformat(wall_clock).replace(tzinfo=ZoneInfo(ZONES[country]))


@pytest.mark.parametrize(
    ("country", "request_at", "workdays", "due"),
    [
        # The rule's examples, and requests exactly at opening and closing.
        pytest.param(
            "NO",
            "2025-06-06 15:55",
            1,
            "2025-06-10 16:00",
            id="no-friday-before-whit-monday-due-tuesday",
        ),
        pytest.param(
            "NO", "2025-01-03 20:00", 1, "2025-01-06 16:00", id="no-friday-evening-due-monday"
        ),
        pytest.param(
            "NO", "2025-09-01 07:00", 1, "2025-09-01 16:00", id="no-before-opening-due-same-day"
        ),
        pytest.param(
            "NO", "2025-09-02 09:00", 1, "2025-09-03 16:00", id="no-during-hours-due-next-day"
        ),
        pytest.param(
            "NO",
            "2025-09-01 08:00",
            1,
            "2025-09-01 16:00",
            id="no-exactly-at-opening-gets-that-day",
        ),
        pytest.param(
            "NO", "2025-09-01 16:00", 1, "2025-09-02 16:00", id="no-exactly-at-closing-due-next-day"
        ),
        pytest.param("NO", "2025-09-06 11:00", 1, "2025-09-08 16:00", id="no-saturday-due-monday"),
        pytest.param(
            "NO", "2025-09-02 09:00", 3, "2025-09-05 16:00", id="no-three-workdays-within-a-week"
        ),
        # Norway closes Maundy Thursday, Good Friday and Easter Monday.
        pytest.param(
            "NO",
            "2026-04-01 15:55",
            1,
            "2026-04-07 16:00",
            id="no-wednesday-before-easter-due-tuesday",
        ),
        pytest.param(
            "NO",
            "2025-04-16 10:00",
            3,
            "2025-04-24 16:00",
            id="no-complaint-3-workdays-spans-easter",
        ),
        pytest.param(
            "NO",
            "2027-03-24 09:00",
            1,
            "2027-03-30 16:00",
            id="no-easter-and-dst-change-same-weekend",
        ),
        pytest.param("NO", "2026-05-13 12:00", 1, "2026-05-15 16:00", id="no-ascension-day-closed"),
        pytest.param(
            "NO", "2026-04-30 12:00", 1, "2026-05-04 16:00", id="no-1-may-on-friday-closed"
        ),
        pytest.param(
            "NO",
            "2027-05-14 12:00",
            1,
            "2027-05-18 16:00",
            id="no-17-may-monday-and-whit-monday-closed",
        ),
        pytest.param(
            "NO",
            "2025-12-23 10:00",
            1,
            "2025-12-29 16:00",
            id="no-christmas-eve-closed-day-and-christmas",
        ),
        pytest.param(
            "NO",
            "2025-12-30 10:00",
            1,
            "2026-01-02 16:00",
            id="no-new-years-eve-closed-day-and-new-year",
        ),
        # Finland works on Maundy Thursday; Midsummer Eve and Christmas Eve are holidays.
        pytest.param(
            "FI", "2025-04-16 12:00", 1, "2025-04-17 16:00", id="fi-maundy-thursday-is-workday"
        ),
        pytest.param(
            "FI",
            "2025-04-17 12:00",
            1,
            "2025-04-22 16:00",
            id="fi-good-friday-and-easter-monday-closed",
        ),
        pytest.param(
            "FI",
            "2026-04-02 09:00",
            3,
            "2026-04-09 16:00",
            id="fi-complaint-3-workdays-spans-easter",
        ),
        pytest.param(
            "FI", "2025-04-30 12:00", 1, "2025-05-02 16:00", id="fi-1-may-on-thursday-closed"
        ),
        pytest.param("FI", "2025-05-28 12:00", 1, "2025-05-30 16:00", id="fi-ascension-day-closed"),
        pytest.param(
            "FI", "2026-06-18 12:00", 1, "2026-06-22 16:00", id="fi-midsummer-eve-is-holiday"
        ),
        pytest.param(
            "FI", "2027-12-03 12:00", 1, "2027-12-07 16:00", id="fi-independence-day-monday-closed"
        ),
        pytest.param(
            "FI",
            "2026-12-23 12:00",
            1,
            "2026-12-28 16:00",
            id="fi-christmas-eve-and-christmas-closed",
        ),
        pytest.param(
            "FI", "2026-12-31 12:00", 1, "2027-01-04 16:00", id="fi-new-years-day-friday-closed"
        ),
        # Sweden works on Whit Monday; National Day is a holiday, Midsummer Eve a closed day.
        pytest.param(
            "SE",
            "2025-04-17 12:00",
            1,
            "2025-04-22 16:00",
            id="se-good-friday-and-easter-monday-closed",
        ),
        pytest.param(
            "SE",
            "2027-03-25 12:00",
            3,
            "2027-04-01 16:00",
            id="se-complaint-3-workdays-spans-easter",
        ),
        pytest.param(
            "SE", "2025-04-30 12:00", 1, "2025-05-02 16:00", id="se-1-may-on-thursday-closed"
        ),
        pytest.param("SE", "2027-05-05 12:00", 1, "2027-05-07 16:00", id="se-ascension-day-closed"),
        pytest.param(
            "SE",
            "2025-06-05 12:00",
            1,
            "2025-06-09 16:00",
            id="se-national-day-closed-whit-monday-open",
        ),
        pytest.param(
            "SE", "2025-06-19 12:00", 1, "2025-06-23 16:00", id="se-midsummer-eve-closed-day"
        ),
        pytest.param(
            "SE",
            "2026-12-23 12:00",
            1,
            "2026-12-28 16:00",
            id="se-christmas-eve-closed-day-and-christmas",
        ),
        pytest.param(
            "SE",
            "2025-12-30 12:00",
            1,
            "2026-01-02 16:00",
            id="se-new-years-eve-closed-day-and-new-year",
        ),
    ],
)
def test_workday_deadline(country: str, request_at: str, workdays: int, due: str) -> None:
    deadline = CALENDARS[country].workday_deadline(local(country, request_at), workdays)

    assert deadline == local(country, due)
    assert deadline.tzinfo == ZoneInfo(ZONES[country])


@pytest.mark.parametrize(
    ("country", "request_at", "due"),
    [
        # Fridays before the last Sundays of March and October: the offset changes, 16:00 stays.
        pytest.param(
            "NO", "2026-03-27T15:00+01:00", "2026-03-30T16:00:00+02:00", id="no-summer-time-march"
        ),
        pytest.param(
            "NO", "2026-10-23T15:00+02:00", "2026-10-26T16:00:00+01:00", id="no-winter-time-october"
        ),
        pytest.param(
            "FI", "2025-10-24T15:00+03:00", "2025-10-27T16:00:00+02:00", id="fi-winter-time-october"
        ),
        pytest.param(
            "SE", "2025-03-28T15:00+01:00", "2025-03-31T16:00:00+02:00", id="se-summer-time-march"
        ),
        pytest.param(
            "SE", "2027-10-29T15:00+02:00", "2027-11-01T16:00:00+01:00", id="se-winter-time-october"
        ),
    ],
)
def test_deadline_keeps_local_closing_time_across_dst(
    country: str, request_at: str, due: str
) -> None:
    request = datetime.fromisoformat(request_at)

    assert CALENDARS[country].workday_deadline(request, 1).isoformat() == due


@pytest.mark.parametrize(
    ("country", "day", "workday", "holiday"),
    [
        pytest.param("NO", date(2025, 4, 17), False, "Maundy Thursday", id="no-maundy-thursday"),
        pytest.param("NO", date(2026, 4, 6), False, "Easter Monday", id="no-easter-monday"),
        pytest.param(
            "NO", date(2025, 5, 17), False, "Constitution Day", id="no-17-may-on-saturday"
        ),
        pytest.param(
            "NO",
            date(2027, 5, 17),
            False,
            "Constitution Day; Whit Monday",
            id="no-17-may-on-whit-monday",
        ),
        pytest.param(
            "NO", date(2025, 12, 24), False, None, id="no-christmas-eve-is-closed-day-not-holiday"
        ),
        pytest.param("NO", date(2025, 12, 22), True, None, id="no-ordinary-monday"),
        pytest.param("FI", date(2025, 4, 17), True, None, id="fi-maundy-thursday-is-workday"),
        pytest.param("FI", date(2025, 6, 20), False, "Midsummer Eve", id="fi-midsummer-eve"),
        pytest.param("FI", date(2027, 12, 6), False, "Independence Day", id="fi-independence-day"),
        pytest.param(
            "SE", date(2025, 6, 20), False, None, id="se-midsummer-eve-is-closed-day-not-holiday"
        ),
        pytest.param("SE", date(2025, 6, 6), False, "National Day", id="se-national-day"),
        pytest.param("SE", date(2025, 6, 9), True, None, id="se-whit-monday-is-workday"),
        pytest.param("SE", date(2026, 6, 7), False, None, id="se-plain-sunday-is-no-holiday"),
        pytest.param("SE", date(2026, 4, 5), False, "Easter Sunday", id="se-easter-sunday"),
    ],
)
def test_workdays_and_holiday_names(
    country: str, day: date, workday: bool, holiday: str | None
) -> None:
    calendar = CALENDARS[country]

    assert calendar.is_workday(day) is workday
    assert calendar.holiday_name(day) == holiday
    assert (calendar.closing_time(day) is not None) is workday


@pytest.mark.parametrize(
    ("country", "at", "is_open"),
    [
        pytest.param("NO", local("NO", "2025-09-01 07:59"), False, id="no-minute-before-opening"),
        pytest.param("NO", local("NO", "2025-09-01 08:00"), True, id="no-exactly-at-opening"),
        pytest.param("NO", local("NO", "2025-09-01 15:59"), True, id="no-minute-before-closing"),
        pytest.param("NO", local("NO", "2025-09-01 16:00"), False, id="no-exactly-at-closing"),
        pytest.param("NO", local("NO", "2025-09-06 10:00"), False, id="no-saturday"),
        pytest.param("NO", local("NO", "2025-05-29 10:00"), False, id="no-ascension-day"),
        pytest.param(
            "NO", datetime(2025, 9, 1, 6, 0, tzinfo=UTC), True, id="no-utc-0600-is-0800-oslo"
        ),
        pytest.param(
            "FI", datetime(2025, 9, 1, 5, 30, tzinfo=UTC), True, id="fi-utc-0530-is-0830-helsinki"
        ),
        pytest.param(
            "SE", datetime(2025, 9, 1, 5, 30, tzinfo=UTC), False, id="se-utc-0530-is-0730-stockholm"
        ),
    ],
)
def test_is_open(country: str, at: datetime, is_open: bool) -> None:
    assert CALENDARS[country].is_open(at) is is_open


@pytest.mark.parametrize(
    ("country", "at", "opens"),
    [
        pytest.param("NO", "2025-09-02 10:00", "2025-09-02 10:00", id="no-open-now-returns-now"),
        pytest.param(
            "NO", "2025-09-02 08:00", "2025-09-02 08:00", id="no-exactly-at-opening-returns-now"
        ),
        pytest.param("NO", "2025-09-02 07:00", "2025-09-02 08:00", id="no-before-opening-same-day"),
        pytest.param(
            "NO", "2025-09-01 16:00", "2025-09-02 08:00", id="no-exactly-at-closing-next-morning"
        ),
        pytest.param(
            "NO", "2025-06-06 17:00", "2025-06-10 08:00", id="no-friday-before-whit-monday"
        ),
        pytest.param("NO", "2026-04-01 16:30", "2026-04-07 08:00", id="no-before-easter"),
        pytest.param("NO", "2025-12-23 16:00", "2025-12-29 08:00", id="no-before-christmas"),
        pytest.param(
            "NO", "2026-03-28 12:00", "2026-03-30 08:00", id="no-across-summer-time-change"
        ),
        pytest.param(
            "FI", "2025-12-05 16:30", "2025-12-08 08:00", id="fi-independence-day-on-saturday"
        ),
        pytest.param("SE", "2025-06-19 16:00", "2025-06-23 08:00", id="se-before-midsummer"),
    ],
)
def test_next_opening(country: str, at: str, opens: str) -> None:
    assert CALENDARS[country].next_opening(local(country, at)) == local(country, opens)


NAIVE = datetime(2025, 9, 1, 10, 0)


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda calendar: calendar.is_open(NAIVE), id="is_open"),
        pytest.param(lambda calendar: calendar.next_opening(NAIVE), id="next_opening"),
        pytest.param(lambda calendar: calendar.workday_deadline(NAIVE, 1), id="workday_deadline"),
    ],
)
def test_naive_datetimes_are_refused(call: Callable[[BusinessCalendar], object]) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        call(CALENDARS["NO"])


@pytest.mark.parametrize("workdays", [0, -1], ids=["zero", "negative"])
def test_workdays_must_be_positive(workdays: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        CALENDARS["NO"].workday_deadline(local("NO", "2025-09-01 10:00"), workdays)


def test_holidays_work_for_any_year() -> None:
    assert CALENDARS["NO"].holiday_name(date(2040, 12, 25)) == "Christmas Day"


@pytest.mark.parametrize(
    ("weekly", "message"),
    [
        pytest.param({}, "at least one weekday", id="no-open-weekday"),
        pytest.param(
            {7: OpeningHours(time(8), time(16))},
            "0 \\(Monday\\) to 6",
            id="weekday-out-of-range",
        ),
    ],
)
def test_invalid_weekly_hours_are_refused(
    weekly: dict[int, OpeningHours | None], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        BusinessCalendar(timezone="Europe/Oslo", country="NO", weekly=weekly)


def test_opening_hours_must_open_before_closing() -> None:
    with pytest.raises(ValueError, match="open before they close"):
        OpeningHours(time(16), time(8))
