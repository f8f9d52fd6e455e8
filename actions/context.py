"""What every action needs from outside Rasa: the settings, the company profile, its calendar,
the clock, the spot price feed, and the stores.

rasa-sdk creates the action objects itself, so this is loaded once per action-server process,
on first use, from the environment the action server was started with. The stores share one
Redis client per event loop (the action server runs one; tests run one per test), so no
action run opens a connection of its own.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, field
from functools import cache
from weakref import WeakKeyDictionary

from actions.price_feed import PriceFeed
from core.calendar import BusinessCalendar
from core.clock import Clock, clock_from_env
from core.company import CompanyProfile
from core.settings import Settings
from store.rate_limits import RateLimits
from store.stores import Stores


@dataclass(frozen=True)
class ActionContext:
    settings: Settings
    profile: CompanyProfile
    calendar: BusinessCalendar
    now: Clock
    price_feed: PriceFeed
    _stores: WeakKeyDictionary[asyncio.AbstractEventLoop, Stores] = field(
        default_factory=WeakKeyDictionary, compare=False, repr=False
    )
    _limits: WeakKeyDictionary[asyncio.AbstractEventLoop, RateLimits] = field(
        default_factory=WeakKeyDictionary, compare=False, repr=False
    )

    def stores(self) -> Stores:
        """The stores over this process's Redis client for the running event loop."""
        loop = asyncio.get_running_loop()
        stores = self._stores.get(loop)
        if stores is None:
            stores = Stores.connect(self.settings.redis_url, self.now, self.profile.retention)
            self._stores[loop] = stores
        return stores

    def limits(self) -> RateLimits:
        """The limits (docs/limits.md), counted over the same Redis client as the stores."""
        loop = asyncio.get_running_loop()
        limits = self._limits.get(loop)
        if limits is None:
            limits = RateLimits(self.stores().redis, self.settings.limit_rules)
            self._limits[loop] = limits
        return limits


@cache
def context() -> ActionContext:
    settings = Settings.from_env()
    profile = CompanyProfile.load(settings.content_dir / "company.yml")
    return ActionContext(
        settings,
        profile,
        profile.calendar(),
        clock_from_env(os.environ),
        PriceFeed(profile.spot_price_feed),
    )
