"""Rasa's Redis lock store on the Redis every process uses, from its one address (`REDIS_URL`:
plain, or a Sentinel address that follows the primary through a failover). Rasa's own takes a
host and port only. endpoints.yml names it."""

from __future__ import annotations

from rasa.core.lock_store import RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from store.stores import sync_client


class RedisUrlLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(key_prefix=endpoint_config.kwargs.get("key_prefix"))
        self.red = sync_client(str(endpoint_config.kwargs["redis_url"]))
