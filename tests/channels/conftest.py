"""Front doors with Messenger or Telegram on, against fakes of Facebook and Telegram on
loopback, the real Redis, and Rasa either down (the `settings` default) or the stack's."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient
from redis.asyncio import Redis

from bot.app import create_app
from bot.channels.inbox import Inbox
from core.card import build_card
from core.settings import Settings
from store.agents import Agents
from store.handoffs import Handoffs
from store.transcripts import Transcripts
from tests.fakes import graph_api as fb
from tests.fakes.graph_api import FakeGraphAPI
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.helpers import AGENT_PASSWORD, CARD_TEXTS, RunningStack, login

PAGE_TOKEN = "EAAtestpagetoken"
APP_SECRET = "test-app-secret"
VERIFY_TOKEN = "test-verify-token"
BOT_TOKEN = "7000000001:AAtest-bot-token"
WEBHOOK_SECRET = "test-webhook-secret_1"
PUBLIC_URL = "https://svar.example"


@pytest.fixture(autouse=True)
def ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """As `python -m bot` runs python-telegram-bot: time periods as timedelta already."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def graph_api() -> AsyncIterator[FakeGraphAPI]:
    fake = FakeGraphAPI(PAGE_TOKEN, APP_SECRET)
    await fake.start()
    yield fake
    await fake.close()


@pytest.fixture
async def telegram_api() -> AsyncIterator[FakeTelegramAPI]:
    fake = FakeTelegramAPI(BOT_TOKEN)
    await fake.start()
    yield fake
    await fake.close()


def with_messenger(settings: Settings, graph_api: FakeGraphAPI) -> Settings:
    return dataclasses.replace(
        settings,
        messenger_page_token=PAGE_TOKEN,
        messenger_app_secret=APP_SECRET,
        messenger_verify_token=VERIFY_TOKEN,
        graph_api_url=graph_api.url,
    )


def with_telegram(settings: Settings, telegram_api: FakeTelegramAPI, *, webhook: bool) -> Settings:
    return dataclasses.replace(
        settings,
        telegram_token=BOT_TOKEN,
        telegram_webhook_secret=WEBHOOK_SECRET if webhook else "",
        telegram_public_url=PUBLIC_URL if webhook else "",
        telegram_api_url=telegram_api.url,
    )


def with_stack_rasa(settings: Settings, stack: RunningStack) -> Settings:
    """The stack's Rasa behind this front door (Rasa asks the stack's front door for NLG)."""
    return dataclasses.replace(settings, rasa_url=stack.rasa_url, rasa_token=stack.rasa_token)


@pytest.fixture
async def messenger(  # type: ignore[no-untyped-def]
    aiohttp_client, settings: Settings, graph_api: FakeGraphAPI, redis_client: Redis
) -> TestClient:
    """A front door with Messenger on; Rasa is down."""
    return await aiohttp_client(create_app(with_messenger(settings, graph_api)))


@pytest.fixture
async def messenger_with_rasa(  # type: ignore[no-untyped-def]
    aiohttp_client,
    settings: Settings,
    graph_api: FakeGraphAPI,
    redis_client: Redis,
    stack: RunningStack,
) -> TestClient:
    """A front door with Messenger on, answered by the running stack's Rasa."""
    return await aiohttp_client(
        create_app(with_stack_rasa(with_messenger(settings, graph_api), stack))
    )


@pytest.fixture
async def telegram(  # type: ignore[no-untyped-def]
    aiohttp_client, settings: Settings, telegram_api: FakeTelegramAPI, redis_client: Redis
) -> TestClient:
    """A front door taking Telegram webhooks; Rasa is down."""
    return await aiohttp_client(create_app(with_telegram(settings, telegram_api, webhook=True)))


async def post_delivery(
    client: TestClient, delivery: dict[str, Any], secret: str = APP_SECRET
) -> ClientResponse:
    body, headers = fb.signed(delivery, secret)
    return await client.post("/webhooks/messenger", data=body, headers=headers)


async def post_update(
    client: TestClient, update: dict[str, Any], secret: str | None = WEBHOOK_SECRET
) -> ClientResponse:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    return await client.post("/webhooks/telegram", json=update, headers=headers)


async def drained(inbox: Inbox, timeout: float = 15) -> None:
    """Wait until every accepted event is processed (processed events leave the stream)."""
    deadline = time.monotonic() + timeout
    while await inbox.pending():
        assert time.monotonic() < deadline, "the inbox did not drain"
        await asyncio.sleep(0.02)


# --- The agent desk, as an agent uses it ------------------------------------------------


async def desk_login(client: TestClient, redis: Redis, username: str = "kari") -> dict[str, str]:
    """Create the agent, log in; the headers the desk page sends with every change."""
    await Agents(redis).add(username, username.title(), AGENT_PASSWORD)
    return await login(client, username)


async def hand_off(redis: Redis, conversation_id: str, channel: str, language: str) -> str:
    """Queue the conversation for an agent with the card action_handoff builds; its id."""
    transcript = await Transcripts(redis).read(conversation_id)
    card = build_card(
        conversation_id=conversation_id,
        channel=channel,
        language=language,
        events=[
            {
                "event": "user",
                "text": transcript[-1].text,
                "parse_data": {"intent": {"name": "request_human"}, "entities": []},
            }
        ],
        slots={},
        transcript=transcript,
        topic_titles={},
        texts=CARD_TEXTS,
        now=time.time(),
    )
    return (await Handoffs(redis).enqueue(card)).handoff_id
