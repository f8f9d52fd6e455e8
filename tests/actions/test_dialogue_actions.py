"""The actions of the everyday dialogue, run as the action server runs them, without Rasa."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from redis.asyncio import Redis

from actions.context import context
from actions.invoice import ActionInvoicePart, invoice_part_answer
from actions.language import conversation_language
from actions.opening_hours import ActionOpeningHours, opening_hours_answer
from actions.outage import outage_answer
from core.outages import find_outage

OSLO = ZoneInfo("Europe/Oslo")
FEED = Path(__file__).resolve().parents[2] / "content" / "outages.yml"


def tracker(
    slots: dict[str, Any] | None = None,
    latest: dict[str, Any] | None = None,
    events: list[dict[str, Any]] | None = None,
) -> Tracker:
    return Tracker(
        "web:t1", slots or {}, latest or {}, events or [], False, None, None, "action_listen"
    )


def oslo(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=OSLO)


def test_opening_hours_while_open_say_when_we_close() -> None:
    calendar = context().calendar
    assert opening_hours_answer(calendar, oslo("2026-11-23 10:00")) == (
        "utter_opening_hours_open",
        {"closes": {"type": "time", "value": "2026-11-23T16:00:00+01:00"}},
    )


def test_opening_hours_on_christmas_eve_say_when_we_open_after_the_holidays() -> None:
    response, values = opening_hours_answer(context().calendar, oslo("2026-12-24 11:00"))
    assert response == "utter_opening_hours_closed"
    assert values["next_opening"]["value"] == "2026-12-28T08:00:00+01:00"


async def test_opening_hours_action_reads_the_set_clock_and_sends_the_answer_with_its_values(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SVAR_CLOCK", "2026-11-21T12:00:00+01:00")  # a Saturday
    context.cache_clear()
    dispatcher = CollectingDispatcher()
    try:
        assert await ActionOpeningHours().run(dispatcher, tracker(), {}) == []
    finally:
        context.cache_clear()
    [message] = dispatcher.messages
    assert message["response"] == "utter_opening_hours_closed"
    assert message["next_opening"] == {"type": "date_time", "value": "2026-11-23T08:00:00+01:00"}


def test_a_known_outage_is_described_with_its_times_and_cause_in_the_language() -> None:
    outage = find_outage(FEED, "Europe/Oslo", "0552", oslo("2026-11-22 09:00"))
    assert outage is not None
    response, values = outage_answer(outage, "0552", "en")
    assert response == "utter_outage_found"
    assert values["area"] == "Grünerløkka, Sofienberg"
    assert values["cause"] == "a fault on a power cable"
    assert values["expected_end"] == {"type": "date_time", "value": "2026-11-22T12:00:00+01:00"}


def test_an_outage_without_an_expected_end_says_so() -> None:
    outage = find_outage(FEED, "Europe/Oslo", "5262", oslo("2026-11-22 09:00"))
    assert outage_answer(outage, "5262", "nb")[0] == "utter_outage_found_no_end"


def test_an_outage_that_has_ended_or_another_area_is_not_reported() -> None:
    assert find_outage(FEED, "Europe/Oslo", "0552", oslo("2026-11-22 12:00")) is None
    assert find_outage(FEED, "Europe/Oslo", "7030", oslo("2026-11-22 09:00")) is None
    assert outage_answer(None, "7030", "nb") == ("utter_outage_none", {"postal_code": "7030"})


@pytest.mark.parametrize(
    ("part", "answer"),
    [
        ("energy", "utter_invoice_part_energy"),
        ("grid_rent", "utter_invoice_part_grid_rent"),
        ("fees", "utter_invoice_part_fees"),
        ("high", "utter_invoice_high"),
        ("bogus", "utter_invoice_explain"),
        (None, "utter_invoice_explain"),
    ],
)
def test_each_part_of_the_bill_has_its_answer(part: Any, answer: str) -> None:
    assert invoice_part_answer(part) == answer


async def test_invoice_part_action_answers_from_the_slot() -> None:
    dispatcher = CollectingDispatcher()
    await ActionInvoicePart().run(dispatcher, tracker(slots={"invoice_part": "grid_rent"}), {})
    assert dispatcher.messages[0]["response"] == "utter_invoice_part_grid_rent"


def test_the_language_is_the_one_the_front_door_sent_with_the_latest_message() -> None:
    earlier = [{"event": "user", "text": "hei", "metadata": {"language": "nb"}}]
    latest = {"text": "what is your phone number?", "metadata": {"language": "en"}}
    assert conversation_language(tracker(latest=latest, events=earlier), "nb") == "en"


def test_a_turn_the_desk_triggered_keeps_the_customers_last_language() -> None:
    events = [
        {"event": "user", "text": "hei", "metadata": {"language": "nb"}},
        {"event": "user", "text": "I want a person", "metadata": {"language": "en"}},
        {"event": "action", "name": "action_handoff"},
        {"event": "session_started", "metadata": {"language": "fi"}},
        {"event": "user", "text": "/handoff_closed", "metadata": {}},
    ]
    latest = {"text": "/handoff_closed", "metadata": {}}
    assert conversation_language(tracker(latest=latest, events=events), "nb") == "en"


def test_without_a_language_from_the_front_door_the_default_is_spoken() -> None:
    assert conversation_language(tracker(latest={"text": "hei"}), "nb") == "nb"


async def test_the_outage_lookup_tells_an_operations_notice_for_the_postal_code(
    action_env: None, redis_client: Redis
) -> None:
    from actions.outage import OPERATIONS_NOTICE, ActionOutageLookup
    from store.ops_notices import OpsNotice, OpsNotices

    now = context().now()
    storm = OpsNotice.new(
        text={"nb": "Storm i Arna.", "en": "Storm in Arna."},
        postal_codes=("5262",),
        starts=now - timedelta(hours=1),
        ends=now + timedelta(hours=3),
        by="sara",
    )
    await OpsNotices(redis_client).publish(storm)
    for code, told in (("5262", ["Storm in Arna."]), ("0550", [])):
        dispatcher = CollectingDispatcher()
        latest = {"metadata": {"language": "en"}}
        await ActionOutageLookup().run(dispatcher, tracker({"postal_code": code}, latest), {})
        notices = [m for m in dispatcher.messages if m["response"] == OPERATIONS_NOTICE]
        assert [m["notice"] for m in notices] == told
