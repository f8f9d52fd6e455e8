"""Redis killed and restarted mid-conversation, front door in-process (Rasa down: every answer
is the polite one): every message the front door accepted is kept and answered exactly once,
in order; nothing is answered with a 500."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

from aiohttp.test_utils import TestClient

from bot.app import create_app
from core.settings import Settings
from store.stores import client as redis_client
from store.transcripts import Transcripts
from tests.helpers import KillableRedis, socket_path

BEFORE, DURING, AFTER = 3, 5, 3


async def test_messages_sent_while_redis_is_down_are_answered_politely_and_once_it_is_back(
    aiohttp_client,
    settings: Settings,
    killable: KillableRedis,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    faulty = dataclasses.replace(settings, redis_url=killable.url, spool_dir=tmp_path)
    client: TestClient = await aiohttp_client(create_app(faulty))
    statuses: list[int] = []

    async def post(n: int) -> None:
        response = await client.post(
            "/api/messages", json={"sender": "fault1", "text": f"melding {n}: strømmen er borte"}
        )
        statuses.append(response.status)
        body = await response.json()
        assert len(body["messages"]) == 1

    async with client.ws_connect(socket_path("fault2")) as ws:
        await ws.receive_json()
        for n in range(BEFORE):
            await post(n)
        killable.kill()
        for n in range(BEFORE, BEFORE + DURING):
            await post(n)
        # The widget's message while Redis is away: acknowledged (kept) and answered politely.
        await ws.send_json({"type": "message", "id": "w1", "text": "hei, er dere der?"})
        kinds = []
        while "ack" not in kinds or "message" not in kinds:
            kinds.append((await ws.receive_json(timeout=30))["type"])
        killable.start()
        for n in range(BEFORE + DURING, BEFORE + DURING + AFTER):
            await post(n)
        # The spooled widget message is answered through the socket once Redis is back.
        while (answer := await ws.receive_json(timeout=30))["type"] != "message":
            assert answer["type"] == "done"  # the end of the polite answer's turn
        assert answer["sender"] == "bot"
    assert statuses == [200] * (BEFORE + DURING + AFTER)

    store = redis_client(killable.url)
    transcripts = Transcripts(store)
    deadline = asyncio.get_running_loop().time() + 30
    while len(await transcripts.read("api:fault1")) < 2 * (BEFORE + DURING + AFTER):
        assert asyncio.get_running_loop().time() < deadline, "the spool was not replayed"
        await asyncio.sleep(0.1)
    entries = await transcripts.read("api:fault1")
    customer = [e.text for e in entries if e.role == "customer"]
    # Every message once; those kept while Redis was away come after the ones sent meanwhile
    # only when Redis came back before the spool was replayed, so compare as sets and counts.
    expected = [f"melding {n}: strømmen er borte" for n in range(BEFORE + DURING + AFTER)]
    assert sorted(customer) == sorted(expected) and len(customer) == len(expected)
    assert [e.role for e in entries].count("bot") == len(expected)
    spooled = [
        t for t in customer if int(t.split()[1].rstrip(":")) in range(BEFORE, BEFORE + DURING)
    ]
    assert spooled == expected[BEFORE : BEFORE + DURING]  # replayed in the order they came
    widget = [e.text for e in await transcripts.read("web:fault2")]
    assert widget[0] == "hei, er dere der?" and len(widget) == 2
    assert not any(tmp_path.iterdir())  # noqa: ASYNC240  (the spool is empty)
    await store.close()
