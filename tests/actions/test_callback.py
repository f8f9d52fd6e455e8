"""The callback form's checks and the promise, as plain functions and as actions."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from redis.asyncio import Redis

from actions.callback import (
    ActionRegisterCallback,
    ValidateCallbackForm,
    clean_text,
    conversation_topic,
    display_phone,
    normalise_phone,
)
from store.callbacks import Callbacks


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


# --- The cap per client ---------------------------------------------------------------------


def asking_for_a_call(conversation_id: str, client: str) -> Tracker:
    """A conversation whose callback form is filled in, from `client`."""
    slots = {
        "callback_name": "Kari Nordmann",
        "callback_phone": "+4741234567",
        "callback_topic": "moving",
        "callback_time_window": "any",
    }
    latest = {
        "intent": {"name": "inform"},
        "text": "når som helst",
        "entities": [],
        "metadata": {"language": "nb", "channel": "web", "client": client},
    }
    return Tracker(conversation_id, slots, latest, [], False, None, None, "action_listen")


async def test_a_client_over_its_callback_cap_is_told_politely_and_no_call_is_promised(
    redis_client: Redis, action_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SVAR_LIMIT_CALLBACKS_PER_CLIENT", "2/day")
    said = []
    for n in range(3):
        dispatcher = CollectingDispatcher()
        events = await ActionRegisterCallback().run(
            dispatcher, asking_for_a_call(f"web:cap{n}", "ip:one-address"), {}
        )
        said.append(dispatcher.messages[0]["response"])
        assert {e["name"] for e in events} == {"callback_topic", "callback_time_window"}
    assert said == ["utter_callback_confirmed"] * 2 + ["utter_callback_cap"]
    # Another client is not held back by the first one's cap.
    dispatcher = CollectingDispatcher()
    await ActionRegisterCallback().run(dispatcher, asking_for_a_call("web:other", "ip:two"), {})
    assert dispatcher.messages[0]["response"] == "utter_callback_confirmed"
    promised = await Callbacks(redis_client).pending()
    assert sorted(c.conversation_id for c in promised) == ["web:cap0", "web:cap1", "web:other"]
