"""How much one client may do, counted in Redis so that every front door shares the counts.

The kept `limits` library, fixed windows: each attempt is counted first and then compared
with the limit (one atomic INCR), so parallel attempts cannot all slip past a check made
before any of them was counted. The counters expire with their window. They are named by a
hash of what they count, so no IP address, conversation or username stands in a Redis key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from limits import RateLimitItem, parse
from limits.aio.storage import RedisStorage
from limits.aio.strategies import FixedWindowRateLimiter
from packaging.version import Version
from redis.asyncio import Redis

from store import keys


class RateLimits:
    def __init__(self, redis: Redis, rules: Mapping[str, str]) -> None:
        """`rules`: each limit's name and its "<count>/<period>" (e.g. "120/minute")."""
        storage = _SharedPoolStorage(
            "async+redis://",
            implementation="redispy",
            key_prefix=keys.rate_limits(),
            connection_pool=redis.connection_pool,
        )
        self._limiter = FixedWindowRateLimiter(storage)
        self._rules: dict[str, RateLimitItem] = {name: parse(rule) for name, rule in rules.items()}

    async def allow(self, rule: str, *identifiers: str) -> bool:
        """Count one attempt under `rule` for `identifiers` (an IP, a conversation, a
        username); False when it is one too many."""
        hidden = (hashlib.blake2b(i.encode(), digest_size=12).hexdigest() for i in identifiers)
        return await self._limiter.hit(self._rules[rule], rule, *hidden)

    async def allow_all(self, checks: Mapping[str, str]) -> bool:
        """Count the attempt under each rule (its identifier beside it); False when any says
        no. Every rule counts it, so trying another name does not dodge the per-IP count."""
        results = [await self.allow(rule, identifier) for rule, identifier in checks.items()]
        return all(results)


class _SharedPoolStorage(RedisStorage):
    """`limits`' Redis storage over the pool of Svar's own client. Its redis-py bridge asks
    for redis 5.2, but the fixed-window counter uses only a Lua INCR/EXPIRE script and GET,
    TTL and DEL, which redis 4.6 (the version Rasa 3.6 pins) has; tests/store show it works."""

    STORAGE_SCHEME = ["async+svar-redis"]  # noqa: RUF012  (`limits`' own scheme stays as is)
    DEPENDENCIES: dict[str, Version | None] = {  # noqa: RUF012
        **RedisStorage.DEPENDENCIES,
        "redis": Version("4.5"),
    }
