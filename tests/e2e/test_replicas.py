"""Two replicas of every process behind HAProxy (`SVAR_REPLICAS=2`), as `make run` starts
them: customers spread over both front doors, Rasa servers and action servers; each
conversation's turns in order whichever Rasa server takes them (Rasa's lock store is the one
Redis); a handoff claimed on one front door and answered from the other; and one replica of
each kind killed mid-run, with every message the front doors accepted answered."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import re
import signal
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from redis.asyncio import Redis

from core.clock import system_clock
from store import keys
from store.agents import Agents
from store.handoffs import State
from store.stores import Stores
from tests.customers import (
    MessengerCustomer,
    Widget,
    each_answered_once,
    messenger_env,
    settled,
    turns,
)
from tests.fakes.graph_api import FakeGraphAPI
from tests.helpers import (
    HOURS,
    PROFILE,
    ROOT,
    RunningStack,
    eventually,
    start_stack,
)

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(1500)]

REPLICAS_DB = 6
CLOCK = "2026-11-25T10:00:00+01:00"  # a Wednesday morning: the desk is open
PASSWORD = "a long desk password"
UNAVAILABLE = "Beklager, jeg virker ikke akkurat nå."
BACK_SECONDS = 600  # a killed Rasa loads its model again on a busy machine
# A Rasa server killed mid-turn holds its conversations' lock tickets until they expire (Rasa's
# TICKET_LOCK_LIFETIME, 60 s): the next message of each waits that long, then for a turn on a
# machine where the killed one loads its model again.
LATE_SECONDS = 300
KINDS = ("frontdoor", "rasa", "actions")


@pytest.fixture(scope="module")
def replicated(
    redis_server: str,
    trained_model: Path,
    graph: FakeGraphAPI,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[RunningStack]:
    """The whole stack with two of each process and Messenger on (Facebook faked)."""
    env = {"SVAR_REPLICAS": "2", "SVAR_CLOCK": CLOCK, **messenger_env(graph.url)}
    logs = tmp_path_factory.mktemp("replica-logs")
    # Two Rasa servers load the model at once: on a busy 2-core machine, minutes.
    yield from start_stack(redis_server, REPLICAS_DB, logs, env, ready_seconds=900)


@pytest_asyncio.fixture(loop_scope="module")
async def redis(replicated: RunningStack) -> AsyncIterator[Redis]:
    client = Redis.from_url(replicated.redis_url, decode_responses=True)
    yield client
    await client.close()


def balancer_config(stack: RunningStack) -> str:
    """The HAProxy configuration the supervisor wrote for this stack."""
    port = stack.url.rsplit(":", 1)[1]
    return (ROOT / ".state" / f"haproxy-{port}.cfg").read_text(encoding="utf-8")


def replica_url(stack: RunningStack, name: str) -> str:
    """Where one replica itself listens, past HAProxy."""
    found = re.search(rf"server {name} (127\.0\.0\.1:\d+)", balancer_config(stack))
    assert found, f"no {name} in HAProxy's configuration"
    return f"http://{found[1]}"


async def replicas(http: aiohttp.ClientSession, stack: RunningStack) -> list[dict[str, str]]:
    """HAProxy's statistics of each replica."""
    found = re.search(r"listen stats\n    bind (127\.0\.0\.1:\d+)", balancer_config(stack))
    assert found
    async with http.get(f"http://{found[1]}/;csv") as response:
        text = (await response.text()).removeprefix("# ")
    return [
        row
        for row in csv.DictReader(io.StringIO(text))
        if row["pxname"] in KINDS and row["svname"] not in ("FRONTEND", "BACKEND")
    ]


async def requests_taken(http: aiohttp.ClientSession, stack: RunningStack) -> dict[str, int]:
    """How many requests (or sockets) HAProxy gave each replica."""
    return {row["svname"]: int(row["stot"]) for row in await replicas(http, stack)}


async def every_replica_up(http: aiohttp.ClientSession, stack: RunningStack) -> None:
    """The stack answers once one replica of each kind does; HAProxy takes the others in after
    two good checks more."""

    async def up() -> bool:
        return all(row["status"] == "UP" for row in await replicas(http, stack))

    await eventually(up, 60, "HAProxy to send to every replica")


async def test_customers_spread_over_both_replicas_and_each_conversations_turns_stay_in_order(
    replicated: RunningStack,
) -> None:
    async with aiohttp.ClientSession() as http:
        await every_replica_up(http, replicated)
        widgets = [await Widget.open(http, replicated) for _ in range(6)]

        async def chat(widget: Widget) -> None:
            await widget.say("hei")
            await widget.say("når har dere åpent?")

        async def post(sender: str, text: str) -> list[str]:
            # A connection of its own, so the two messages may take different front doors.
            async with (
                aiohttp.ClientSession() as own,
                own.post(
                    f"{replicated.url}/api/messages", json={"sender": sender, "text": text}
                ) as response,
            ):
                assert response.status == 200
                return [m["text"] for m in (await response.json())["messages"]]

        async def both_at_once(sender: str) -> list[list[str]]:
            await post(sender, "hei")
            return list(
                await asyncio.gather(
                    post(sender, "når har dere åpent?"), post(sender, "hvor finner jeg fakturaen?")
                )
            )

        senders = [f"pair{n}" for n in range(4)]
        await asyncio.gather(*(chat(w) for w in widgets))
        pairs = await asyncio.gather(*(both_at_once(s) for s in senders))
        taken = await requests_taken(http, replicated)
        for widget in widgets:
            await widget.close()

    for kind in KINDS:
        assert taken[f"{kind}-1"] > 0 and taken[f"{kind}-2"] > 0, f"one {kind} took all: {taken}"
    redis = Redis.from_url(replicated.redis_url, decode_responses=True)
    for widget in widgets:
        answers = widget.answers()
        assert HOURS["nb"] in " ".join(answers[1])
        assert await turns(redis, widget.conversation_id) == list(
            zip(widget.sent, answers, strict=True)
        )
    await redis.close()
    for sender, answers in zip(senders, pairs, strict=True):
        assert all(a and not a[0].startswith(UNAVAILABLE) for a in answers), answers
        # Sent at once, the two messages went through Rasa one after the other: each user
        # event is followed by the bot's answer before the next one comes in.
        events = await replicated.tracker_events(f"api:{sender}")
        said = [e for e in events if e["event"] in ("user", "bot")]
        kinds = [e["event"] for e in said]
        assert kinds.count("user") == 3 and kinds[0] == "user" and kinds[-1] == "bot", kinds
        assert "user user" not in " ".join(kinds), f"{sender}: two turns interleaved: {kinds}"


async def test_a_handoff_claimed_on_one_front_door_is_answered_from_the_other(
    replicated: RunningStack, redis: Redis
) -> None:
    await Agents(redis).add("kari", "Kari", PASSWORD)
    one, other = replica_url(replicated, "frontdoor-1"), replica_url(replicated, "frontdoor-2")
    stores = Stores.over(redis, system_clock, PROFILE.retention)
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{one}/desk/api/login", json={"username": "kari", "password": PASSWORD}
        ) as response:
            assert response.status == 200
            cookie = f"svar_desk={response.cookies['svar_desk'].value}"
            kari = {"Cookie": cookie, "X-CSRF-Token": (await response.json())["csrf"]}
        # Kari's desk is open on the other front door: she is online, so the customer queues.
        async with http.ws_connect(
            f"{other.replace('http', 'ws')}/desk/ws", headers={"Cookie": cookie}
        ) as desk:
            await desk.receive_json(timeout=10)
            customer = await Widget.open(http, replicated)
            await customer.say("Snakk med en person", "/request_human")
            assert customer.answers()[0], "the customer is told they are queued"

            async def queued() -> bool:
                found = await stores.handoffs.latest_for(customer.conversation_id)
                return found is not None and found.state is State.QUEUED

            await eventually(queued, 30, "the card in the queue")
            handoff = await stores.handoffs.latest_for(customer.conversation_id)
            assert handoff is not None
            async with http.post(
                f"{one}/desk/api/handoffs/{handoff.id}/claim", json={}, headers=kari
            ) as response:
                assert response.status == 200, await response.text()
            async with http.post(
                f"{other}/desk/api/handoffs/{handoff.id}/messages",
                json={"text": "Hei, jeg heter Kari og ser på saken din."},
                headers=kari,
            ) as response:
                assert response.status == 200, await response.text()

            heard = [await customer.next_message(30)]
            while heard[-1] != "Hei, jeg heter Kari og ser på saken din.":
                heard.append(await customer.next_message(30))
            await customer.close()

    said = await turns(redis, customer.conversation_id)
    agent = [text for _, answers in said for text in answers if "Kari og ser" in text]
    assert agent == ["Hei, jeg heter Kari og ser på saken din."]  # kept once


async def test_one_replica_of_each_kind_killed_mid_run_loses_nothing_accepted(
    replicated: RunningStack, graph: FakeGraphAPI, redis: Redis
) -> None:
    async with aiohttp.ClientSession() as http:
        widgets = [await Widget.open(http, replicated, LATE_SECONDS) for _ in range(3)]
        messenger = [MessengerCustomer(f"8100{n}") for n in range(3)]

        async def everyone_says(text: str) -> None:
            for widget in widgets:
                if not widget.connected:  # its front door was killed: the widget reconnects
                    await widget.reconnect(http, replicated)
            await asyncio.gather(
                *(w.say(text) for w in widgets), *(m.say(http, replicated, text) for m in messenger)
            )
            await settled(redis, BACK_SECONDS)

        await everyone_says("hei")
        # A Rasa server and an action server die while messages are on their way.
        saying = asyncio.create_task(everyone_says("når har dere åpent?"))

        async def on_their_way() -> bool:
            said = [len(w.sent) for w in widgets] + [len(m.sent) for m in messenger]
            return all(n == 2 for n in said)

        await eventually(on_their_way, 30, "the messages to be sent")
        dead = {name: replicated.pid(name) for name in ("rasa-1", "actions-1")}
        for pid in dead.values():
            os.kill(pid, signal.SIGKILL)
        await saying
        # The other Rasa and action server answer while the killed ones come back.
        await everyone_says("hvor finner jeg fakturaen?")
        for name, pid in dead.items():
            await replicated.restarted(name, pid)

        # A front door dies holding Messenger events (both Rasa servers frozen meanwhile, for
        # less time than HAProxy takes to judge them down); the other front door takes the
        # events over and answers each once.
        held = [MessengerCustomer(f"8200{n}") for n in range(4)]
        rasa = [replicated.pid("rasa-1"), replicated.pid("rasa-2")]
        for pid in rasa:
            os.killpg(pid, signal.SIGSTOP)
        try:
            for customer in held:
                await customer.say(http, replicated, "når har dere åpent?")

            async def all_held() -> bool:
                pending = await redis.xpending(keys.inbox("messenger"), "frontdoor")
                return int(pending["pending"]) == len(held)

            await eventually(all_held, 30, "the front doors to hold every event")
            killed = await holder_of_most(redis, replicated)
            os.kill(killed, signal.SIGKILL)
        finally:
            for pid in rasa:
                os.killpg(pid, signal.SIGCONT)
        await settled(redis, BACK_SECONDS)
        await everyone_says("takk")
        for widget in widgets:
            await widget.close()

    for answers in await each_answered_once(redis, graph, widgets, messenger):
        assert not answers[2][0].startswith(UNAVAILABLE), "the surviving replicas answer"
    for customer in held:
        sent = [call.text for call in graph.messages(customer.psid)]
        said = await turns(redis, customer.conversation_id)
        # A front door that died had stored the message, not the answer; the one that took
        # the event over stores it again and answers it once.
        assert said[-1][0] == "når har dere åpent?" and said[-1][1] == sent, said
        assert HOURS["nb"] in " ".join(sent)


async def holder_of_most(redis: Redis, stack: RunningStack) -> int:
    """The process id of the front door holding the most Messenger events."""
    consumers: list[dict[str, Any]] = await redis.xinfo_consumers(
        keys.inbox("messenger"), "frontdoor"
    )
    busiest = max(consumers, key=lambda c: int(c["pending"]))
    pid = int(str(busiest["name"]).split(":")[1])
    assert pid in (stack.pid("frontdoor-1"), stack.pid("frontdoor-2"))
    return pid
