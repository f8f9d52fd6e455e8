"""Rasa's NLG endpoint on the real front door: each answer as the customer reads it, facts and
dates written out in each language, from what the real actions send at a set clock.

The expected texts are written by hand from content/company.yml and the calendar: a wrong fact
in the profile, a wrong date format in content/locale.yml or a wrong deadline fails here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from redis.asyncio import Redis

from actions.callback import ActionRegisterCallback
from actions.complaint import ActionRegisterComplaint
from actions.context import context
from actions.opening_hours import ActionOpeningHours
from bot.app import create_app
from core.settings import Settings
from store.conversations import Conversations
from tests.helpers import EMAIL, GRID_COMPANY, GRID_PHONE, HOURS, PHONE

TOKEN = "test-nlg-token"
# What rasa-sdk puts in a message besides the arguments the action gave its answer.
NOT_ARGUMENTS = {"text", "buttons", "elements", "custom", "template", "response", "image", "attachment"}  # fmt: skip

WEDNESDAY_10 = "2026-11-25T10:00:00+01:00"
CHRISTMAS_EVE_11 = "2026-12-24T11:00:00+01:00"  # the company's own closed day, then 25 and 26
# 23:30 UTC is already Thursday in Oslo: Oslo's day counts, not the machine's (a callback asked
# for before Thursday opens is due when Thursday closes).
LATE_WEDNESDAY_UTC = "2026-11-25T23:30:00+00:00"
FRIDAY_EVENING_BEFORE_WHITSUN = "2026-05-22T20:00:00+02:00"  # Whit Monday is 25 May 2026
DAY_BEFORE_CHRISTMAS_EVE = "2026-12-23T15:00:00+01:00"


@pytest.fixture
async def front_door(aiohttp_client, settings: Settings, redis_client: Redis) -> TestClient:  # type: ignore[no-untyped-def]
    return await aiohttp_client(create_app(settings))


@pytest.fixture
def clock_at(monkeypatch: pytest.MonkeyPatch, redis_url: str) -> Iterator[Callable[[str], None]]:
    """Set the action server's clock (SVAR_CLOCK), as `make run` would be started with it."""
    monkeypatch.setenv("REDIS_URL", redis_url)

    def set_clock(at: str) -> None:
        monkeypatch.setenv("SVAR_CLOCK", at)
        context.cache_clear()

    yield set_clock
    context.cache_clear()


async def nlg(
    client: TestClient, response: str, language: str, arguments: dict[str, Any] | None = None
) -> str:
    """Ask the NLG endpoint as Rasa does, for a message the router marked with `language`."""
    body = {
        "response": response,
        "arguments": arguments or {},
        "tracker": {
            "sender_id": "web:nlg",
            "slots": {},
            "latest_message": {"text": "...", "metadata": {"language": language}},
        },
        "channel": {"name": "rest"},
    }
    reply = await client.post("/nlg", params={"token": TOKEN}, json=body)
    assert reply.status == 200, await reply.text()
    return str((await reply.json())["text"])


async def said(client: TestClient, action: Action, language: str, slots: dict[str, Any]) -> str:
    """Run the action as the action server does, and render what it sends, as Rasa does."""
    latest = {
        "text": "...",
        "intent": {"name": "complaint"},  # read by the complaint action only
        "metadata": {"language": language, "channel": "web"},
        "entities": [],
    }
    tracker = Tracker("web:nlg", slots, latest, [], False, None, None, "action_listen")
    dispatcher = CollectingDispatcher()
    await action.run(dispatcher, tracker, {})
    [message] = dispatcher.messages
    arguments = {k: v for k, v in message.items() if k not in NOT_ARGUMENTS and v is not None}
    return await nlg(client, message["response"], language, arguments)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "nb",
            f"Slik når du oss:\nRing {PHONE}, {HOURS['nb']}.\nSkriv e-post til {EMAIL}.\n"
            "Send brev til Straumen Energi, Postboks 100 Sentrum, 0101 Oslo.\n"
            "Les mer på https://straumen.example.",
        ),
        (
            "en",
            f"Here is how to reach us:\nCall {PHONE}, {HOURS['en']}.\nE-mail {EMAIL}.\n"
            "Write to Straumen Energi, Postboks 100 Sentrum, 0101 Oslo.\n"
            "Read more at https://straumen.example.",
        ),
    ],
)
async def test_contact_info_gives_the_phone_e_mail_and_hours_as_a_customer_reads_them(
    front_door: TestClient, language: str, expected: str
) -> None:
    text = await nlg(front_door, "utter_contact_info", language)
    assert text.startswith(f"{expected.splitlines()[0]}\n")
    for line in expected.splitlines()[1:3]:
        assert line in text
    assert f"{GRID_COMPANY}" in text and GRID_PHONE in text, "the number for outages and danger"


@pytest.mark.parametrize(
    ("clock", "language", "expected"),
    [
        (WEDNESDAY_10, "nb", f"Vi har åpent nå, til kl. 16.00. Ring {PHONE}, eller skriv til oss her. Ellers har vi åpent {HOURS['nb']}."),
        (WEDNESDAY_10, "en", f"We're open now, until 16:00. Call {PHONE}, or write to us here. Our usual hours are {HOURS['en']}."),
        (CHRISTMAS_EVE_11, "nb", "Vi har stengt nå. Vi åpner igjen mandag 28. desember kl. 08.00."),
        (CHRISTMAS_EVE_11, "en", "We're closed now. We open again Monday 28 December at 08:00."),
        (LATE_WEDNESDAY_UTC, "nb", "Vi har stengt nå. Vi åpner igjen torsdag 26. november kl. 08.00."),
        (LATE_WEDNESDAY_UTC, "en", "We're closed now. We open again Thursday 26 November at 08:00."),
        (FRIDAY_EVENING_BEFORE_WHITSUN, "nb", "Vi har stengt nå. Vi åpner igjen tirsdag 26. mai kl. 08.00."),
        (FRIDAY_EVENING_BEFORE_WHITSUN, "en", "We're closed now. We open again Tuesday 26 May at 08:00."),
    ],
)  # fmt: skip
async def test_opening_hours_today_and_on_holidays_as_a_customer_reads_them(
    front_door: TestClient,
    clock_at: Callable[[str], None],
    clock: str,
    language: str,
    expected: str,
) -> None:
    clock_at(clock)
    text = await said(front_door, ActionOpeningHours(), language, {})
    assert text.startswith(expected), text
    if "closed" in expected or "stengt" in expected:
        # A supplier sends outages and danger to the grid company, which answers day and night.
        assert f"{GRID_COMPANY}" in text and GRID_PHONE in text, text


CALLBACK_SLOTS = {
    "callback_name": "Kari Nordmann",
    "callback_phone": "+4741234567",
    "callback_topic": "flytting",
    "callback_time_window": "any",
}


@pytest.mark.parametrize(
    ("clock", "language", "expected"),
    [
        (WEDNESDAY_10, "nb", "Takk! Vi ringer deg på 41 23 45 67 innen torsdag 26. november kl. 16.00."),
        (WEDNESDAY_10, "en", "Thank you! We'll call you on 41 23 45 67 by Thursday 26 November at 16:00."),
        (DAY_BEFORE_CHRISTMAS_EVE, "nb", "Takk! Vi ringer deg på 41 23 45 67 innen mandag 28. desember kl. 16.00."),
        (DAY_BEFORE_CHRISTMAS_EVE, "en", "Thank you! We'll call you on 41 23 45 67 by Monday 28 December at 16:00."),
        (LATE_WEDNESDAY_UTC, "nb", "Takk! Vi ringer deg på 41 23 45 67 innen torsdag 26. november kl. 16.00."),
        (LATE_WEDNESDAY_UTC, "en", "Thank you! We'll call you on 41 23 45 67 by Thursday 26 November at 16:00."),
    ],
)  # fmt: skip
async def test_the_callback_deadline_is_one_workday_as_a_customer_reads_it(
    front_door: TestClient,
    clock_at: Callable[[str], None],
    clock: str,
    language: str,
    expected: str,
) -> None:
    clock_at(clock)
    text = await said(front_door, ActionRegisterCallback(), language, CALLBACK_SLOTS)
    assert text.startswith(expected), text
    assert PHONE in text, "the promise says which number will call"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nb", "Takk! Vi ringer deg på 41 23 45 67 innen torsdag 26. november kl. 16.00. Vi prøver å ringe når du ba om: «etter kl. 12»."),
        ("en", 'Thank you! We\'ll call you on 41 23 45 67 by Thursday 26 November at 16:00. We\'ll try to call when you asked: "etter kl. 12".'),
    ],
)  # fmt: skip
async def test_the_callback_promise_repeats_the_time_the_customer_asked_for(
    front_door: TestClient, clock_at: Callable[[str], None], language: str, expected: str
) -> None:
    clock_at(WEDNESDAY_10)
    slots = {**CALLBACK_SLOTS, "callback_time_window": "etter kl. 12"}
    text = await said(front_door, ActionRegisterCallback(), language, slots)
    assert text.startswith(expected), text
    assert text.endswith(f"{PHONE}.")


@pytest.mark.parametrize(
    ("clock", "language", "expected"),
    [
        (WEDNESDAY_10, "nb", "innen mandag 30. november kl. 16.00."),
        (WEDNESDAY_10, "en", "by Monday 30 November at 16:00."),
        (DAY_BEFORE_CHRISTMAS_EVE, "nb", "innen onsdag 30. desember kl. 16.00."),
        (DAY_BEFORE_CHRISTMAS_EVE, "en", "by Wednesday 30 December at 16:00."),
        (FRIDAY_EVENING_BEFORE_WHITSUN, "nb", "innen torsdag 28. mai kl. 16.00."),
        (FRIDAY_EVENING_BEFORE_WHITSUN, "en", "by Thursday 28 May at 16:00."),
    ],
)  # fmt: skip
async def test_the_complaint_deadline_is_three_workdays_as_a_customer_reads_it(
    front_door: TestClient,
    clock_at: Callable[[str], None],
    redis_client: Redis,
    clock: str,
    language: str,
    expected: str,
) -> None:
    clock_at(clock)
    await Conversations(redis_client).touch("web:nlg", "web")
    text = await said(front_door, ActionRegisterComplaint(), language, {"language": language})
    assert expected in text, text


async def test_the_nlg_endpoint_refuses_a_wrong_token(front_door: TestClient) -> None:
    reply = await front_door.post(
        "/nlg", params={"token": "guess"}, json={"response": "utter_greet"}
    )
    assert reply.status == 403


async def test_a_turn_without_a_language_is_answered_in_the_conversations_stored_one(
    front_door: TestClient, redis_client: Redis
) -> None:
    await Conversations(redis_client).touch("web:nlg-en", "web")
    await Conversations(redis_client).set_language("web:nlg-en", "en")
    body = {"response": "utter_thank", "tracker": {"sender_id": "web:nlg-en", "slots": {}}}
    reply = await front_door.post("/nlg", params={"token": TOKEN}, json=body)
    assert (await reply.json())["text"].startswith("You're welcome! Just ask if there is anything")


async def test_an_unknown_answer_is_a_server_error_not_an_empty_text(
    front_door: TestClient,
) -> None:
    body = {"response": "utter_no_such_answer", "tracker": {"latest_message": {"metadata": {"language": "nb"}}}}  # fmt: skip
    reply = await front_door.post("/nlg", params={"token": TOKEN}, json=body)
    assert reply.status == 500
