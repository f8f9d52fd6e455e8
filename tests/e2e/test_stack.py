"""The whole stack, started as `make run` starts it: a real model, Rasa, actions, Redis.

The stack's clock is a Wednesday at 10:00 in Oslo (tests/conftest.py), so every answer here is
known to the letter; the facts are written as the customer reads them (tests/helpers.py)."""

from __future__ import annotations

import os
import signal

import aiohttp
import pytest

from stack import rasa_server
from tests.helpers import (
    EMAIL,
    GREETING,
    HOURS,
    OPEN_NOW,
    PHONE,
    RunningStack,
    answer,
    post,
    socket_path,
    texts,
)

pytestmark = pytest.mark.stack


async def test_hei_over_rest_gets_the_norwegian_greeting(stack: RunningStack) -> None:
    body = await post(stack, "rest-nb", "hei")
    assert body["language"] == "nb"
    assert texts(body) == [GREETING["nb"]]
    assert [b["title"] for b in body["messages"][0]["buttons"]] == [
        "Regningen min",
        "Strømbrudd",
        "Flytting",
        "Snakk med en person",
    ]


async def test_hello_gets_the_english_greeting_and_the_language_follows_the_customer(
    stack: RunningStack,
) -> None:
    body = await post(stack, "rest-switch", "hello there")
    assert texts(body) == [GREETING["en"]]
    body = await post(stack, "rest-switch", "hvilket nummer ringer jeg for å nå dere?")
    assert body["language"] == "nb"
    [contact] = texts(body)
    assert f"Ring {PHONE}, {HOURS['nb']}." in contact
    assert f"Skriv e-post til {EMAIL}." in contact


@pytest.mark.parametrize(
    ("language", "question"),
    [("nb", "er kundeservice oppe nå på formiddagen?"), ("en", "is your support desk open now?")],
)
async def test_opening_hours_on_a_wednesday_morning_say_open_until_four(
    stack: RunningStack, language: str, question: str
) -> None:
    body = await post(stack, f"rest-hours-{language}", question)
    assert body["language"] == language
    [said] = texts(body)
    assert said.startswith(OPEN_NOW[language]), said
    assert HOURS[language] in said


async def test_rasa_checks_action_responses_with_a_validator_built_once(
    stack: RunningStack,
) -> None:
    body = await post(stack, "rest-validator", "når har dere åpent i dag?")  # a custom action
    assert texts(body)[0].startswith(OPEN_NOW["nb"])
    assert rasa_server.APPLIED in (stack.logs / "rasa.log").read_text()


async def test_websocket_chat_answers_and_shows_buttons(stack: RunningStack) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.ws_connect(stack.url.replace("http", "ws") + socket_path("ws-e2e")) as ws,
    ):
        assert (await ws.receive_json())["type"] == "history"
        await ws.send_json({"type": "message", "text": "hei"})
        assert (await ws.receive_json(timeout=30))["type"] == "typing"
        reply = await ws.receive_json(timeout=30)
        assert reply["text"] == GREETING["nb"]
        assert (await ws.receive_json(timeout=30))["type"] == "done"
        button = reply["buttons"][0]
        assert button == {"title": "Regningen min", "payload": "/invoice_explain"}
        await ws.send_json(
            {"type": "message", "text": button["title"], "payload": button["payload"]}
        )
        assert (await ws.receive_json(timeout=30))["type"] == "typing"
        follow_up = await ws.receive_json(timeout=30)
        assert follow_up["sender"] == "bot"
        assert follow_up["text"] == answer("utter_invoice_explain", "nb")


async def test_killing_rasa_gives_the_fallback_and_503_then_the_conversation_continues(
    stack: RunningStack,
) -> None:
    sender = "rest-outage"
    await post(stack, sender, "hei")
    os.kill(stack.pid("rasa"), signal.SIGKILL)

    body = await post(stack, sender, "når åpner dere?")
    [unavailable] = texts(body)
    assert unavailable.startswith("Beklager, jeg virker ikke akkurat nå.")
    assert f"ring oss på {PHONE}, {HOURS['nb']}." in unavailable
    async with aiohttp.ClientSession() as http, http.get(f"{stack.url}/healthz") as response:
        assert response.status == 503
        assert (await response.json())["checks"]["rasa"]["ok"] is False

    await stack.wait_healthy(seconds=240)  # the supervisor restarts Rasa
    body = await post(stack, sender, "tusen takk, det var det jeg lurte på")
    # No rating question: the bot has answered no matter in this contact (Rasa was down).
    assert texts(body) == ["Bare hyggelig! Si fra hvis det er noe mer."]
    events = await stack.tracker_events(f"api:{sender}")
    said = [e["text"] for e in events if e["event"] == "user"]
    assert said[0] == "hei", "the tracker kept the earlier turns"
    assert said[-1] == "tusen takk, det var det jeg lurte på"


async def test_action_server_down_gives_the_fallback_not_silence(stack: RunningStack) -> None:
    os.kill(stack.pid("actions"), signal.SIGKILL)
    body = await post(stack, "rest-actions-down", "når har dere åpent?")
    [unavailable] = texts(body)
    assert unavailable.startswith("Beklager, jeg virker ikke akkurat nå.") and PHONE in unavailable
    await stack.wait_healthy(seconds=120)
    body = await post(stack, "rest-actions-down", "når har dere åpent?")
    assert texts(body)[0].startswith(OPEN_NOW["nb"])
