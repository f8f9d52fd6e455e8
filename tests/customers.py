"""Customers of a running stack, shared by the whole-stack fault tests: a web-chat widget on
its socket and a Messenger customer as Facebook delivers them, and what Redis kept of their
turns. Like tests/helpers.py, a module test files import from (never from one another)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
from redis.asyncio import Redis

from store import keys
from store.transcripts import Transcripts
from tests.fakes import graph_api as fb
from tests.helpers import RunningStack, eventually, socket_path

ANSWER_SECONDS = 120  # Rasa on a busy 2-core machine
# The Facebook page of the stacks these customers write to (the `graph` fixture fakes its API).
PAGE_TOKEN = "EAAfaultpagetoken"
APP_SECRET = "fault-app-secret"
CLAIM_AFTER_SECONDS = 5  # a running front door takes over a dead one's events soon


def messenger_env(graph_url: str) -> dict[str, str]:
    """A stack's settings for Messenger against the fake Graph API, with front doors that take
    over a dead one's events within seconds and hold events while Rasa is frozen."""
    return {
        "MESSENGER_PAGE_TOKEN": PAGE_TOKEN,
        "MESSENGER_APP_SECRET": APP_SECRET,
        "MESSENGER_VERIFY_TOKEN": "fault-verify-token",
        "GRAPH_API_URL": graph_url,
        "SVAR_INBOX_CLAIM_AFTER_SECONDS": str(CLAIM_AFTER_SECONDS),
        # A frozen Rasa must hold the front doors' events, not time them out.
        "SVAR_RASA_TIMEOUT": "600",
    }


class Widget:
    """A web-chat customer with the widget's socket: each message's turn, frame by frame. It
    reads all the time, as a browser does, so the socket answers the server's heartbeat
    while the customer waits for a part to come back."""

    def __init__(
        self,
        ws: aiohttp.ClientWebSocketResponse,
        conversation_id: str,
        answer_seconds: float = ANSWER_SECONDS,
    ) -> None:
        self.ws = ws
        self.conversation_id = conversation_id
        self.answer_seconds = answer_seconds  # the longest the customer waits for a turn
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
    async def open(
        cls,
        http: aiohttp.ClientSession,
        stack: RunningStack,
        answer_seconds: float = ANSWER_SECONDS,
    ) -> Widget:
        ws = await http.ws_connect(f"{stack.url.replace('http', 'ws')}/ws")
        new = await ws.receive_json(timeout=30)
        assert new["type"] == "conversation"
        assert (await ws.receive_json(timeout=30))["type"] == "history"
        return cls(ws, f"web:{new['id']}", answer_seconds)

    @property
    def connected(self) -> bool:
        return not self._reader.done()

    async def reconnect(self, http: aiohttp.ClientSession, stack: RunningStack) -> None:
        """Open the conversation again on a new socket, as the widget does when its front door
        went away (everything said so far is in the history it gets)."""
        await self._reader
        path = socket_path(self.conversation_id.removeprefix("web:"))
        self.ws = await http.ws_connect(f"{stack.url.replace('http', 'ws')}{path}")
        assert (await self.ws.receive_json(timeout=30))["type"] == "history"
        self._reader = asyncio.create_task(self._read())

    async def say(self, text: str, payload: str | None = None) -> None:
        """Send one message (a button's `payload`, if given) and read its whole turn (up to
        "done")."""
        message_id = f"m{len(self.sent) + 1}"
        self.sent.append(text)
        message = {"type": "message", "id": message_id, "text": text}
        await self.ws.send_json(message | ({"payload": payload} if payload else {}))
        turn: list[dict[str, Any]] = []
        while not turn or turn[-1]["type"] != "done":
            turn.append(await asyncio.wait_for(self._frames.get(), self.answer_seconds))
        self.turns.append(turn)

    async def next_message(self, seconds: float = ANSWER_SECONDS) -> str:
        """The text of the next message that comes without being asked (an agent's)."""
        while (frame := await asyncio.wait_for(self._frames.get(), seconds))["type"] != "message":
            pass
        return str(frame["text"])

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


async def settled(redis: Redis, seconds: float) -> None:
    """Every accepted Messenger event processed: the inbox is empty (an event leaves it only
    once its answer is sent), so no answer is still on its way."""

    async def empty() -> bool:
        return int(await redis.xlen(keys.inbox("messenger"))) == 0

    await eventually(empty, seconds, "the Messenger inbox to drain")
    assert await redis.xlen(keys.inbox_dead("messenger")) == 0


async def each_answered_once(
    redis: Redis,
    graph: fb.FakeGraphAPI,
    widgets: list[Widget],
    messenger: list[MessengerCustomer],
) -> list[list[list[str]]]:
    """Every message of every customer acknowledged (on the socket) and answered exactly once,
    as the transcript keeps it, and each Messenger answer sent to Facebook once. Returns each
    customer's answers, message by message (widgets first), for what the caller expects of
    them."""
    answered: list[list[list[str]]] = []
    for widget in widgets:
        answers = widget.answers()
        acks = [[f["id"] for f in turn if f["type"] == "ack"] for turn in widget.turns]
        assert acks == [[f"m{n}"] for n in range(1, len(widget.sent) + 1)], (
            "each message acknowledged once"
        )
        assert all(answers), f"{widget.conversation_id}: a message without an answer"
        assert await turns(redis, widget.conversation_id) == list(
            zip(widget.sent, answers, strict=True)
        )
        answered.append(answers)
    for customer in messenger:
        said = await turns(redis, customer.conversation_id)
        assert [text for text, _ in said] == customer.sent
        assert all(answers for _, answers in said), f"{customer.psid}: a message unanswered"
        sent = [call.text for call in graph.messages(customer.psid)]
        assert sent == [text for _, answers in said for text in answers], "each answer sent once"
        answered.append([answers for _, answers in said])
    return answered


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
