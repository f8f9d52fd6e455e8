"""What power costs now: the price feed read at a moment, and the answer's values."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from actions.spot_price import spot_price_answer
from core.spot_prices import spot_prices_at

OSLO = ZoneInfo("Europe/Oslo")
FEED = Path(__file__).resolve().parents[2] / "content" / "spot_prices.yml"
AREAS = ("NO1", "NO2", "NO3", "NO4", "NO5")


def test_the_quarter_hour_now_falls_in_gives_every_area_s_price() -> None:
    prices = spot_prices_at(FEED, AREAS, "Europe/Oslo", datetime(2026, 11, 25, 10, 7, tzinfo=OSLO))
    assert prices is not None
    assert prices.starts == datetime(2026, 11, 25, 10, 0, tzinfo=OSLO)
    assert prices.ends == datetime(2026, 11, 25, 10, 15, tzinfo=OSLO)
    assert dict(prices.by_area) == {
        "NO1": 94.5, "NO2": 90.2, "NO3": 38.7, "NO4": 15.0, "NO5": 84.9
    }  # fmt: skip


def test_a_moment_in_utc_is_read_in_the_company_s_time_zone() -> None:
    utc = datetime(2026, 11, 25, 9, 14, tzinfo=timezone.utc)  # 10:14 in Oslo
    prices = spot_prices_at(FEED, AREAS, "Europe/Oslo", utc)
    assert prices is not None and prices.starts.hour == 10 and prices.starts.minute == 0


def test_a_day_the_feed_does_not_reach_gives_the_answer_without_figures() -> None:
    prices = spot_prices_at(FEED, AREAS, "Europe/Oslo", datetime(2027, 1, 1, 12, 0, tzinfo=OSLO))
    assert prices is None
    assert spot_price_answer(None) == ("utter_spot_price_unknown", {})


def test_the_answer_carries_the_time_of_the_figure_and_typed_amounts() -> None:
    prices = spot_prices_at(FEED, AREAS, "Europe/Oslo", datetime(2026, 11, 25, 23, 59, tzinfo=OSLO))
    response, values = spot_price_answer(prices)
    assert response == "utter_spot_price"
    assert values["starts"] == {"type": "time", "value": "2026-11-25T23:45:00+01:00"}
    assert values["ends"] == {"type": "time", "value": "2026-11-26T00:00:00+01:00"}
    assert values["area_prices"] == {
        "type": "area_prices",
        "value": {"NO1": 81.6, "NO2": 77.9, "NO3": 33.4, "NO4": 13.0, "NO5": 73.3},
    }
