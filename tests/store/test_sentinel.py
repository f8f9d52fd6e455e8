"""Svar's Redis clients on Redis Sentinel: after the primary dies and the sentinels promote its
replica, the same clients read what was written before and write to the new primary."""

from __future__ import annotations

import redis

from core.redis_address import redis_url_from_env
from store.stores import client, sync_client
from tests.helpers import SentinelRedis


async def test_both_clients_follow_the_primary_through_a_failover(
    sentinel_redis: SentinelRedis,
) -> None:
    url = redis_url_from_env(sentinel_redis.env)
    assert url is not None
    front_door, rasa = client(url), sync_client(url)
    await front_door.set("written-before", "kept")
    rasa.set("rasa-before", "kept")
    sentinel_redis.replicate()
    old_primary = sentinel_redis.primary_port()

    sentinel_redis.fail_over()

    assert sentinel_redis.primary_port() != old_primary
    assert await front_door.get("written-before") == "kept"
    assert rasa.get("rasa-before") == b"kept"
    await front_door.set("written-after", "new primary")
    rasa.set("rasa-after", "new primary")
    primary = redis.Redis.from_url(sentinel_redis.primary_url(), decode_responses=True)
    assert primary.get("written-after") == "new primary"
    assert primary.get("rasa-after") == "new primary"
    await front_door.close()
