"""What power costs now: the price feed read at a moment, the customer's price area, and the
answer's values."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.context import context
from actions.spot_price import (
    ActionPriceArea,
    ActionSpotPrice,
    ValidatePriceAreaForm,
    area_price_answer,
    spot_price_answer,
)
from core.spot_prices import area_prices_at, spot_prices_at
from tests.helpers import swedish_profile

OSLO = ZoneInfo("Europe/Oslo")
AREAS = ("NO1", "NO2", "NO3", "NO4", "NO5")
FEED = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "content" / "spot_prices.yml").read_text()
)


def tracker(text: str, slots: dict[str, Any] | None = None, postal_code: str = "") -> Tracker:
    entities = [{"entity": "postal_code", "value": postal_code}] if postal_code else []
    latest = {"text": text, "entities": entities, "intent": {"name": "spot_price_now"}}
    return Tracker("web:p1", slots or {}, latest, [], False, None, None, "action_listen")


async def area_found(asked: Tracker) -> str | None:
    """The area action_price_area sets in the slot, or None when it sets nothing (the form
    asks)."""
    events = await ActionPriceArea().run(CollectingDispatcher(), asked, {})
    if not events:
        return None
    [event] = events
    assert (event["event"], event["name"]) == ("slot", "price_area")
    return str(event["value"])


async def placed(reply: str) -> dict[str, Any]:
    """The form's reading of the reply to its question, which it never asks again."""
    dispatcher = CollectingDispatcher()
    result = await ValidatePriceAreaForm().validate_price_area(
        reply, dispatcher, tracker(reply), {}
    )
    assert dispatcher.messages == []
    return result


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
    assert area_prices_at(FEED, "NO1", "Europe/Oslo", datetime(2027, 1, 1, tzinfo=OSLO)) is None


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


def test_one_area_gives_its_price_now_and_today_s_and_tomorrow_s_average() -> None:
    prices = area_prices_at(FEED, "NO5", "Europe/Oslo", datetime(2026, 11, 25, 10, 7, tzinfo=OSLO))
    assert area_price_answer(prices) == (
        "utter_spot_price_area",
        {
            "area": "NO5",
            "starts": {"type": "time", "value": "2026-11-25T10:00:00+01:00"},
            "ends": {"type": "time", "value": "2026-11-25T10:15:00+01:00"},
            "price_now": {"type": "minor", "value": 84.9},
            "today_average": {"type": "minor", "value": 85.4},
            "tomorrow_average": {"type": "minor", "value": 91.4},
        },
    )


def test_before_tomorrow_s_prices_are_out_the_answer_gives_today_only() -> None:
    prices = area_prices_at(FEED, "NO4", "Europe/Oslo", datetime(2026, 11, 26, 10, 0, tzinfo=OSLO))
    response, values = area_price_answer(prices)
    assert response == "utter_spot_price_area_today"
    assert values["price_now"] == {"type": "minor", "value": 21.0}
    assert values["today_average"] == {"type": "minor", "value": 21.1}
    assert "tomorrow_average" not in values


@pytest.mark.parametrize(
    ("text", "slots", "postal_code", "found"),
    [
        ("hva koster strømmen i 5003", {}, "5003", "NO5"),
        ("what does power cost in Tromsø now", {}, "", "NO4"),
        ("og hva er prisen nå", {"price_area": "NO3"}, "", "NO3"),
        ("and in Bergen?", {"price_area": "NO3"}, "", "NO5"),
        ("strømprisen nå", {"postal_code": "0550"}, "", "NO1"),
        ("strømprisen nå", {"price_area": "all", "postal_code": "7010"}, "", "NO3"),
    ],
)
async def test_the_price_area_is_found_in_the_message_then_in_the_conversation(
    action_env: None, text: str, slots: dict[str, Any], postal_code: str, found: str
) -> None:
    assert await area_found(tracker(text, slots, postal_code)) == found


async def test_no_area_anywhere_leaves_the_slot_for_the_form_to_ask(action_env: None) -> None:
    assert await area_found(tracker("strøm nå?")) is None


@pytest.mark.parametrize(
    ("reply", "area"),
    [("0150", "NO1"), ("i Bergen", "NO5"), ("NO4", "NO4"), ("vet ikke", "all")],
)
async def test_the_reply_to_the_question_is_placed_or_gets_every_area_never_a_second_question(
    action_env: None, reply: str, area: str
) -> None:
    assert await placed(reply) == {"price_area": area}


async def test_the_action_answers_for_the_customer_s_area_at_the_set_clock(
    action_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SVAR_CLOCK", "2026-11-25T10:00:00+01:00")
    context.cache_clear()
    dispatcher = CollectingDispatcher()
    await ActionSpotPrice().run(dispatcher, tracker("", {"price_area": "NO2"}), {})
    [message] = dispatcher.messages
    assert message["response"] == "utter_spot_price_area"
    assert message["price_now"] == {"type": "minor", "value": 90.2}
    assert message["tomorrow_average"] == {"type": "minor", "value": 96.8}


async def test_a_reply_naming_no_area_gets_every_area_s_price(
    action_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SVAR_CLOCK", "2026-11-25T10:00:00+01:00")
    context.cache_clear()
    dispatcher = CollectingDispatcher()
    await ActionSpotPrice().run(dispatcher, tracker("", {"price_area": "all"}), {})
    [message] = dispatcher.messages
    assert message["response"] == "utter_spot_price"
    assert message["area_prices"]["value"]["NO3"] == 38.7


async def test_a_company_with_one_price_area_never_asks_for_it(
    action_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SVAR_COMPANY", "content/companies/kuusivirta.yml")
    context.cache_clear()
    try:
        events = await ActionPriceArea().run(CollectingDispatcher(), tracker("paljonko", {}), {})
    finally:
        context.cache_clear()
    assert events == [{"event": "slot", "name": "price_area", "value": "FI", "timestamp": None}]


@pytest.mark.parametrize(("reply", "area"), [("SE3", "all"), ("i Malmö", "all"), ("NO3", "NO3")])
async def test_only_the_norwegian_company_s_own_areas_count(
    action_env: None, reply: str, area: str
) -> None:
    assert await placed(reply) == {"price_area": area}


# --- A Swedish company: its profile names SE1-SE4 and content/price_areas_se.yml ---------------

# An hour's prices in öre per kWh, the same all day, and tomorrow's a little higher.
SWEDISH_FEED = {
    "interval_minutes": 60,
    "days": {
        "2026-11-25": {"SE1": [12.5] * 24, "SE2": [13.0] * 24, "SE3": [88.2] * 24,
                       "SE4": [121.4] * 24},
        "2026-11-26": {"SE1": [14.5] * 24, "SE2": [15.0] * 24, "SE3": [90.2] * 24,
                       "SE4": [131.4] * 24},
    },
}  # fmt: skip


@pytest.fixture
def swedish_company(
    action_env: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[None]:
    """The action server of a Swedish company, on Wednesday 25 November 2026 at 10:00."""
    feed = tmp_path / "spot_prices.yml"
    feed.write_text(yaml.safe_dump(SWEDISH_FEED), encoding="utf-8")
    profile = swedish_profile(tmp_path, spot_price_feed=str(feed))
    monkeypatch.setenv("SVAR_COMPANY", str(profile))
    monkeypatch.setenv("SVAR_CLOCK", "2026-11-25T10:00:00+01:00")
    context.cache_clear()
    yield
    context.cache_clear()


@pytest.mark.parametrize(
    ("text", "slots", "postal_code", "found"),
    [
        ("vad kostar elen i SE3 nu", {}, "", "SE3"),
        ("elpriset i elområde 3?", {}, "", "SE3"),
        ("vad kostar strömmen, vi bor i område 4", {}, "", "SE4"),
        ("elpris för 113 56", {}, "", "SE3"),
        ("elpris för 113 56", {}, "113 56", "SE3"),
        ("vad kostar elen i Luleå", {}, "", "SE1"),
        ("och i Malmö?", {"price_area": "SE3"}, "", "SE4"),
        ("elpriset nu", {"price_area": "SE2"}, "", "SE2"),
        ("elpriset nu", {"postal_code": "41105"}, "", "SE3"),
    ],
)
async def test_a_swedish_company_finds_the_customer_s_elomrade(
    swedish_company: None, text: str, slots: dict[str, Any], postal_code: str, found: str
) -> None:
    assert await area_found(tracker(text, slots, postal_code)) == found


@pytest.mark.parametrize("text", ["vad kostar elen i NO3", "prisområde no 3 i Bergen"])
async def test_a_norwegian_area_is_no_area_of_a_swedish_company(
    swedish_company: None, text: str
) -> None:
    assert await area_found(tracker(text)) is None


@pytest.mark.parametrize(
    ("reply", "area"),
    [("113 56", "SE3"), ("Göteborg", "SE3"), ("elområde 2", "SE2"), ("SE4", "SE4"),
     ("NO3", "all"), ("vet inte", "all")],
)  # fmt: skip
async def test_a_swedish_reply_is_placed_or_gets_every_area_never_a_second_question(
    swedish_company: None, reply: str, area: str
) -> None:
    assert await placed(reply) == {"price_area": area}


async def test_a_swedish_company_answers_with_the_customer_s_elomrade_or_every_one(
    swedish_company: None,
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionSpotPrice().run(dispatcher, tracker("", {"price_area": "SE4"}), {})
    await ActionSpotPrice().run(dispatcher, tracker("", {"price_area": "all"}), {})
    one, every = dispatcher.messages
    assert one["response"] == "utter_spot_price_area"
    assert (one["area"], one["price_now"], one["tomorrow_average"]) == (
        "SE4",
        {"type": "minor", "value": 121.4},
        {"type": "minor", "value": 131.4},
    )
    assert every["response"] == "utter_spot_price"
    assert every["area_prices"]["value"] == {"SE1": 12.5, "SE2": 13.0, "SE3": 88.2, "SE4": 121.4}
