"""Desk sessions end when they should: on removal and a new password, on an open desk socket
too; the agents command reaches the Redis of the running stack by itself."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from aiohttp import WSMsgType
from aiohttp.test_utils import TestClient
from redis.asyncio import Redis

from bot.app import create_app
from core.settings import RUNNING_REDIS_FILE, Settings
from store import keys
from store.agents import Agents, needs_rehash
from store.sessions import Sessions
from tests.helpers import ROOT

PASSWORD = "correct horse battery"
RECHECK_SECONDS = 0.5


@pytest.fixture
async def client(aiohttp_client, settings: Settings, redis_client: Redis) -> TestClient:  # type: ignore[no-untyped-def]
    await Agents(redis_client).add("kari", "Kari", PASSWORD)
    fast = dataclasses.replace(settings, session_recheck_seconds=RECHECK_SECONDS)
    return await aiohttp_client(create_app(fast))


async def login(client: TestClient) -> str:
    response = await client.post("/desk/api/login", json={"username": "kari", "password": PASSWORD})
    assert response.status == 200, await response.text()
    return f"svar_desk={response.cookies['svar_desk'].value}"


async def test_a_removed_agents_open_desk_socket_closes_within_the_recheck_interval(
    client: TestClient, redis_client: Redis
) -> None:
    cookie = await login(client)
    async with client.ws_connect("/desk/ws", headers={"Cookie": cookie}) as desk:
        assert (await desk.receive_json(timeout=5))["type"] == "snapshot"
        agents = Agents(redis_client)
        assert await agents.remove("kari")
        assert await Sessions(redis_client, agents).end_all("kari") == 1
        loop = asyncio.get_running_loop()
        removed = loop.time()
        while (frame := await desk.receive(timeout=RECHECK_SECONDS * 4)).type is WSMsgType.TEXT:
            pass  # desk events until the check
        assert (frame.type, frame.data) == (WSMsgType.CLOSE, 4401)
        assert loop.time() - removed <= RECHECK_SECONDS * 3
    assert (await client.get("/desk/api/me", headers={"Cookie": cookie})).status == 401


async def test_a_new_password_ends_every_session_of_the_agent(
    client: TestClient, redis_client: Redis
) -> None:
    first, second = await login(client), await login(client)
    agents = Agents(redis_client)
    await agents.add("kari", "Kari", "a brand new password")
    assert await Sessions(redis_client, agents).end_all("kari") == 2
    for cookie in (first, second):
        assert (await client.get("/desk/api/me", headers={"Cookie": cookie})).status == 401
    assert not await redis_client.exists(keys.agent_sessions("kari"))


async def test_a_hash_made_at_an_older_cost_is_made_anew_at_login(
    client: TestClient, redis_client: Redis
) -> None:
    old = "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$"
    digest = hashlib.scrypt(PASSWORD.encode(), salt=b"\0" * 16, n=2**14, r=8, p=1, dklen=32)
    old += base64.b64encode(digest).decode()
    await redis_client.hset(keys.agent("kari"), "password", old)
    await login(client)
    stored = await redis_client.hget(keys.agent("kari"), "password")
    assert stored != old and not needs_rehash(stored)
    await login(client)  # the new hash holds the same password


def test_the_agents_command_uses_the_running_stacks_redis_by_itself(
    redis_url: str, tmp_path: Path
) -> None:
    sync = redis.Redis.from_url(redis_url, decode_responses=True)
    sync.flushdb()
    (tmp_path / RUNNING_REDIS_FILE).write_text(redis_url + "\n")
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env["SVAR_STATE"] = str(tmp_path)

    def command(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot.desk.agents", *args],
            cwd=ROOT,
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
        )

    added = command("add", "kari", "--name", "Kari", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert sync.hget(keys.agent("kari"), "name") == "Kari"

    async def session() -> str:
        client = Redis.from_url(redis_url, decode_responses=True)
        agents = Agents(client)
        agent = await agents.get("kari")
        assert agent is not None
        token, _ = await Sessions(client, agents).create(agent)
        await client.close()
        return token

    asyncio.run(session())
    assert sync.scard(keys.agent_sessions("kari")) == 1
    removed = command("remove", "kari")
    assert removed.returncode == 0, removed.stderr
    assert not sync.exists(keys.agent("kari"))
    assert not sync.keys(keys.desk_session("*"))
