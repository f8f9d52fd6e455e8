"""Follow-ups: a chat closed as `follow_up` becomes a task due within the follow-up promise,
the customer is told its case number and date at once, and agents take it and record the
outcome; in-process with a real Redis and a set clock."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest
from aiohttp.test_utils import TestClient
from redis.asyncio import Redis

from bot.app import create_app
from bot.desk.follow_ups import open_follow_up
from bot.reports.promises import collect
from core.settings import Settings
from store.agents import Agents
from store.callbacks import Callbacks
from store.complaints import Complaints
from store.follow_ups import FollowUp, FollowUps
from store.handoffs import Handoffs
from store.transcripts import Transcripts
from tests.helpers import AGENT_PASSWORD, OSLO, login, queue

# Closed on Wednesday 25 November at 10:00: two whole workdays, so by Friday at closing.
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=OSLO)
FRIDAY_CLOSING = datetime(2026, 11, 27, 16, 0, tzinfo=OSLO)


@pytest.fixture
async def client(aiohttp_client, settings: Settings, redis_client: Redis) -> TestClient:  # type: ignore[no-untyped-def]
    for username in ("kari", "ola"):
        await Agents(redis_client).add(username, username.title(), AGENT_PASSWORD)
    return await aiohttp_client(
        create_app(dataclasses.replace(settings, clock_start=NOW.isoformat()))
    )


async def closed_for_follow_up(client: TestClient, redis: Redis, conversation_id: str) -> FollowUp:
    handoff = await Handoffs(redis).get(await queue(redis, conversation_id))
    assert handoff is not None
    return await open_follow_up(client.app, handoff)


async def test_a_chat_closed_for_follow_up_is_a_task_and_the_customer_gets_its_number_and_date(
    client: TestClient, redis_client: Redis
) -> None:
    made = await closed_for_follow_up(client, redis_client, "web:oppfolging")
    assert made.case_number == "O-000001"
    assert made.due == FRIDAY_CLOSING.timestamp()
    told = (await Transcripts(redis_client).read("web:oppfolging"))[-1]
    assert told.role == "bot"
    assert told.text == (
        "Saken din har nummer O-000001. Vi er ikke ferdige med den ennå. "
        "En av oss tar kontakt med deg innen fredag 27. november kl. 16.00."
    )
    second = await closed_for_follow_up(client, redis_client, "web:neste")
    assert second.case_number == "O-000002"


async def test_agents_take_a_follow_up_one_wins_and_recording_it_done_keeps_the_promise(
    client: TestClient, redis_client: Redis
) -> None:
    made = await closed_for_follow_up(client, redis_client, "web:ta-saken")
    kari, ola = await login(client, "kari"), await login(client, "ola")
    (listed,) = (await (await client.get("/desk/api/follow-ups", headers=kari)).json())[
        "follow_ups"
    ]
    assert (listed["case_number"], listed["due"], listed["overdue"]) == (
        "O-000001", FRIDAY_CLOSING.timestamp(), False,
    )  # fmt: skip
    url = f"/desk/api/follow-ups/{made.id}"
    assert (await client.post(f"{url}/take", headers=kari)).status == 200
    assert (await client.post(f"{url}/take", headers=ola)).status == 409
    assert (await client.post(f"{url}/outcome", json={"done": True}, headers=ola)).status == 409
    not_reached = await client.post(
        f"{url}/outcome", json={"done": False, "note": "svarte ikke"}, headers=kari
    )
    assert (await not_reached.json())["status"] == "open"  # back for anyone to try again
    await client.post(f"{url}/take", headers=ola)
    done = await client.post(f"{url}/outcome", json={"done": True}, headers=ola)
    assert (await done.json())["status"] == "done"
    assert (await (await client.get("/desk/api/follow-ups", headers=kari)).json())[
        "follow_ups"
    ] == []
    stores = (Callbacks(redis_client), Complaints(redis_client), FollowUps(redis_client))
    start, end = datetime(2026, 11, 1, tzinfo=OSLO), datetime(2026, 12, 1, tzinfo=OSLO)
    counted = await collect(stores, start.timestamp(), end.timestamp(), NOW.timestamp())
    assert (counted.follow_ups.kept, counted.follow_ups.not_yet_due) == (1, 0)


async def test_the_outcome_needs_a_yes_or_no(client: TestClient, redis_client: Redis) -> None:
    made = await closed_for_follow_up(client, redis_client, "web:uklart")
    kari = await login(client, "kari")
    await client.post(f"/desk/api/follow-ups/{made.id}/take", headers=kari)
    response = await client.post(
        f"/desk/api/follow-ups/{made.id}/outcome", json={"done": "kanskje"}, headers=kari
    )
    assert response.status == 400
