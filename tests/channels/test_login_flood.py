"""A flood of desk logins: at most the configured number of guesses reach scrypt, and the
front door's outgoing Graph calls (name lookups in aiohttp's default executor) go on meanwhile."""

from __future__ import annotations

import asyncio
import dataclasses

from aiohttp.test_utils import TestClient
from redis.asyncio import Redis

from bot.app import create_app
from core.settings import Settings
from store.agents import Agents
from tests.channels.conftest import post_delivery, with_messenger
from tests.fakes import graph_api as fb
from tests.fakes.graph_api import FakeGraphAPI
from tests.helpers import AGENT_PASSWORD as DESK_PASSWORD

FLOOD = 200


async def test_two_hundred_parallel_wrong_logins_let_the_limit_through_and_graph_calls_complete(
    aiohttp_client,
    settings: Settings,
    graph_api: FakeGraphAPI,
    redis_client: Redis,  # type: ignore[no-untyped-def]
) -> None:
    messenger = with_messenger(settings, graph_api)
    # By name, so that each Graph call resolves it in the default executor, as in production.
    messenger = dataclasses.replace(
        messenger, graph_api_url=graph_api.url.replace("127.0.0.1", "localhost")
    )
    client: TestClient = await aiohttp_client(create_app(messenger))
    await Agents(redis_client).add("kari", "Kari", DESK_PASSWORD)
    finished: dict[str, float] = {}
    loop = asyncio.get_running_loop()

    async def guess(i: int) -> int:
        response = await client.post(
            "/desk/api/login", json={"username": "kari", "password": f"guess number {i}"}
        )
        return response.status

    async def flood() -> list[int]:
        statuses = await asyncio.gather(*(guess(i) for i in range(FLOOD)))
        finished["logins"] = loop.time()
        return statuses

    logins = asyncio.create_task(flood())
    await asyncio.sleep(0)  # the guesses are on their way
    customers = [f"1000000000{i}" for i in range(3)]
    response = await post_delivery(
        client, fb.delivery([fb.text_event(psid, "hei") for psid in customers])
    )
    assert response.status == 200
    await graph_api.wait_for(lambda: all(graph_api.messages(p) for p in customers), timeout=60)
    finished["graph"] = loop.time()
    statuses = await logins
    assert statuses.count(401) == 10  # the default: 10 per username and IP in 15 minutes
    assert statuses.count(429) == FLOOD - 10
    assert finished["graph"] < finished["logins"], "Graph calls waited for the password hashes"
    # The guesser's IP is stopped for this name, even with the right password now.
    right = await client.post(
        "/desk/api/login", json={"username": "kari", "password": DESK_PASSWORD}
    )
    assert right.status == 429
