"""Extra-high load as one state: switched by a supervisor or set by the profile's thresholds,
and shown by the chat widget's notice."""

from __future__ import annotations

import time

import pytest
from aiohttp.test_utils import TestClient
from redis.asyncio import Redis

from bot.app import create_app
from bot.desk.load import follow_thresholds
from bot.keys import ANSWERS, FACTS, PROFILE
from core.settings import Settings
from store import keys
from store.agents import Agents
from store.load import Load, Source
from tests.helpers import AGENT_PASSWORD, login, queue


@pytest.fixture
async def client(aiohttp_client, settings: Settings, redis_client: Redis) -> TestClient:  # type: ignore[no-untyped-def]
    agents = Agents(redis_client)
    await agents.add("kari", "Kari", AGENT_PASSWORD)
    await agents.add("sara", "Sara", AGENT_PASSWORD, supervisor=True)
    return await aiohttp_client(create_app(settings))


async def notice(client: TestClient, language: str) -> str | None:
    response = await client.get(f"/api/notice?lang={language}")
    assert response.status == 200
    return (await response.json())["notice"]  # type: ignore[no-any-return]


async def test_a_supervisor_switches_extra_high_load_and_the_widget_tells_customers(
    client: TestClient,
) -> None:
    assert await notice(client, "nb") is None
    kari, sara = await login(client, "kari"), await login(client, "sara")
    assert (await client.post("/desk/api/load", json={"on": True}, headers=kari)).status == 403
    assert (await client.post("/desk/api/load", json={"on": "yes"}, headers=sara)).status == 400
    switched = await client.post("/desk/api/load", json={"on": True}, headers=sara)
    assert switched.status == 200
    assert (await switched.json())["source"] == "supervisor"
    state = await (await client.get("/desk/api/load", headers=kari)).json()
    assert (state["on"], state["by"]) == (True, "sara")
    for language in ("nb", "en"):
        said = client.app[ANSWERS].render(
            "utter_notice_extra_high_load", language, client.app[FACTS][language], language
        )
        assert await notice(client, language) == said.text
    # The thresholds do not end a supervisor's "on".
    assert not await follow_thresholds(client.app, time.time())
    assert (await client.post("/desk/api/load", json={"on": False}, headers=sara)).status == 200
    assert await notice(client, "en") is None


async def test_the_thresholds_switch_it_on_and_off(client: TestClient, redis_client: Redis) -> None:
    policy = client.app[PROFILE].queue
    ids = [await queue(redis_client, f"web:many{i}") for i in range(policy.extra_high_load_waiting)]
    assert await follow_thresholds(client.app, time.time())
    state = await Load(redis_client).get()
    assert (state.on, state.source) == (True, Source.THRESHOLDS)
    assert not await follow_thresholds(client.app, time.time())  # no change
    for handoff_id in ids:
        await redis_client.zrem(keys.handoffs_waiting(), handoff_id)
    assert await follow_thresholds(client.app, time.time())
    assert not (await Load(redis_client).get()).on
