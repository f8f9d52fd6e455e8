"""The privacy audit trail: who exported or erased which conversation, kept like complaints."""

from __future__ import annotations

import time

from redis.asyncio import Redis

from core.clock import system_clock
from store import keys
from store.audit import PrivacyAudit
from store.privacy import erase
from store.retention import sweep
from store.stores import Stores
from tests.helpers import RETENTION, keep_everything_about, mentions


async def test_the_trail_holds_what_who_which_and_when_and_outlives_the_erasure(
    redis_client: Redis,
) -> None:
    stores = Stores.over(redis_client, system_clock, RETENTION)
    await keep_everything_about(stores, "web:gone")
    await stores.privacy_audit.record("export", "web:gone", "sara", 1_700_000_000.0)
    await erase(redis_client, "web:gone", by="dpo")
    assert await mentions(redis_client, "web:gone") == {keys.privacy_audit()}
    entries = await PrivacyAudit(redis_client).history()
    assert [(e.action, e.conversation_id, e.agent) for e in entries] == [
        ("export", "web:gone", "sara"),
        ("erase", "web:gone", "dpo"),
    ]
    assert entries[0].at == 1_700_000_000.0


async def test_the_sweep_keeps_the_trail_as_long_as_complaints_and_no_longer(
    redis_client: Redis,
) -> None:
    await PrivacyAudit(redis_client).record("erase", "web:old", "sara", time.time())
    soon = time.time() + (RETENTION.complaint_days - 1) * 86400
    await sweep(redis_client, RETENTION, soon)
    assert await redis_client.xlen(keys.privacy_audit()) == 1
    later = time.time() + (RETENTION.complaint_days + 1) * 86400
    await sweep(redis_client, RETENTION, later)
    assert await redis_client.xlen(keys.privacy_audit()) == 0
