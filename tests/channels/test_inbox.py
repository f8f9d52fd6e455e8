"""The webhook inbox against the real Redis: accepted once, processed at least once, in order."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from bot.channels.inbox import ATTEMPTS, GROUP, Event, Inbox
from store import keys
from tests.channels.conftest import drained
from tests.helpers import async_true, eventually


async def test_an_event_id_is_accepted_once(redis_client: Redis) -> None:
    inbox = Inbox(redis_client, "test", _ignore)
    first = [Event("m1", "c:1", {"n": 1}), Event("m2", "c:1", {"n": 2}), Event("m1", "c:1", {})]
    assert await inbox.accept(first) == 2
    assert await inbox.accept([Event("m2", "c:1", {"n": 2})]) == 0
    assert await inbox.pending() == 2


async def test_events_of_one_conversation_go_in_order_and_conversations_side_by_side(
    redis_client: Redis,
) -> None:
    seen: list[tuple[str, int]] = []
    busy: dict[str, int] = {}
    most_at_once = 0

    async def handle(data: dict[str, Any]) -> None:
        nonlocal most_at_once
        busy[data["c"]] = busy.get(data["c"], 0) + 1
        assert busy[data["c"]] == 1, "two events of one conversation at once"
        most_at_once = max(most_at_once, sum(busy.values()))
        await asyncio.sleep(0.05)
        seen.append((data["c"], data["n"]))
        busy[data["c"]] -= 1

    inbox = Inbox(redis_client, "test", handle)
    await inbox.start()
    events = [Event(f"{c}{n}", c, {"c": c, "n": n}) for n in range(5) for c in ("a", "b", "c")]
    await inbox.accept(events)
    await drained(inbox)
    await inbox.stop()
    for conversation in "abc":
        assert [n for c, n in seen if c == conversation] == [0, 1, 2, 3, 4]
    assert most_at_once == 3


async def test_events_a_stopped_front_door_had_in_hand_are_processed_by_another(
    redis_client: Redis,
) -> None:
    never = asyncio.Event()
    started = asyncio.Event()

    async def stuck(data: dict[str, Any]) -> None:
        started.set()
        await never.wait()

    first = Inbox(redis_client, "test", stuck)
    await first.start()
    await first.accept([Event(f"m{n}", f"c:{n}", {"n": n}) for n in range(3)])
    await asyncio.wait_for(started.wait(), 5)
    await first.stop(grace=0)  # a restart: the events it read are not done
    assert await first.pending() == 3

    done: list[int] = []

    async def handle(data: dict[str, Any]) -> None:
        done.append(data["n"])

    async def idle_long_enough() -> bool:
        held = await redis_client.xpending_range(keys.inbox("test"), GROUP, "-", "+", 10)
        return len(held) == 3 and all(e["time_since_delivered"] >= 200 for e in held)

    await eventually(idle_long_enough, what="three events idle for 0.2 s")
    second = Inbox(redis_client, "test", handle, claim_after=0.2)
    await second.start()
    await drained(second)
    await second.stop()
    assert sorted(done) == [0, 1, 2]


async def test_a_slow_event_in_hand_is_not_taken_over_by_another_front_door(
    redis_client: Redis,
) -> None:
    handled: list[int] = []

    async def slow(data: dict[str, Any]) -> None:
        handled.append(data["n"])
        await asyncio.sleep(5)  # a turn waiting on Rasa, longer than claim_after

    inboxes = [Inbox(redis_client, "test", slow, claim_after=2.0) for _ in range(2)]
    for inbox in inboxes:
        await inbox.start()
    await inboxes[0].accept([Event("m1", "c:1", {"n": 1})])
    await drained(inboxes[0])
    for inbox in inboxes:
        await inbox.stop()
    assert handled == [1]


async def test_a_failing_event_is_logged_and_does_not_stop_the_others(redis_client: Redis) -> None:
    done: list[int] = []

    async def handle(data: dict[str, Any]) -> None:
        if data["n"] == 1:
            raise RuntimeError("a bug")
        done.append(data["n"])

    inbox = Inbox(redis_client, "test", handle)
    await inbox.start()
    await inbox.accept([Event(f"m{n}", "c:1", {"n": n}) for n in range(3)])
    await drained(inbox)
    await inbox.stop()
    assert done == [0, 2]


async def _ignore(data: dict[str, Any]) -> None:
    return None


async def test_the_inbox_recovers_when_redis_loses_its_stream(
    redis_client: Redis, caplog: pytest.LogCaptureFixture
) -> None:
    done: list[int] = []

    async def handle(data: dict[str, Any]) -> None:
        done.append(data["n"])

    inbox = Inbox(redis_client, "test", handle)
    await inbox.start()
    await redis_client.flushdb()  # a Redis restarted without its data
    # The reader's block ends and it finds the group gone.
    await eventually(async_true(lambda: "the stream was gone" in caplog.text), what="the warning")
    await inbox.accept([Event("m1", "c:1", {"n": 1})])
    await drained(inbox)
    await inbox.stop()
    assert done == [1]


async def test_a_failing_event_is_tried_again_and_then_kept_as_a_dead_letter(
    redis_client: Redis,
) -> None:
    tries: dict[int, int] = {}

    async def handle(data: dict[str, Any]) -> None:
        tries[data["n"]] = tries.get(data["n"], 0) + 1
        if data["n"] == 1 and tries[1] < 3:
            raise ValueError("a passing hiccup")
        if data["n"] == 2:
            raise ValueError("always fails, fnr 15076500565")

    inbox = Inbox(redis_client, "test", handle)
    await inbox.start()
    await inbox.accept(
        [Event("m1", "c:1", {"n": 1}), Event("m2", "c:2", {"n": 2, "t": "15076500565"})]
    )
    await drained(inbox)
    await inbox.stop()
    assert tries == {1: 3, 2: ATTEMPTS}
    dead = await redis_client.xrange(keys.inbox_dead("test"))
    assert len(dead) == 1
    fields = dead[0][1]
    assert fields["conversation"] == "c:2" and fields["attempts"] == str(ATTEMPTS)
    assert "15076500565" not in fields["event"] + fields["error"]  # masked


async def test_an_event_failing_on_redis_stays_pending_and_is_done_later(
    redis_client: Redis,
) -> None:
    done: list[int] = []
    failed = 0
    redis_away = True

    async def handle(data: dict[str, Any]) -> None:
        nonlocal failed
        if redis_away:
            failed += 1
            raise RedisConnectionError("Redis is restarting")
        done.append(data["n"])

    inbox = Inbox(redis_client, "test", handle, claim_after=0.2)
    await inbox.start()
    await inbox.accept([Event("m1", "c:1", {"n": 1})])
    deadline = asyncio.get_running_loop().time() + 15
    while failed < ATTEMPTS:
        assert asyncio.get_running_loop().time() < deadline
        await asyncio.sleep(0.05)
    assert (await redis_client.xpending(keys.inbox("test"), GROUP))["pending"] == 1
    redis_away = False
    await drained(inbox, timeout=40)
    await inbox.stop()
    assert done == [1]
    assert await redis_client.xlen(keys.inbox_dead("test")) == 0
