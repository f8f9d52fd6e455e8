"""Rasa's Redis lock store on the Redis every process uses, from its one address (`REDIS_URL`:
plain, or a Sentinel address that follows the primary through a failover). Rasa's own takes a
host and port only. endpoints.yml names it.

Its lock also never waits for good. A Rasa server killed mid-turn leaves its ticket until it
expires (TICKET_LOCK_LIFETIME), and a turn of the same conversation waiting behind it on
another server may see its own ticket expire too: Rasa 3.6 then finds no ticket but its own
gone, serves none, and the turn waits forever (its customer never answered). Here a waiter
whose ticket expired takes a new one and goes on waiting."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from store.stores import sync_client


class RedisUrlLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(key_prefix=endpoint_config.kwargs.get("key_prefix"))
        self.red = sync_client(str(endpoint_config.kwargs["redis_url"]))

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncIterator[TicketLock]:
        """Rasa's ticket lock: held once every ticket issued before this one is done or has
        expired."""
        ticket = self.issue_ticket(conversation_id, lock_lifetime)
        try:
            while True:
                lock = self.get_or_create_lock(conversation_id)
                lock.remove_expired_tickets()
                if all(t.number != ticket for t in lock.tickets):
                    ticket = lock.issue_ticket(lock_lifetime)  # in line again
                    self.save_lock(lock)
                if not lock.is_locked(ticket):
                    break
                await asyncio.sleep(wait_time_in_seconds)
                self.update_lock(conversation_id)
            yield lock
        finally:
            self.cleanup(conversation_id, ticket)
