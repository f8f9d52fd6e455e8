"""Limits: a flood from one client is answered politely (429 for the API) and what was
accepted is kept and answered; the desk's login limit holds against parallel guesses."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest
from aiohttp import WSServerHandshakeError
from aiohttp.test_utils import TestClient
from redis.asyncio import Redis

from bot.app import create_app
from bot.keys import FACTS
from bot.messages import client_of
from core.content.answers import AnswerBook
from core.settings import Settings
from store.transcripts import Transcripts
from tests.helpers import socket_path

ANSWERS = AnswerBook.load(Settings().content_dir / "answers")
FLOOD = 1000


@pytest.fixture
async def client(aiohttp_client, settings: Settings, redis_client: Redis) -> TestClient:  # type: ignore[no-untyped-def]
    return await aiohttp_client(create_app(settings))


def polite(client: TestClient, name: str, language: str = "nb") -> str:
    return ANSWERS.render(name, language, client.app[FACTS][language], "nb").text


async def test_a_thousand_api_messages_at_once_are_limited_and_none_accepted_is_lost(
    client: TestClient, redis_client: Redis
) -> None:
    async def send(i: int) -> tuple[str, int, dict]:  # type: ignore[type-arg]
        text = f"melding nummer {i}"
        response = await client.post("/api/messages", json={"sender": "flood", "text": text})
        return text, response.status, await response.json()

    results = await asyncio.gather(*(send(i) for i in range(FLOOD)))
    accepted = [body for _, status, body in results if status == 200]
    refused = [body for _, status, body in results if status == 429]
    assert len(accepted) + len(refused) == FLOOD
    assert len(accepted) == 30  # the per-conversation default, counted in Redis
    for body in refused:
        assert [m["text"] for m in body["messages"]] == [polite(client, "utter_too_many_messages")]
    entries = await Transcripts(redis_client).read("api:flood")
    kept = sorted(e.text for e in entries if e.role == "customer")
    assert kept == sorted(text for text, status, _ in results if status == 200)
    assert [e.role for e in entries].count("bot") == 30  # each accepted one answered


async def test_one_address_opening_chat_after_chat_is_stopped_politely(client: TestClient) -> None:
    opened = 0
    for _ in range(25):
        try:
            async with client.ws_connect("/ws") as ws:
                assert (await ws.receive_json())["type"] == "conversation"
                opened += 1
        except WSServerHandshakeError as error:
            assert error.status == 429
    assert opened == 20  # new chats per IP an hour, by default


async def test_a_flood_on_the_chat_socket_gets_polite_refusals_and_every_acknowledged_message_is_kept(
    client: TestClient, redis_client: Redis
) -> None:
    acked: list[str] = []
    limited: list[dict] = []  # type: ignore[type-arg]
    async with client.ws_connect(socket_path("flooder")) as ws:
        await ws.receive_json()
        for i in range(FLOOD):
            await ws.send_json({"type": "message", "id": f"m{i}", "text": f"melding nummer {i}"})
        while len(acked) + len(limited) < FLOOD:
            frame = await ws.receive_json(timeout=30)
            if frame["type"] == "ack":
                acked.append(frame["id"])
            elif frame["type"] == "limited":
                limited.append(frame)
    assert len(acked) == 30  # the per-conversation default
    assert {f["text"] for f in limited} == {polite(client, "utter_too_many_messages")}
    stored = [
        e.text for e in await Transcripts(redis_client).read("web:flooder") if e.role == "customer"
    ]
    assert stored == [f"melding nummer {m[1:]}" for m in acked]


async def test_a_message_sent_again_after_a_reconnect_is_kept_and_answered_once(
    client: TestClient, redis_client: Redis
) -> None:
    for _ in range(2):
        async with client.ws_connect(socket_path("resend")) as ws:
            await ws.receive_json()
            await ws.send_json({"type": "message", "id": "same-1", "text": "hei"})
            while (frame := await ws.receive_json(timeout=10))["type"] != "ack":
                pass
            assert frame["id"] == "same-1"
    entries = [e.role for e in await Transcripts(redis_client).read("web:resend")]
    assert entries == ["customer", "bot"]


async def test_limits_are_settings(
    aiohttp_client,
    settings: Settings,
    redis_client: Redis,  # type: ignore[no-untyped-def]
) -> None:
    client = await aiohttp_client(
        create_app(dataclasses.replace(settings, limit_messages_per_conversation="2/hour"))
    )
    statuses = [
        (await client.post("/api/messages", json={"sender": "s", "text": "hei"})).status
        for _ in range(4)
    ]
    assert statuses == [200, 200, 429, 429]


def test_the_client_a_cap_counts_hides_its_address() -> None:
    assert "203.0.113.7" not in client_of("203.0.113.7")
    assert client_of("203.0.113.7") == client_of("203.0.113.7") != client_of("203.0.113.8")
