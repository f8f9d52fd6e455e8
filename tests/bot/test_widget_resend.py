"""A widget message sent again after its socket dropped: answered once, whichever front door
had it, also when the one that took it died before answering (its lease left behind)."""

from __future__ import annotations

import time

import pytest
from aiohttp import WSMsgType
from aiohttp.test_utils import TestClient
from redis.asyncio import Redis

from bot.keys import ROUTER
from store.message_ids import MessageIds, Seen
from tests.helpers import socket_path


async def frames_of_one_turn(ws) -> list[dict]:  # type: ignore[no-untyped-def, type-arg]
    frames = [await ws.receive_json(timeout=30)]
    while frames[-1]["type"] != "done":
        frames.append(await ws.receive_json(timeout=30))
    return frames


async def test_a_message_a_dead_front_door_had_taken_is_answered_once_its_lease_ends(
    client: TestClient, redis_client: Redis
) -> None:
    # What a front door that died while Rasa answered leaves behind: the id taken, no answer.
    ids = MessageIds(redis_client)
    assert await ids.take("web:resend1", "m1", lease_seconds=1.5) is Seen.NEW
    asked = time.monotonic()
    async with client.ws_connect(socket_path("resend1")) as ws:
        assert (await ws.receive_json())["type"] == "history"
        await ws.send_json({"type": "message", "id": "m1", "text": "hei"})
        frames = await frames_of_one_turn(ws)
    assert time.monotonic() - asked >= 1.0  # it waited for the lease, not answered at once
    assert [f["type"] for f in frames] == ["typing", "ack", "message", "done"]
    assert await ids.take("web:resend1", "m1", lease_seconds=60) is Seen.ANSWERED


async def test_a_message_answered_before_the_socket_dropped_is_only_acknowledged(
    client: TestClient,
) -> None:
    async with client.ws_connect(socket_path("resend2")) as ws:
        assert (await ws.receive_json())["type"] == "history"
        await ws.send_json({"type": "message", "id": "m1", "text": "hei"})
        await frames_of_one_turn(ws)
    async with client.ws_connect(socket_path("resend2")) as ws:
        history = await ws.receive_json()
        assert [e["role"] for e in history["entries"]] == ["customer", "bot"]
        await ws.send_json({"type": "message", "id": "m1", "text": "hei"})
        assert await ws.receive_json(timeout=30) == {"type": "ack", "id": "m1"}
        await ws.send_json({"type": "message", "id": "m2", "text": "takk"})
        assert [f["type"] for f in await frames_of_one_turn(ws)][-1] == "done"
    async with client.ws_connect(socket_path("resend2")) as ws:
        history = await ws.receive_json()
        assert [e["role"] for e in history["entries"]] == ["customer", "bot"] * 2


async def test_an_unexpected_error_closes_the_socket_and_the_message_sent_again_is_answered(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    router = client.app[ROUTER]
    handle = router.handle
    calls = 0

    async def fails_once(message):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        if calls == 1:  # a bug in one turn, which no other part can be made to show
            raise RuntimeError("a bug")
        return await handle(message)

    monkeypatch.setattr(router, "handle", fails_once)
    async with client.ws_connect(socket_path("resend3")) as ws:
        assert (await ws.receive_json())["type"] == "history"
        await ws.send_json({"type": "message", "id": "m1", "text": "hei"})
        assert (await ws.receive_json(timeout=10))["type"] == "typing"
        closed = await ws.receive(timeout=10)  # not left open with nobody answering
        assert closed.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.CLOSING)
    async with client.ws_connect(socket_path("resend3")) as ws:
        assert (await ws.receive_json())["type"] == "history"
        await ws.send_json({"type": "message", "id": "m1", "text": "hei"})
        frames = await frames_of_one_turn(ws)
    assert [f["type"] for f in frames] == ["typing", "ack", "message", "done"]
