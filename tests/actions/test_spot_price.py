"""What power costs now: the price feed read at a moment, the customer's price area, and the
answer's values."""

from __future__ import annotations

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

OSLO = ZoneInfo("Europe/Oslo")
FEED = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "content" / "spot_prices.yml").read_text()
)


def tracker(text: str, slots: dict[str, Any] | None = None, postal_code: str = "") -> Tracker:
    entities = [{"entity": "postal_code", "value": postal_code}] if postal_code else []
    latest = {"text": text, "entities": entities, "intent": {"name": "spot_price_now"}}
    return Tracker("web:p1", slots or {}, latest, [], False, None, None, "action_listen")


def test_the_quarter_hour_now_falls_in_gives_every_area_s_price() -> None:
    prices = spot_prices_at(FEED, "Europe/Oslo", datetime(2026, 11, 25, 10, 7, tzinfo=OSLO))
    assert prices is not None
    assert prices.starts == datetime(2026, 11, 25, 10, 0, tzinfo=OSLO)
    assert prices.ends == datetime(2026, 11, 25, 10, 15, tzinfo=OSLO)
    assert dict(prices.by_area) == {
        "NO1": 94.5, "NO2": 90.2, "NO3": 38.7, "NO4": 15.0, "NO5": 84.9
    }  # fmt: skip


def test_a_moment_in_utc_is_read_in_the_company_s_time_zone() -> None:
    utc = datetime(2026, 11, 25, 9, 14, tzinfo=timezone.utc)  # 10:14 in Oslo
    prices = spot_prices_at(FEED, "Europe/Oslo", utc)
    assert prices is not None and prices.starts.hour == 10 and prices.starts.minute == 0


def test_a_day_the_feed_does_not_reach_gives_the_answer_without_figures() -> None:
    prices = spot_prices_at(FEED, "Europe/Oslo", datetime(2027, 1, 1, 12, 0, tzinfo=OSLO))
    assert prices is None
    assert spot_price_answer(None) == ("utter_spot_price_unknown", {})
    assert area_prices_at(FEED, "NO1", "Europe/Oslo", datetime(2027, 1, 1, tzinfo=OSLO)) is None


def test_the_answer_carries_the_time_of_the_figure_and_typed_amounts() -> None:
    prices = spot_prices_at(FEED, "Europe/Oslo", datetime(2026, 11, 25, 23, 59, tzinfo=OSLO))
    response, values = spot_price_answer(prices)
    assert response == "utter_spot_price"
    assert values["starts"] == {"type": "time", "value": "2026-11-25T23:45:00+01:00"}
    assert values["ends"] == {"type": "time", "value": "2026-11-26T00:00:00+01:00"}
    assert values["no4"]["type"] == "ore"


def test_one_area_gives_its_price_now_and_today_s_and_tomorrow_s_average() -> None:
    prices = area_prices_at(FEED, "NO5", "Europe/Oslo", datetime(2026, 11, 25, 10, 7, tzinfo=OSLO))
    assert area_price_answer(prices) == (
        "utter_spot_price_area",
        {
            "area": "NO5",
            "starts": {"type": "time", "value": "2026-11-25T10:00:00+01:00"},
            "ends": {"type": "time", "value": "2026-11-25T10:15:00+01:00"},
            "price_now": {"type": "ore", "value": 84.9},
            "today_average": {"type": "ore", "value": 85.4},
            "tomorrow_average": {"type": "ore", "value": 91.4},
        },
    )


def test_before_tomorrow_s_prices_are_out_the_answer_gives_today_only() -> None:
    prices = area_prices_at(FEED, "NO4", "Europe/Oslo", datetime(2026, 11, 26, 10, 0, tzinfo=OSLO))
    response, values = area_price_answer(prices)
    assert response == "utter_spot_price_area_today"
    assert values["price_now"] == {"type": "ore", "value": 21.0}
    assert values["today_average"] == {"type": "ore", "value": 21.1}
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
    events = await ActionPriceArea().run(
        CollectingDispatcher(), tracker(text, slots, postal_code), {}
    )
    assert events == [{"event": "slot", "timestamp": None, "name": "price_area", "value": found}]


async def test_no_area_anywhere_leaves_the_slot_for_the_form_to_ask(action_env: None) -> None:
    assert await ActionPriceArea().run(CollectingDispatcher(), tracker("strøm nå?"), {}) == []


@pytest.mark.parametrize(
    ("reply", "area"),
    [("0150", "NO1"), ("i Bergen", "NO5"), ("NO4", "NO4"), ("vet ikke", "all")],
)
async def test_the_reply_to_the_question_is_placed_or_gets_every_area_never_a_second_question(
    action_env: None, reply: str, area: str
) -> None:
    dispatcher = CollectingDispatcher()
    result = await ValidatePriceAreaForm().validate_price_area(
        reply, dispatcher, tracker(reply), {}
    )
    assert result == {"price_area": area}
    assert dispatcher.messages == []


async def test_the_action_answers_for_the_customer_s_area_at_the_set_clock(
    action_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SVAR_CLOCK", "2026-11-25T10:00:00+01:00")
    context.cache_clear()
    dispatcher = CollectingDispatcher()
    await ActionSpotPrice().run(dispatcher, tracker("", {"price_area": "NO2"}), {})
    [message] = dispatcher.messages
    assert message["response"] == "utter_spot_price_area"
    assert message["price_now"] == {"type": "ore", "value": 90.2}
    assert message["tomorrow_average"] == {"type": "ore", "value": 96.8}


async def test_a_reply_naming_no_area_gets_every_area_s_price(
    action_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SVAR_CLOCK", "2026-11-25T10:00:00+01:00")
    context.cache_clear()
    dispatcher = CollectingDispatcher()
    await ActionSpotPrice().run(dispatcher, tracker("", {"price_area": "all"}), {})
    [message] = dispatcher.messages
    assert message["response"] == "utter_spot_price"
    assert message["no3"] == {"type": "ore", "value": 38.7}
