"""The whole stack on Redis Sentinel (a primary, a replica, three sentinels on loopback): the
primary dies mid-conversation, the sentinels promote the replica, and the conversation goes on
with nothing the front door accepted lost."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from redis.asyncio import Redis

from store.transcripts import Transcripts
from tests.helpers import (
    GREETING,
    HOURS,
    RunningStack,
    SentinelRedis,
    eventually,
    post,
    start_stack,
    texts,
)

pytestmark = pytest.mark.stack

CLOCK = "2026-11-25T10:00:00+01:00"  # a Wednesday morning: the office is open
CUSTOMER = "failover"


@pytest.fixture
def sentinel_stack(
    sentinel_redis: SentinelRedis, trained_model: Path, tmp_path: Path
) -> Iterator[RunningStack]:
    primary = f"redis://127.0.0.1:{sentinel_redis.primary_port()}"
    env = {**sentinel_redis.env, "SVAR_CLOCK": CLOCK}
    yield from start_stack(primary, 0, tmp_path, env)


async def test_a_conversation_goes_on_across_a_failover_and_keeps_every_message(
    sentinel_redis: SentinelRedis, sentinel_stack: RunningStack
) -> None:
    assert texts(await post(sentinel_stack, CUSTOMER, "hei"))[0] == GREETING["nb"]
    sentinel_redis.replicate()

    sentinel_redis.fail_over()
    during = await post(sentinel_stack, CUSTOMER, "når har dere åpent?")
    after = await post(sentinel_stack, CUSTOMER, "when are you open?")

    # Asked during the failover, the customer got an answer (the hours, or the polite "not
    # right now" and the hours once the message was replayed); asked after it, the hours.
    assert during["messages"]
    assert HOURS["en"] in " ".join(texts(after))
    primary = Redis.from_url(sentinel_redis.primary_url(), decode_responses=True)
    transcript = Transcripts(primary)

    async def every_message_kept_once_and_answered() -> bool:
        entries = await transcript.read(f"api:{CUSTOMER}")
        customer = [e.text for e in entries if e.role == "customer"]
        if customer != ["hei", "når har dere åpent?", "when are you open?"]:
            return False
        return any(HOURS["nb"] in e.text for e in entries if e.role == "bot")

    await eventually(every_message_kept_once_and_answered, 60, "every message kept once")
    events = await sentinel_stack.tracker_events(f"api:{CUSTOMER}")
    said = [e.get("text") for e in events if e.get("event") == "user"]
    assert said[0] == "hei"  # Rasa's tracker from before the failover is on the new primary
    assert "when are you open?" in said
    await primary.close()
