"""A web conversation belongs to its customer; the API has its own namespace and key."""

from __future__ import annotations

import dataclasses

import pytest
from aiohttp.test_utils import TestClient
from redis.asyncio import Redis

from bot.app import create_app
from bot.channels.conversation_tokens import ConversationTokens, valid_id
from core.settings import Settings
from store.transcripts import Transcripts
from tests.helpers import CONVERSATION_SECRET as SECRET
from tests.helpers import socket_path

HANDSHAKE = {
    "Upgrade": "websocket",
    "Connection": "Upgrade",
    "Sec-WebSocket-Version": "13",
    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
}


async def test_a_socket_without_a_conversation_gets_a_new_one_with_its_token(
    client: TestClient,
) -> None:
    async with client.ws_connect("/ws") as ws:
        hello = await ws.receive_json()
        assert hello["type"] == "conversation" and valid_id(hello["id"])
        assert hello["token"] == ConversationTokens(SECRET).sign(hello["id"])
        assert hello["idle_seconds"] == 24 * 3600
        assert await ws.receive_json() == {"type": "history", "entries": []}
    async with client.ws_connect("/ws") as ws:
        assert (await ws.receive_json())["id"] != hello["id"]


@pytest.mark.parametrize(
    "token", [None, "", "0" * 64, "wrong"], ids=["none", "empty", "zeros", "word"]
)
async def test_another_conversations_id_without_its_token_opens_nothing_and_tells_nothing(
    client: TestClient, redis_client: Redis, token: str | None
) -> None:
    async with client.ws_connect(socket_path("victim")) as ws:
        await ws.receive_json()
        await ws.send_json({"type": "message", "id": "m1", "text": "mitt kontonummer er hemmelig"})
        while (await ws.receive_json())["type"] != "done":
            pass
    for conversation in ("victim", "nobody-has-this"):
        query = f"/ws?conversation={conversation}"
        if token is not None:
            query += f"&token={token}"
        response = await client.get(query, headers=HANDSHAKE)
        assert response.status == 403
        body = await response.text()
        assert "hemmelig" not in body and "kontonummer" not in body
        # An existing and an unknown conversation are refused alike.
        assert (await response.json())["error"] == "unknown conversation or wrong token"
    # Nor can the id be used through the API: that is another namespace.
    await client.post("/api/messages", json={"sender": "victim", "text": "hei"})
    assert len(await Transcripts(redis_client).read("web:victim")) == 2


async def test_a_token_for_one_conversation_does_not_open_another(client: TestClient) -> None:
    token = ConversationTokens(SECRET).sign("mine")
    response = await client.get(f"/ws?conversation=theirs&token={token}", headers=HANDSHAKE)
    assert response.status == 403


@pytest.mark.parametrize("conversation", ["x:transcript", "abc\n", "a/b", "x" * 65])
async def test_ids_are_matched_whole_and_never_hold_a_colon(
    client: TestClient, conversation: str
) -> None:
    token = ConversationTokens(SECRET).sign(conversation)
    response = await client.get(
        "/ws", params={"conversation": conversation, "token": token}, headers=HANDSHAKE
    )
    assert response.status == 403
    response = await client.post("/api/messages", json={"sender": conversation, "text": "hei"})
    assert response.status == 400


async def test_the_api_has_its_own_namespace(client: TestClient, redis_client: Redis) -> None:
    response = await client.post("/api/messages", json={"sender": "u1", "text": "hei"})
    assert response.status == 200
    assert (await response.json())["conversation_id"] == "api:u1"
    assert await Transcripts(redis_client).read("web:u1") == []


async def test_the_api_refuses_a_request_without_the_key(
    aiohttp_client,
    settings: Settings,
    redis_client: Redis,  # type: ignore[no-untyped-def]
) -> None:
    client = await aiohttp_client(
        create_app(dataclasses.replace(settings, api_key="s3cret-api-key"))
    )
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "s3cret-api-key"}):
        response = await client.post(
            "/api/messages", json={"sender": "u1", "text": "hei"}, headers=headers
        )
        assert response.status == 401
        assert response.headers["WWW-Authenticate"] == "Bearer"
    assert await redis_client.keys("svar:conv:*") == []
    response = await client.post(
        "/api/messages",
        json={"sender": "u1", "text": "hei"},
        headers={"Authorization": "Bearer s3cret-api-key"},
    )
    assert response.status == 200
