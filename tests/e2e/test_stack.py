"""The whole stack, started as `make run` starts it: a real model, Rasa, actions, Redis."""

from __future__ import annotations

import os
import signal

import aiohttp
import pytest

from core.company import CompanyProfile
from core.content.answers import AnswerBook
from core.content.facts import company_facts
from core.content.locale import Locale
from core.settings import Settings
from stack import rasa_server
from tests.conftest import RunningStack
from tests.web_chat import socket_path

pytestmark = pytest.mark.stack

_settings = Settings()
ANSWERS = AnswerBook.load(_settings.content_dir / "answers")
PROFILE = CompanyProfile.load(_settings.content_dir / "company.yml")
LOCALES = Locale.load_all(_settings.content_dir / "locale.yml")


def answer(name: str, language: str) -> str:
    return render_answer(name, language)


def render_answer(name: str, language: str, **values: str) -> str:
    """An answer as the bot gives it: company facts and `values` filled in."""
    facts = company_facts(PROFILE, LOCALES[language])
    return ANSWERS.render(name, language, {**facts, **values}, "nb").text


async def post(stack: RunningStack, sender: str, text: str, payload: str | None = None) -> dict:  # type: ignore[type-arg]
    body = {"sender": sender, "text": text} | ({"payload": payload} if payload else {})
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{stack.url}/api/messages", json=body) as response,
    ):
        assert response.status == 200
        return await response.json()  # type: ignore[no-any-return]


async def test_hei_over_rest_gets_the_norwegian_greeting(stack: RunningStack) -> None:
    body = await post(stack, "rest-nb", "hei")
    assert body["language"] == "nb"
    assert [m["text"] for m in body["messages"]] == [answer("utter_greet", "nb")]
    assert body["messages"][0]["buttons"], "the greeting offers the likeliest topics as buttons"


async def test_hello_gets_the_english_greeting_and_the_language_follows_the_customer(
    stack: RunningStack,
) -> None:
    body = await post(stack, "rest-switch", "hello there")
    assert [m["text"] for m in body["messages"]] == [answer("utter_greet", "en")]
    body = await post(stack, "rest-switch", "hva er telefonnummeret til kundeservice?")
    assert body["language"] == "nb"
    assert [m["text"] for m in body["messages"]] == [answer("utter_contact_info", "nb")]


async def test_rasa_checks_action_responses_with_a_validator_built_once(
    stack: RunningStack,
) -> None:
    body = await post(stack, "rest-validator", "når har dere åpent i dag?")  # a custom action
    assert body["messages"] and body["messages"][0]["text"] != answer("utter_unavailable", "nb")
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
        assert reply["text"] == answer("utter_greet", "nb")
        assert (await ws.receive_json(timeout=30))["type"] == "done"
        button = reply["buttons"][0]
        await ws.send_json(
            {"type": "message", "text": button["title"], "payload": button["payload"]}
        )
        assert (await ws.receive_json(timeout=30))["type"] == "typing"
        follow_up = await ws.receive_json(timeout=30)
        assert follow_up["sender"] == "bot" and follow_up["text"]


async def test_killing_rasa_gives_the_fallback_and_503_then_the_conversation_continues(
    stack: RunningStack,
) -> None:
    sender = "rest-outage"
    await post(stack, sender, "hei")
    os.kill(stack.pid("rasa"), signal.SIGKILL)

    body = await post(stack, sender, "når åpner dere?")
    assert [m["text"] for m in body["messages"]] == [answer("utter_unavailable", "nb")]
    async with aiohttp.ClientSession() as http, http.get(f"{stack.url}/healthz") as response:
        assert response.status == 503
        assert (await response.json())["checks"]["rasa"]["ok"] is False

    await stack.wait_healthy(seconds=240)  # the supervisor restarts Rasa
    body = await post(stack, sender, "takk for hjelpen")
    assert [m["text"] for m in body["messages"]] == [answer("utter_thank", "nb")]
    events = await stack.tracker_events(f"api:{sender}")
    said = [e["text"] for e in events if e["event"] == "user"]
    assert said[0] == "hei" and said[-1] == "takk for hjelpen", "the tracker kept the earlier turns"


async def test_action_server_down_gives_the_fallback_not_silence(stack: RunningStack) -> None:
    os.kill(stack.pid("actions"), signal.SIGKILL)
    body = await post(stack, "rest-actions-down", "når har dere åpent?")
    assert [m["text"] for m in body["messages"]] == [answer("utter_unavailable", "nb")]
    await stack.wait_healthy(seconds=120)
    body = await post(stack, "rest-actions-down", "når har dere åpent?")
    assert body["messages"][0]["text"] != answer("utter_unavailable", "nb")
