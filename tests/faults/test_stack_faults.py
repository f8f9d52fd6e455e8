"""Parts of the whole stack killed mid-conversation, as `make run` runs it: Rasa, the action
server, and a front door while it holds Messenger events. The supervisor starts the part
again; then every message the front door accepted has had exactly one answer (counted for
every message of every customer, web chat and Messenger), and the conversations go on."""

from __future__ import annotations

import asyncio
import json
import os
import signal
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio
from redis.asyncio import Redis

from bot.channels.webchat import HEARTBEAT_SECONDS
from store import keys
from tests.customers import (
    MessengerCustomer,
    Widget,
    each_answered_once,
    messenger_env,
    settled,
    turns,
)
from tests.fakes.graph_api import FakeGraphAPI
from tests.helpers import OPEN_NOW, RunningStack, eventually, start_stack

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(900)]

FAULTS_DB = 9
# A Wednesday morning: the desk is open and the opening hours have one answer.
CLOCK = "2026-11-25T10:00:00+01:00"
CUSTOMERS = 3  # of each channel
# What each customer says: before the fault, at the fault (in flight), while the part is
# away, and once it is back.
BEFORE, AT, DURING, AFTER = "hei", "når har dere åpent?", "hvor finner jeg fakturaen?", "takk"
UNAVAILABLE = "Beklager, jeg virker ikke akkurat nå."
BACK_SECONDS = 480  # Rasa loads its model again after a kill


@pytest.fixture(scope="module")
def faulty(
    redis_server: str,
    trained_model: Path,
    graph: FakeGraphAPI,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[RunningStack]:
    """A whole stack with Messenger on (Facebook's side faked), on a Redis database of its own.
    Started blocking this module's loop: nothing calls the fake Graph API meanwhile."""
    env = {"SVAR_CLOCK": CLOCK, **messenger_env(graph.url)}
    yield from start_stack(redis_server, FAULTS_DB, tmp_path_factory.mktemp("fault-logs"), env)


@pytest_asyncio.fixture(loop_scope="module")
async def redis(faulty: RunningStack) -> AsyncIterator[Redis]:
    client = Redis.from_url(faulty.redis_url, decode_responses=True)
    yield client
    await client.close()


async def through_a_fault(
    stack: RunningStack,
    graph: FakeGraphAPI,
    redis: Redis,
    fault: Callable[[], None],
    psid_prefix: str,  # Messenger ids are digits
    polite_during: bool,
) -> None:
    """Each customer talks before, at, during and after the fault; then every message of
    each has had exactly one answer, on the socket or the Send API, and in the transcript.
    `polite_during`: the message sent while the part is away gets the polite "I can't answer
    right now" (a part that comes back within seconds may answer it itself)."""
    async with aiohttp.ClientSession() as http:
        widgets = [await Widget.open(http, stack) for _ in range(CUSTOMERS)]
        messenger = [MessengerCustomer(f"{psid_prefix}{n}") for n in range(CUSTOMERS)]

        async def everyone_says(text: str) -> None:
            await asyncio.gather(
                *(w.say(text) for w in widgets), *(m.say(http, stack, text) for m in messenger)
            )
            await settled(redis, BACK_SECONDS)

        await everyone_says(BEFORE)
        saying = asyncio.create_task(everyone_says(AT))

        async def on_their_way() -> bool:
            said = [len(w.sent) for w in widgets] + [len(m.sent) for m in messenger]
            return all(n == 2 for n in said)

        await eventually(on_their_way, 30, "the messages to be sent")
        fault()  # while those messages are on their way
        await saying
        await everyone_says(DURING)
        await stack.wait_healthy(BACK_SECONDS)  # the supervisor started the part again
        await everyone_says(AFTER)
        for widget in widgets:
            await widget.close()

    for answers in await each_answered_once(redis, graph, widgets, messenger):
        assert answers[2][0].startswith(UNAVAILABLE) or not polite_during


@pytest.mark.parametrize(
    ("process", "psid_prefix", "polite_during"),
    [
        ("rasa", "7100", True),  # Rasa takes minutes to load its model again
        ("actions", "7200", False),
    ],
)
async def test_a_process_killed_mid_conversation_every_message_is_answered_once(
    faulty: RunningStack,
    graph: FakeGraphAPI,
    redis: Redis,
    process: str,
    psid_prefix: str,
    polite_during: bool,
) -> None:
    await through_a_fault(
        faulty,
        graph,
        redis,
        lambda: os.kill(faulty.pid(process), signal.SIGKILL),
        psid_prefix,
        polite_during=polite_during,
    )


async def test_a_widget_turn_longer_than_the_heartbeat_is_answered_on_the_same_socket(
    faulty: RunningStack, redis: Redis
) -> None:
    rasa = faulty.pid("rasa")
    async with aiohttp.ClientSession() as http:
        widget = await Widget.open(http, faulty, answer_seconds=BACK_SECONDS)
        os.killpg(rasa, signal.SIGSTOP)  # the turn waits for Rasa longer than a heartbeat
        try:
            saying = asyncio.create_task(widget.say(AT))
            # No state to poll: what is tested is time passing beyond the heartbeat's pong.
            await asyncio.sleep(2 * HEARTBEAT_SECONDS)
        finally:
            os.killpg(rasa, signal.SIGCONT)
        await saying
        assert widget.connected
        [answer] = widget.answers()
        assert answer and answer[0].startswith(OPEN_NOW["nb"]), answer
        await widget.close()


async def test_a_front_door_killed_holding_events_answers_each_once_after_its_restart(
    faulty: RunningStack, graph: FakeGraphAPI, redis: Redis
) -> None:
    customers = [MessengerCustomer(f"7300{n}") for n in range(2 * CUSTOMERS)]
    rasa = faulty.pid("rasa")
    killed = faulty.pid("frontdoor")
    # Rasa frozen: the front door reads the events and holds them, waiting for its answers.
    os.killpg(rasa, signal.SIGSTOP)
    try:
        async with aiohttp.ClientSession() as http:
            for customer in customers:
                await customer.say(http, faulty, AT)

        async def all_held() -> bool:
            pending = await redis.xpending(keys.inbox("messenger"), "frontdoor")
            return int(pending["pending"]) == len(customers)

        await eventually(all_held, 30, "the front door to hold every event")
        os.kill(killed, signal.SIGKILL)

        async def restarted() -> bool:
            return faulty.pid("frontdoor") != killed

        await eventually(restarted, 60, "the supervisor to start the front door again")
    finally:
        os.killpg(rasa, signal.SIGCONT)
    await settled(redis, BACK_SECONDS)

    for customer in customers:
        sent = [call.text for call in graph.messages(customer.psid)]
        said = await turns(redis, customer.conversation_id)
        # The dead front door had stored the message, not the answer; the one that took the
        # event over stores the message again and answers it once.
        assert said[-1][0] == AT and said[-1][1] == sent, f"{customer.psid}: {said}"
        assert len(sent) >= 1 and not sent[0].startswith(UNAVAILABLE)
    consumers = await redis.xinfo_consumers(keys.inbox("messenger"), "frontdoor")
    assert all(c["pending"] == 0 for c in consumers)
    assert json.dumps(await redis.xrange(keys.inbox("messenger"))) == "[]"
