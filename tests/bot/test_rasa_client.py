"""The front door's Rasa client against the stack's real Rasa (and against a closed port)."""

from __future__ import annotations

import uuid

import aiohttp
import pytest

from bot.rasa_client import RasaClient, RasaUnavailable
from core.content.answers import Button
from stack.ports import free_port
from tests.helpers import GREETING, RunningStack

pytestmark = pytest.mark.stack


def client(http: aiohttp.ClientSession, url: str, token: str) -> RasaClient:
    return RasaClient(http, url, token, timeout=60)


async def test_a_message_comes_back_as_the_answer_with_its_buttons(stack: RunningStack) -> None:
    async with aiohttp.ClientSession() as http:
        rasa = client(http, stack.rasa_url, stack.rasa_token)
        [reply] = await rasa.send(f"web:rc-{uuid.uuid4().hex[:8]}", "hei", {"language": "nb"})
    assert reply.text == GREETING["nb"] and reply.sender == "bot"
    assert reply.buttons[0] == Button("Regningen min", "/invoice_explain")


async def test_health_needs_rasa_with_a_model_and_the_right_token(stack: RunningStack) -> None:
    async with aiohttp.ClientSession() as http:
        assert await client(http, stack.rasa_url, stack.rasa_token).healthy()
        assert not await client(http, stack.rasa_url, "not-the-token").healthy()
        assert not await client(http, f"http://127.0.0.1:{free_port()}", "x").healthy()


async def test_resuming_with_a_wrong_token_or_no_rasa_is_unavailable_not_a_crash(
    stack: RunningStack,
) -> None:
    async with aiohttp.ClientSession() as http:
        with pytest.raises(RasaUnavailable):
            await client(http, stack.rasa_url, "not-the-token").resume("web:rc-resume")
        down = client(http, f"http://127.0.0.1:{free_port()}", stack.rasa_token)
        with pytest.raises(RasaUnavailable):
            await down.send("web:rc-down", "hei", {})


async def test_a_resumed_conversation_can_be_greeted_by_an_intent_the_desk_triggers(
    stack: RunningStack,
) -> None:
    conversation = f"web:rc-{uuid.uuid4().hex[:8]}"
    async with aiohttp.ClientSession() as http:
        rasa = client(http, stack.rasa_url, stack.rasa_token)
        await rasa.send(conversation, "hei", {"language": "nb"})
        replies = await rasa.resume(conversation, "greet")
    assert [r.text for r in replies] == [GREETING["nb"]]
