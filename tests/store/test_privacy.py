"""Erase and export one customer: every store, Rasa's tracker and the logs included."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time

from redis.asyncio import Redis

from core.clock import system_clock
from store import keys
from store.audit import PrivacyAudit
from store.privacy import erase, export
from store.retention import bound_the_unbounded, sweep
from store.stores import Stores
from tests.helpers import RETENTION, WRITTEN, keep_everything_about, mentions


async def test_erase_leaves_nothing_of_the_customer_and_export_gave_all_of_it(
    redis_client: Redis,
) -> None:
    stores = Stores.over(redis_client, system_clock, RETENTION)
    await keep_everything_about(stores, "web:erase-me")
    await keep_everything_about(stores, "web:keep-me")
    # Handoff and callback ids are in shared keys too: they are the customer's as well.
    before = await mentions(redis_client, "web:erase-me")
    assert keys.rasa_tracker("web:erase-me") in before and keys.handoffs_log() in before

    exported = await export(redis_client, "web:erase-me", by="dpo")
    text = json.dumps(exported, ensure_ascii=False)
    for expected in WRITTEN:
        assert expected in text
    assert before <= (
        set(exported["records"]) | set(exported["log_entries"]) | set(exported["set_members"])
    )
    assert "web:keep-me" not in text

    removed = await erase(redis_client, "web:erase-me", by="dpo")
    assert removed["keys"] >= 6 and removed["log_entries"] >= 6
    assert await mentions(redis_client, "web:erase-me") == {keys.privacy_audit()}
    assert await stores.handoffs.latest_for("web:erase-me") is None
    # The other customer keeps everything.
    kept = await export(redis_client, "web:keep-me", by="dpo")
    assert "ringer tilbake" in json.dumps(kept) and "web:erase-me" not in json.dumps(kept)
    assert keys.rasa_tracker("web:keep-me") in kept["records"]
    assert await erase(redis_client, "web:erase-me", by="dpo") == {
        "keys": 0,
        "log_entries": 0,
        "index_members": 0,
    }
    # With the other customer erased too, nothing either of them wrote is left anywhere, not
    # even in a log line that names only a handoff or a callback.
    await erase(redis_client, "web:keep-me", by="dpo")
    for written in WRITTEN:
        assert await mentions(redis_client, written) == set(), written


async def test_every_record_carries_its_retention_and_the_sweep_trims_the_rest(
    redis_client: Redis,
) -> None:
    stores = Stores.over(redis_client, system_clock, RETENTION)
    await keep_everything_about(stores, "web:old")
    days = {
        keys.conversation("web:old"): RETENTION.conversation_days,
        keys.transcript("web:old"): RETENTION.conversation_days,
    }
    for key, kept_days in days.items():
        assert 0 < await redis_client.ttl(key) <= kept_days * 86400
    for pattern, kept_days in (
        ("svar:handoff:*", RETENTION.handoff_days),
        ("svar:callback:*", RETENTION.callback_days),
        ("svar:complaint:*", RETENTION.complaint_days),
        ("svar:follow-up:*", RETENTION.follow_up_days),
    ):
        found = await redis_client.keys(pattern)
        assert found
        for key in found:
            assert 0 < await redis_client.ttl(key) <= kept_days * 86400, key

    # A day before the shortest retention of a log, the sweep keeps everything;
    soon = time.time() + (RETENTION.handoff_days - 1) * 86400
    assert (await sweep(redis_client, RETENTION, soon)).stream_entries == 0
    # once the clock is past every retention, no log entry or index member is left.
    later = time.time() + (RETENTION.complaint_days + 1) * 86400
    swept = await sweep(redis_client, RETENTION, later)
    assert swept.stream_entries > 0
    for log in (keys.handoffs_log(), keys.handoff_queue(), keys.callbacks_log(),
                keys.complaints_log(), keys.follow_ups_log()):  # fmt: skip
        assert await redis_client.xlen(log) == 0
    for index in (keys.handoffs_waiting(), keys.handoffs_claimed(),
                  keys.callbacks_by_deadline(), keys.complaints_by_deadline(),
                  keys.follow_ups_by_due()):  # fmt: skip
        assert await redis_client.zcard(index) == 0


async def test_the_commands_export_and_erase_and_leave_an_audit_entry(
    redis_client: Redis, redis_url: str
) -> None:
    stores = Stores.over(redis_client, system_clock, RETENTION)
    await keep_everything_about(stores, "web:cli")
    env = {**os.environ, "REDIS_URL": redis_url}

    async def privacy(*args: str) -> str:
        command = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "store.privacy", *args, env=env, stdout=asyncio.subprocess.PIPE
        )
        out, _ = await command.communicate()
        assert command.returncode == 0
        return out.decode()

    exported = await privacy("export", "web:cli")
    assert json.loads(exported)["conversation_id"] == "web:cli" and "ringer tilbake" in exported
    assert (await privacy("erase", "web:cli")).startswith("erased web:cli: ")
    assert await mentions(redis_client, "web:cli") == {keys.privacy_audit()}
    audit = await PrivacyAudit(redis_client).history()
    assert [(e.action, e.conversation_id) for e in audit] == [
        ("export", "web:cli"),
        ("erase", "web:cli"),
    ]
    assert all(e.agent.startswith("command line (") for e in audit)


async def test_records_written_without_a_retention_get_one(redis_client: Redis) -> None:
    await redis_client.hset(keys.conversation("web:old"), "mode", "bot")
    await redis_client.rpush(keys.transcript("web:old"), json.dumps({"text": "hei"}))
    await redis_client.set(keys.rasa_tracker("web:old"), "{}")
    await redis_client.set(keys.complaint("c1"), "{}")
    await redis_client.set("svar:unrelated", "x")
    assert await bound_the_unbounded(redis_client, RETENTION) == 4
    assert 0 < await redis_client.ttl(keys.transcript("web:old")) <= 90 * 86400
    assert 90 * 86400 < await redis_client.ttl(keys.complaint("c1")) <= 1095 * 86400
    assert await redis_client.ttl("svar:unrelated") == -1
    assert await bound_the_unbounded(redis_client, RETENTION) == 0
