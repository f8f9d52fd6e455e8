"""Callback promises in a real Redis: the queue by deadline, one taker, attempts, the report."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

from redis.asyncio import Redis

from bot.reports.callbacks import render, summarise
from store.callbacks import Callback, CallbackError, Callbacks, Status
from tests.helpers import PROMISED_AT, promise

NOW = PROMISED_AT


async def test_pending_callbacks_come_soonest_deadline_first(redis_client: Redis) -> None:
    callbacks = Callbacks(redis_client)
    for name, hours in [("late", 40), ("soon", 2), ("middle", 20)]:
        await callbacks.add(promise(name, hours))
    assert [c.name for c in await callbacks.pending()] == ["soon", "middle", "late"]


async def test_a_record_survives_as_written(redis_client: Redis) -> None:
    callback = promise("kari", 10)
    await Callbacks(redis_client).add(callback)
    assert await Callbacks(redis_client).get(callback.id) == callback


async def test_fifty_agents_take_one_callback_and_exactly_one_gets_it(redis_client: Redis) -> None:
    callbacks = Callbacks(redis_client)
    callback = promise("race", 5)
    await callbacks.add(callback)
    results = await asyncio.gather(*(callbacks.take(callback.id, f"agent{i}") for i in range(50)))
    assert sum(results) == 1
    winner = f"agent{results.index(True)}"
    assert (await callbacks.get(callback.id)).agent == winner


async def test_a_failed_attempt_puts_it_back_and_a_reached_customer_closes_it(
    redis_client: Redis,
) -> None:
    callbacks = Callbacks(redis_client, clock=lambda: NOW + timedelta(hours=1))
    callback = promise("ola", 5)
    await callbacks.add(callback)
    assert await callbacks.take(callback.id, "kari")
    after_miss = await callbacks.record_attempt(callback.id, "kari", False, "no_answer")
    assert after_miss.status is Status.FAILED_ATTEMPT and after_miss.agent is None
    assert await callbacks.take(callback.id, "per")
    done = await callbacks.record_attempt(callback.id, "per", True, "reached")
    assert done.status is Status.DONE and len(done.attempts) == 2
    assert done.promise_kept()
    assert [c.id for c in await callbacks.pending()] == []


async def test_recording_a_call_without_taking_it_is_refused(redis_client: Redis) -> None:
    callbacks = Callbacks(redis_client)
    callback = promise("nils", 5)
    await callbacks.add(callback)
    try:
        await callbacks.record_attempt(callback.id, "kari", True, "reached")
    except CallbackError:
        pass
    else:
        raise AssertionError("a call was recorded on a callback nobody took")


def test_report_counts_kept_late_missed_and_not_yet_due() -> None:
    kept = Callback.from_dict(
        {
            **promise("a", 1).to_dict(),
            "done_at": (NOW + timedelta(minutes=30)).timestamp(),
            "status": "done",
        }
    )
    late = Callback.from_dict(
        {
            **promise("b", 1).to_dict(),
            "done_at": (NOW + timedelta(hours=3)).timestamp(),
            "status": "done",
        }
    )
    missed = promise("c", 1)
    future = promise("d", 48)
    report = summarise([kept, late, missed, future], (NOW + timedelta(hours=5)).timestamp())
    assert (report.due, report.kept, report.late, report.missed_open, report.not_yet_due) == (
        3,
        1,
        1,
        1,
        1,
    )
    assert report.kept_rate == 1 / 3
    assert "promise-kept rate:   33.3%" in render(report, NOW.date(), NOW.date())


async def test_what_customers_and_agents_write_about_a_callback_is_kept_masked(
    redis_client: Redis,
) -> None:
    callbacks = Callbacks(redis_client)
    callback = replace(promise("kari", 10), topic="fødselsnummer 150765 00565 er feil")
    await callbacks.add(callback)
    await callbacks.take(callback.id, "ola")
    done = await callbacks.record_attempt(
        callback.id, "ola", False, "no_answer", "kortet 4111.1111.1111.1111 ble avvist"
    )
    assert done.attempts[-1].note == "kortet ****.****.****.**11 ble avvist"
    kept = await callbacks.get(callback.id)
    assert kept.topic == "fødselsnummer ****** ***** er feil"
    assert kept.attempts[-1].note == "kortet ****.****.****.**11 ble avvist"
