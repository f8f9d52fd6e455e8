"""The callback form's checks and the promise, as plain functions and as actions."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.callback import (
    ValidateCallbackForm,
    clean_text,
    conversation_topic,
    display_phone,
    normalise_phone,
)


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("412 34 567", "+4741234567"),
        ("41234567", "+4741234567"),
        ("+47 412 34 567", "+4741234567"),
        ("0047 41234567", "+4741234567"),
        ("22 00 00 00", "+4722000000"),
        ("+46 70 123 45 67", "+46701234567"),
        ("1234", None),
        ("my number is secret", None),
        ("", None),
        (None, None),
    ],
)
def test_phone_numbers_are_normalised_for_the_companys_country(
    typed: Any, e164: str | None
) -> None:
    assert normalise_phone(typed, "NO") == e164


def test_phone_is_shown_as_the_customer_writes_it() -> None:
    assert display_phone("+4741234567", "NO") == "41 23 45 67"
    assert display_phone("+46701234567", "NO") == "+46 70 123 45 67"


def test_free_text_is_tidied_and_capped() -> None:
    assert clean_text("  Kari \n Nordmann ", 80) == "Kari Nordmann"
    assert clean_text("x" * 500, 300) == "x" * 300
    assert clean_text("   ", 80) is None


def test_topic_is_the_latest_customer_service_question() -> None:
    events = [
        {"event": "user", "parse_data": {"intent": {"name": "greet"}}},
        {"event": "user", "parse_data": {"intent": {"name": "invoice_explain"}}},
        {"event": "user", "parse_data": {"intent": {"name": "moving"}}},
        {"event": "user", "parse_data": {"intent": {"name": "request_callback"}}},
    ]
    assert conversation_topic(events) == "moving"
    assert conversation_topic(events[:1]) is None


async def test_a_wrong_phone_number_is_asked_again_with_a_hint() -> None:
    dispatcher = CollectingDispatcher()
    tracker = Tracker("web:c1", {}, {}, [], False, None, {"name": "callback_form"}, "action_listen")
    result = await ValidateCallbackForm().validate_callback_phone("12", dispatcher, tracker, {})
    assert result == {"callback_phone": None}
    assert dispatcher.messages[0]["response"] == "utter_invalid_phone"
