"""The front door in-process, on the tests' Redis, with Rasa and the action server down."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient
from redis.asyncio import Redis

from bot.app import create_app
from core.settings import Settings


@pytest.fixture
async def client(aiohttp_client, settings: Settings, redis_client: Redis) -> TestClient:  # type: ignore[no-untyped-def]
    """A client of a front door on an emptied Redis database."""
    return await aiohttp_client(create_app(settings))
