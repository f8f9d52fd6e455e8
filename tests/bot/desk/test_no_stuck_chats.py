"""No chat gets stuck: a supervisor reassigns any open chat, sees the dead letters, and chats
gone quiet return to the bot, which offers a callback."""

from __future__ import annotations

import time

import pytest
from aiohttp.test_utils import TestClient
from redis.asyncio import Redis

from bot.app import create_app
from bot.desk.ws import return_quiet_chats
from bot.keys import FACTS, PROFILE
from core.content.answers import AnswerBook
from core.settings import Settings
from core.transcript import Entry
from store import keys
from store.agents import Agents
from store.conversations import Conversations, Mode
from store.handoffs import Handoffs, State
from store.transcripts import Transcripts
from tests.helpers import AGENT_PASSWORD as PASSWORD
from tests.helpers import login, queue

ANSWERS = AnswerBook.load(Settings().content_dir / "answers")


@pytest.fixture
async def client(aiohttp_client, settings: Settings, redis_client: Redis) -> TestClient:  # type: ignore[no-untyped-def]
    agents = Agents(redis_client)
    await agents.add("kari", "Kari", PASSWORD)
    await agents.add("ola", "Ola", PASSWORD)
    await agents.add("sara", "Sara", PASSWORD, supervisor=True)
    return await aiohttp_client(create_app(settings))


async def test_a_supervisor_gives_a_chat_held_by_an_absent_agent_to_another(
    client: TestClient, redis_client: Redis
) -> None:
    handoff_id = await queue(redis_client, "web:held")
    kari, sara = await login(client, "kari"), await login(client, "sara")
    assert (
        await client.post(f"/desk/api/handoffs/{handoff_id}/claim", json={}, headers=kari)
    ).status == 200
    url = f"/desk/api/handoffs/{handoff_id}/reassign"
    assert (await client.post(url, json={"to": "ola"}, headers=kari)).status == 403
    assert (await client.post(url, json={"to": "nobody"}, headers=sara)).status == 400
    assert (await client.post(url, json={"to": "ola"}, headers=sara)).status == 200
    found = await Handoffs(redis_client).get(handoff_id)
    assert found is not None and (found.state, found.agent) == (State.CLAIMED, "ola")
    message = {"text": "Hei igjen"}
    sent = await client.post(
        f"/desk/api/handoffs/{handoff_id}/messages", json=message, headers=kari
    )
    assert sent.status == 409
    ola = await login(client, "ola")
    sent = await client.post(f"/desk/api/handoffs/{handoff_id}/messages", json=message, headers=ola)
    assert sent.status == 200
    log = await redis_client.xrange(keys.handoffs_log())
    assert [f["by"] for _, f in log if f["event"] == "reassigned"] == ["sara"]


async def test_a_supervisor_takes_a_waiting_chat_nobody_claims(
    client: TestClient, redis_client: Redis
) -> None:
    handoff_id = await queue(redis_client, "web:waiting")
    sara = await login(client, "sara")
    response = await client.post(f"/desk/api/handoffs/{handoff_id}/reassign", json={}, headers=sara)
    assert response.status == 200
    found = await Handoffs(redis_client).get(handoff_id)
    assert found is not None and (found.state, found.agent) == (State.CLAIMED, "sara")
    assert await Handoffs(redis_client).waiting() == []


async def test_only_a_supervisor_sees_the_dead_letters(
    client: TestClient, redis_client: Redis
) -> None:
    await redis_client.xadd(
        keys.inbox_dead("messenger"),
        {"conversation": "fb:1", "event": "{}", "error": "boom", "attempts": "4"},
    )
    kari, sara = await login(client, "kari"), await login(client, "sara")
    assert (await client.get("/desk/api/dead-letters", headers=kari)).status == 403
    letters = (await (await client.get("/desk/api/dead-letters", headers=sara)).json())[
        "dead_letters"
    ]
    assert [(d["channel"], d["conversation"], d["error"]) for d in letters] == [
        ("messenger", "fb:1", "boom")
    ]


async def test_chats_gone_quiet_return_to_the_bot_which_offers_a_callback(
    client: TestClient, redis_client: Redis
) -> None:
    quiet_waiting = await queue(redis_client, "web:quiet1")
    quiet_claimed = await queue(redis_client, "web:quiet2")
    busy = await queue(redis_client, "web:busy")
    kari = await login(client, "kari")
    for handoff_id in (quiet_claimed, busy):
        await client.post(f"/desk/api/handoffs/{handoff_id}/claim", json={}, headers=kari)
    limit = client.app[PROFILE].queue.quiet_return_minutes * 60
    now = time.time() + limit + 1
    # The busy chat had a message a minute ago.
    sent = await client.post(
        f"/desk/api/handoffs/{busy}/messages", json={"text": "Jeg ser på det"}, headers=kari
    )
    assert sent.status == 200
    await Transcripts(redis_client).append("web:busy", Entry("customer", "takk", at=now - 60))
    assert await return_quiet_chats(client.app, now) == 2
    handoffs, conversations = Handoffs(redis_client), Conversations(redis_client)
    for handoff_id, conversation in ((quiet_waiting, "web:quiet1"), (quiet_claimed, "web:quiet2")):
        found = await handoffs.get(handoff_id)
        assert found is not None and (found.state, found.outcome) == (State.CLOSED, "returned")
        state = await conversations.get(conversation)
        assert state is not None and state.mode is Mode.BOT
        last = (await Transcripts(redis_client).read(conversation))[-1]
        said = ANSWERS.render("utter_chat_returned", "nb", client.app[FACTS]["nb"], "nb")
        assert (last.text, last.buttons) == (said.text, tuple(b.title for b in said.buttons))
    found = await handoffs.get(busy)
    assert found is not None and found.state is State.CLAIMED
    assert await return_quiet_chats(client.app, now) == 0
