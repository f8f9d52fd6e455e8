"""The desk's callback list and actions, in-process with a real Redis and a set clock."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import datetime, timezone

import pytest
from aiohttp.test_utils import TestClient
from redis.asyncio import Redis

from bot.app import create_app
from core.settings import Settings
from store.agents import Agents
from store.callbacks import Callback, Callbacks
from tests.helpers import AGENT_PASSWORD as PASSWORD
from tests.helpers import login, promise

NOW = datetime(2026, 5, 15, 20, 0, tzinfo=timezone.utc)


@pytest.fixture
async def client(aiohttp_client, settings: Settings, redis_client: Redis) -> TestClient:  # type: ignore[no-untyped-def]
    await Agents(redis_client).add("kari", "Kari", PASSWORD)
    await Agents(redis_client).add("ola", "Ola", PASSWORD)
    clocked = dataclasses.replace(settings, clock_start=NOW.isoformat())
    return await aiohttp_client(create_app(clocked))


async def add(redis: Redis, name: str, hours: float) -> Callback:
    callback = promise(name, hours)
    await Callbacks(redis).add(callback)
    return callback


async def test_callbacks_are_listed_soonest_first_with_overdue_and_due_soon_flags(
    client: TestClient, redis_client: Redis
) -> None:
    await add(redis_client, "later", 30)
    await add(redis_client, "overdue", -1)
    await add(redis_client, "soon", 1)
    headers = await login(client)
    response = await client.get("/desk/api/callbacks", headers=headers)
    assert response.status == 200
    listed = (await response.json())["callbacks"]
    assert [(c["name"], c["overdue"], c["due_soon"]) for c in listed] == [
        ("overdue", True, False),
        ("soon", False, True),
        ("later", False, False),
    ]
    assert listed[0]["phone_display"] == "+47 41 23 45 67"


async def test_the_list_needs_a_logged_in_agent(client: TestClient) -> None:
    assert (await client.get("/desk/api/callbacks")).status == 401


async def test_two_agents_take_the_same_callback_and_one_gets_409(
    client: TestClient, redis_client: Redis
) -> None:
    callback = await add(redis_client, "race", 3)
    kari, ola = await login(client, "kari"), await login(client, "ola")
    responses = await asyncio.gather(
        client.post(f"/desk/api/callbacks/{callback.id}/take", headers=kari),
        client.post(f"/desk/api/callbacks/{callback.id}/take", headers=ola),
    )
    assert sorted(r.status for r in responses) == [200, 409]


async def test_taking_without_the_csrf_token_is_refused(
    client: TestClient, redis_client: Redis
) -> None:
    callback = await add(redis_client, "csrf", 3)
    headers = await login(client)
    del headers["X-CSRF-Token"]
    response = await client.post(f"/desk/api/callbacks/{callback.id}/take", headers=headers)
    assert response.status == 403


async def test_a_missed_call_is_noted_and_a_reached_customer_closes_the_promise(
    client: TestClient, redis_client: Redis
) -> None:
    callback = await add(redis_client, "ola", 3)
    headers = await login(client)
    url = f"/desk/api/callbacks/{callback.id}"
    assert (await client.post(f"{url}/take", headers=headers)).status == 200
    missed = await client.post(
        f"{url}/attempts", headers=headers, json={"reached": False, "note": "voicemail"}
    )
    assert (await missed.json())["status"] == "failed_attempt"
    assert (await client.post(f"{url}/take", headers=headers)).status == 200
    reached = await client.post(f"{url}/attempts", headers=headers, json={"reached": True})
    assert (await reached.json())["status"] == "done"
    listed = await (await client.get("/desk/api/callbacks", headers=headers)).json()
    assert listed["callbacks"] == []
    stored = await Callbacks(redis_client).get(callback.id)
    assert [a.outcome for a in stored.attempts] == ["no_answer", "reached"]
    assert stored.done_at == pytest.approx((NOW).timestamp(), abs=60)
    assert stored.promise_kept()


async def test_recording_a_call_nobody_took_is_a_conflict(
    client: TestClient, redis_client: Redis
) -> None:
    callback = await add(redis_client, "nobody", 3)
    headers = await login(client)
    response = await client.post(
        f"/desk/api/callbacks/{callback.id}/attempts", headers=headers, json={"reached": True}
    )
    assert response.status == 409
    unknown = await client.post("/desk/api/callbacks/nope/take", headers=headers)
    assert unknown.status == 404
