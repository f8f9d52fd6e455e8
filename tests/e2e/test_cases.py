"""Complaints and follow-ups as cases, through the whole stack (a real model, a real Redis),
on the shared stack's Wednesday morning: the customer complains in the chat and is told the
case number and the written-answer date at once; an agent answers it in the desk and the
customer reads the answer in the chat; a chat the agent closes for follow-up is a task, and
the customer is told its number and date."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime

import aiohttp
import pytest
from redis.asyncio import Redis

from bot.reports.promises import collect
from store.agents import Agents
from store.callbacks import Callbacks
from store.complaints import Complaints
from store.follow_ups import FollowUps
from store.transcripts import Transcripts
from tests.helpers import AGENT_PASSWORD, OSLO, RunningStack, eventually, post, render_answer

pytestmark = pytest.mark.stack

# The shared stack lives on Wednesday 25 November at 10:00: three workdays for a complaint end
# on Monday at closing, two for a follow-up on Friday at closing.
COMPLAINT_BY = "mandag 30. november kl. 16.00"
FOLLOW_UP_BY = "fredag 27. november kl. 16.00"
ANSWER = "Du har rett. Vi retter regningen og sender en ny."


@pytest.fixture
async def redis(stack: RunningStack) -> AsyncIterator[Redis]:
    client = Redis.from_url(stack.redis_url, decode_responses=True)
    await Agents(client).add("sara", "Sara", AGENT_PASSWORD)
    yield client
    await client.close()


async def desk_session(http: aiohttp.ClientSession, stack: RunningStack) -> dict[str, str]:
    body = {"username": "sara", "password": AGENT_PASSWORD}
    async with http.post(f"{stack.url}/desk/api/login", json=body) as response:
        assert response.status == 200
        token = response.cookies["svar_desk"].value
        return {"Cookie": f"svar_desk={token}", "X-CSRF-Token": (await response.json())["csrf"]}


async def call(
    http: aiohttp.ClientSession, method: str, url: str, headers: dict[str, str], body: object = None
) -> dict:  # type: ignore[type-arg]
    async with http.request(method, url, json=body, headers=headers) as response:
        assert response.status == 200, await response.text()
        return await response.json()  # type: ignore[no-any-return]


async def test_a_complaint_is_confirmed_with_its_case_number_and_answered_from_the_desk(
    stack: RunningStack, redis: Redis
) -> None:
    body = await post(stack, "case-complaint", "jeg vil klage på fakturaen")
    first = body["messages"][0]["text"]
    found = re.search(r"saksnummer (K-\d{6})", first)
    assert found, first
    case = found.group(1)
    assert first == render_answer(
        "utter_complaint_registered", "nb", case=case, deadline=COMPLAINT_BY
    )
    async with aiohttp.ClientSession() as http:
        agent = await desk_session(http, stack)
        listed = await call(http, "GET", f"{stack.url}/desk/api/complaints", agent)
        (mine,) = [c for c in listed["complaints"] if c["case_number"] == case]
        assert mine["conversation_id"] == "api:case-complaint" and mine["status"] == "open"
        url = f"{stack.url}/desk/api/complaints/{mine['id']}"
        await call(http, "POST", f"{url}/take", agent, {})
        answered = await call(
            http, "POST", f"{url}/answer", agent, {"decision": "upheld", "text": ANSWER}
        )
    assert answered["delivered"] == ["api"] and answered["status"] == "answered"
    written = f"Svar på klagen din, sak {case}:\n{ANSWER}"

    async def in_the_chat() -> bool:
        entries = await Transcripts(redis).read("api:case-complaint")
        return any(e.text == written for e in entries)

    await eventually(in_the_chat, 15, "the written answer in the customer's chat")
    stores = (Callbacks(redis), Complaints(redis), FollowUps(redis))
    start, end = datetime(2026, 11, 1, tzinfo=OSLO), datetime(2026, 12, 1, tzinfo=OSLO)
    now = datetime(2026, 11, 25, 12, tzinfo=OSLO).timestamp()
    assert (await collect(stores, start.timestamp(), end.timestamp(), now)).complaints.kept >= 1


async def test_a_chat_closed_for_follow_up_is_a_task_and_the_customer_is_told_when(
    stack: RunningStack, redis: Redis
) -> None:
    async with aiohttp.ClientSession() as http:
        agent = await desk_session(http, stack)
        # Sara has the desk open, so she is online and the customer is queued for her.
        ws_url = stack.url.replace("http", "ws") + "/desk/ws"
        async with http.ws_connect(ws_url, headers={"Cookie": agent["Cookie"]}) as socket:
            await socket.receive_json(timeout=10)  # the snapshot: the desk is open
            await post(stack, "case-follow-up", "jeg vil snakke med en person")
        queue = await call(http, "GET", f"{stack.url}/desk/api/queue", agent)
        (waiting,) = [
            h for h in queue["waiting"] if h["conversation_id"] == "api:case-follow-up"
        ]  # fmt: skip
        handoff = f"{stack.url}/desk/api/handoffs/{waiting['id']}"
        await call(http, "POST", f"{handoff}/claim", agent, {})
        closed = await call(http, "POST", f"{handoff}/close", agent, {"outcome": "follow_up"})
        case = closed["follow_up"]
        listed = await call(http, "GET", f"{stack.url}/desk/api/follow-ups", agent)
    assert re.fullmatch(r"O-\d{6}", case)
    (task,) = [f for f in listed["follow_ups"] if f["case_number"] == case]
    assert task["conversation_id"] == "api:case-follow-up"
    told = render_answer("utter_follow_up_registered", "nb", case=case, deadline=FOLLOW_UP_BY)

    async def in_the_chat() -> bool:
        entries = await Transcripts(redis).read("api:case-follow-up")
        return any(e.text == told for e in entries)

    await eventually(in_the_chat, 15, "the follow-up's confirmation in the customer's chat")
