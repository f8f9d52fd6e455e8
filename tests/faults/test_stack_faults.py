"""Parts of the whole stack killed mid-conversation, as `make run` runs it: Rasa, the action
server, and a front door while it holds Messenger events. The supervisor starts the part
again; then every message the front door accepted has had exactly one answer (counted for
every message of every customer, web chat and Messenger), and the conversations go on."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from redis.asyncio import Redis

from store import keys
from store.transcripts import Transcripts
from tests.fakes import graph_api as fb
from tests.fakes.graph_api import FakeGraphAPI
from tests.helpers import RunningStack, eventually, start_stack

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(900)]

FAULTS_DB = 9
# A Wednesday morning: the desk is open and the opening hours have one answer.
CLOCK = "2026-11-25T10:00:00+01:00"
PAGE_TOKEN = "EAAfaultpagetoken"
APP_SECRET = "fault-app-secret"
CLAIM_AFTER_SECONDS = 5  # the restarted front door takes over the dead one's events soon
CUSTOMERS = 3  # of each channel
# What each customer says: before the fault, at the fault (in flight), while the part is
# away, and once it is back.
BEFORE, AT, DURING, AFTER = "hei", "når har dere åpent?", "hvor finner jeg fakturaen?", "takk"
UNAVAILABLE = "Beklager, jeg virker ikke akkurat nå."
ANSWER_SECONDS = 120  # Rasa on a busy 2-core machine
BACK_SECONDS = 480  # Rasa loads its model again after a kill


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def graph() -> AsyncIterator[FakeGraphAPI]:
    fake = FakeGraphAPI(PAGE_TOKEN, APP_SECRET)
    await fake.start()
    yield fake
    await fake.close()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def faulty(
    redis_server: str,
    trained_model: Path,
    graph: FakeGraphAPI,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[RunningStack]:
    """A whole stack with Messenger on (Facebook's side faked), on a Redis database of its own.
    Started blocking this module's loop: nothing calls the fake Graph API meanwhile."""
    env = {
        "SVAR_CLOCK": CLOCK,
        "MESSENGER_PAGE_TOKEN": PAGE_TOKEN,
        "MESSENGER_APP_SECRET": APP_SECRET,
        "MESSENGER_VERIFY_TOKEN": "fault-verify-token",
        "GRAPH_API_URL": graph.url,
        "SVAR_INBOX_CLAIM_AFTER_SECONDS": str(CLAIM_AFTER_SECONDS),
        # A frozen Rasa must hold the front door's events, not time them out.
        "SVAR_RASA_TIMEOUT": "600",
    }
    running = start_stack(redis_server, FAULTS_DB, tmp_path_factory.mktemp("fault-logs"), env)
    yield next(running)
    with contextlib.suppress(StopIteration):
        next(running)


@pytest_asyncio.fixture(loop_scope="module")
async def redis(faulty: RunningStack) -> AsyncIterator[Redis]:
    client = Redis.from_url(faulty.redis_url, decode_responses=True)
    yield client
    await client.close()


class Widget:
    """A web-chat customer with the widget's socket: each message's turn, frame by frame. It
    reads all the time, as a browser does, so the socket answers the server's heartbeat
    while the customer waits for a part to come back."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse, conversation_id: str) -> None:
        self.ws = ws
        self.conversation_id = conversation_id
        self.sent: list[str] = []
        self.turns: list[list[dict[str, Any]]] = []
        self._frames: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for frame in self.ws:
            if frame.type is aiohttp.WSMsgType.TEXT:
                await self._frames.put(json.loads(frame.data))

    async def close(self) -> None:
        await self.ws.close()
        await self._reader
        assert self._frames.empty(), "nothing more may come after the last turn"

    @classmethod
    async def open(cls, http: aiohttp.ClientSession, stack: RunningStack) -> Widget:
        ws = await http.ws_connect(f"{stack.url.replace('http', 'ws')}/ws")
        new = await ws.receive_json(timeout=30)
        assert new["type"] == "conversation"
        assert (await ws.receive_json(timeout=30))["type"] == "history"
        return cls(ws, f"web:{new['id']}")

    async def say(self, text: str) -> None:
        """Send one message and read its whole turn (up to "done")."""
        message_id = f"m{len(self.sent) + 1}"
        self.sent.append(text)
        await self.ws.send_json({"type": "message", "id": message_id, "text": text})
        turn: list[dict[str, Any]] = []
        while not turn or turn[-1]["type"] != "done":
            turn.append(await asyncio.wait_for(self._frames.get(), ANSWER_SECONDS))
        self.turns.append(turn)

    def answers(self) -> list[list[str]]:
        return [[f["text"] for f in turn if f["type"] == "message"] for turn in self.turns]


class MessengerCustomer:
    def __init__(self, psid: str) -> None:
        self.psid = psid
        self.conversation_id = f"fb:{psid}"
        self.sent: list[str] = []

    async def say(self, http: aiohttp.ClientSession, stack: RunningStack, text: str) -> None:
        """Post one message as Facebook delivers it; accepted when answered 200."""
        self.sent.append(text)
        body, headers = fb.signed(fb.delivery([fb.text_event(self.psid, text)]), APP_SECRET)
        async with http.post(
            f"{stack.url}/webhooks/messenger", data=body, headers=headers
        ) as response:
            assert response.status == 200


async def settled(redis: Redis) -> None:
    """Every accepted Messenger event processed: the inbox is empty (an event leaves it only
    once its answer is sent), so no answer is still on its way."""

    async def empty() -> bool:
        return int(await redis.xlen(keys.inbox("messenger"))) == 0

    await eventually(empty, BACK_SECONDS, "the Messenger inbox to drain")
    assert await redis.xlen(keys.inbox_dead("messenger")) == 0


async def turns(redis: Redis, conversation_id: str) -> list[tuple[str, list[str]]]:
    """The transcript as (customer message, the bot's answers to it)."""
    result: list[tuple[str, list[str]]] = []
    for entry in await Transcripts(redis).read(conversation_id):
        if entry.role == "customer":
            result.append((entry.text, []))
        else:
            assert result, f"{conversation_id}: an answer before any message"
            result[-1][1].append(entry.text)
    return result


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
            await settled(redis)

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

    for widget in widgets:
        answers = widget.answers()
        assert [[f["id"] for f in t if f["type"] == "ack"] for t in widget.turns] == [
            ["m1"],
            ["m2"],
            ["m3"],
            ["m4"],
        ], "each message acknowledged once"
        assert all(answers), f"{widget.conversation_id}: a message without an answer"
        assert await turns(redis, widget.conversation_id) == list(
            zip(widget.sent, answers, strict=True)
        )
        assert answers[2][0].startswith(UNAVAILABLE) or not polite_during
    for customer in messenger:
        said = await turns(redis, customer.conversation_id)
        assert [text for text, _ in said] == customer.sent
        assert all(answers for _, answers in said), f"{customer.psid}: a message unanswered"
        sent = [call.text for call in graph.messages(customer.psid)]
        assert sent == [text for _, answers in said for text in answers], "each answer sent once"
        assert said[2][1][0].startswith(UNAVAILABLE) or not polite_during


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
    await settled(redis)

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
