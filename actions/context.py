"""What every action needs from outside Rasa: the company profile, its calendar, the clock,
and Redis.

rasa-sdk creates the action objects itself, so this is loaded once, on first use, from the
environment the action server was started with.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import cache

from redis.asyncio import Redis

from core.calendar import BusinessCalendar
from core.clock import Clock, clock_from_env
from core.company import CompanyProfile
from core.settings import Settings


@dataclass(frozen=True)
class ActionContext:
    profile: CompanyProfile
    calendar: BusinessCalendar
    now: Clock
    redis_url: str

    @asynccontextmanager
    async def redis(self) -> AsyncIterator[Redis]:
        """A Redis client for one action run (bound to the running event loop)."""
        client = Redis.from_url(self.redis_url, decode_responses=True)
        try:
            yield client
        finally:
            await client.close()


@cache
def context() -> ActionContext:
    settings = Settings.from_env()
    profile = CompanyProfile.load(settings.content_dir / "company.yml")
    return ActionContext(
        profile, profile.calendar(), clock_from_env(os.environ), settings.redis_url
    )
