"""A customer's national IDs, card and account numbers never reach Redis or a log, and one
erase removes everything about them: the whole stack, a real model, a real Redis.

The customer chats in the web chat, complains (a handoff to a person follows), talks with an
agent who writes a note, asks for a callback that an agent tries with a note; on the way the
customer writes a fødselsnummer, a henkilötunnus with a space, a personnummer, a card number
with dots and an IBAN. Then every Redis key and value and every log file is read.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest
from redis.asyncio import Redis

from store import keys
from store.privacy import erase, export
from tests.helpers import ROOT, RunningStack, mentions, post, render_answer, start_stack

pytestmark = pytest.mark.stack

TUESDAY_MORNING = "2026-11-24T10:00:00+01:00"
PASSWORD = "a long desk password"
CUSTOMER = "privacy-kari"
CONVERSATION = f"api:{CUSTOMER}"
# Every number in the forms the customer writes it, and its bare digits.
NUMBERS = {
    "fødselsnummer": ["150765 00565", "15076500565"],
    "henkilötunnus": ["131052 308T", "131052308T"],
    "personnummer": ["811218-9876", "8112189876"],
    "card": ["4111.1111.1111.1111", "4111111111111111"],
    "iban": ["NO93 8601 1117 947", "NO9386011117947", "86011117947"],
}


@pytest.fixture(scope="module")
def morning_stack(
    redis_server: str, trained_model: object, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningStack]:
    logs = tmp_path_factory.mktemp("privacy-logs")
    yield from start_stack(redis_server, 11, logs, {"SVAR_CLOCK": TUESDAY_MORNING})


@pytest.fixture(scope="module")
def desk_agent(morning_stack: RunningStack) -> str:
    """An agent made with the desk's own command, as an administrator makes one."""
    subprocess.run(
        [sys.executable, "-m", "bot.desk.agents", "add", "kari", "--name", "Kari"],
        cwd=ROOT, input=PASSWORD + "\n", text=True, check=True,
        env={**os.environ, "REDIS_URL": morning_stack.redis_url},
    )  # fmt: skip
    return "kari"


async def desk(http: aiohttp.ClientSession, stack: RunningStack) -> dict[str, str]:
    async with http.post(
        f"{stack.url}/desk/api/login", json={"username": "kari", "password": PASSWORD}
    ) as response:
        assert response.status == 200
        token = response.cookies["svar_desk"].value
        return {"Cookie": f"svar_desk={token}", "X-CSRF-Token": (await response.json())["csrf"]}


@pytest.fixture
async def kari_at_desk(morning_stack: RunningStack, desk_agent: str) -> AsyncIterator[None]:
    """Kari with the desk open: online, so the complaint is queued for her."""
    async with aiohttp.ClientSession() as http:
        agent = await desk(http, morning_stack)
        ws_url = morning_stack.url.replace("http", "ws") + "/desk/ws"
        async with http.ws_connect(ws_url, headers={"Cookie": agent["Cookie"]}) as socket:
            await socket.receive_json(timeout=10)  # the snapshot: the desk is open
            yield


async def desk_post(
    http: aiohttp.ClientSession, stack: RunningStack, agent: dict[str, str], path: str, body: dict
) -> dict:  # type: ignore[type-arg]
    async with http.post(stack.url + path, json=body, headers=agent) as response:
        assert response.status == 200, await response.text()
        return await response.json()  # type: ignore[no-any-return]


def numbers_in_logs(logs: Path) -> dict[str, list[str]]:
    """Every log file of the stack, with the numbers found in it in any written form."""
    files = [p for p in logs.rglob("*") if p.is_file() and p.suffix != ".png"]
    return {
        p.name: [
            form
            for forms in NUMBERS.values()
            for form in forms
            if form in p.read_text(encoding="utf-8", errors="replace")
        ]
        for p in files
    }


async def test_no_number_is_kept_anywhere_and_erase_leaves_nothing(
    morning_stack: RunningStack, desk_agent: str, kari_at_desk: None
) -> None:
    stack = morning_stack
    said = [
        f"hei, fødselsnummeret mitt er {NUMBERS['fødselsnummer'][0]}",
        f"og personnummeret mitt i Sverige er {NUMBERS['personnummer'][0]}",
        f"jeg vil klage: kortet {NUMBERS['card'][0]} ble belastet to ganger",
    ]
    for text in said:
        body = await post(stack, CUSTOMER, text)
    assert "klage" in " ".join(m["text"] for m in body["messages"]).lower()
    async with aiohttp.ClientSession() as http:
        agent = await desk(http, stack)
        async with http.get(f"{stack.url}/desk/api/queue", headers=agent) as response:
            (waiting,) = [
                h for h in (await response.json())["waiting"]
                if h["conversation_id"] == CONVERSATION
            ]  # fmt: skip
        handoff = f"/desk/api/handoffs/{waiting['id']}"
        await desk_post(http, stack, agent, f"{handoff}/claim", {})
        await post(stack, CUSTOMER, f"kontoen min er {NUMBERS['iban'][0]}")
        await desk_post(
            http, stack, agent, f"{handoff}/notes",
            {"text": f"kunden oppga hetu {NUMBERS['henkilötunnus'][0]}"},
        )  # fmt: skip
        await desk_post(http, stack, agent, f"{handoff}/close", {"outcome": "follow_up"})
        # Back with the bot, which asks for a rating; then a callback.
        for text in ("4", "kan dere ringe meg?", "Kari Nordmann", "412 34 567"):
            body = await post(stack, CUSTOMER, text)
        if body["messages"][-1]["text"] == render_answer("utter_ask_callback_topic", "nb"):
            body = await post(stack, CUSTOMER, "dobbel belastning")  # the topic, unless known
        assert body["messages"][-1]["text"].startswith(
            render_answer("utter_ask_callback_time_window", "nb")
        )
        any_time = body["messages"][-1]["buttons"][0]
        await post(stack, CUSTOMER, any_time["title"], payload=any_time["payload"])
        async with http.get(f"{stack.url}/desk/api/callbacks", headers=agent) as response:
            (callback,) = [
                c for c in (await response.json())["callbacks"]
                if c["conversation_id"] == CONVERSATION
            ]  # fmt: skip
        path = f"/desk/api/callbacks/{callback['id']}"
        await desk_post(http, stack, agent, f"{path}/take", {})
        await desk_post(
            http, stack, agent, f"{path}/attempts",
            {"reached": False, "note": f"feil kort {NUMBERS['card'][0]} nevnt igjen"},
        )  # fmt: skip

    redis = Redis.from_url(stack.redis_url, decode_responses=True)
    try:
        # The conversation reached every store, Rasa's tracker included ...
        kept = await mentions(redis, CONVERSATION)
        for key in (keys.conversation(CONVERSATION), keys.transcript(CONVERSATION),
                    keys.rasa_tracker(CONVERSATION), keys.handoffs_log(),
                    keys.complaints_log()):  # fmt: skip
            assert key in kept
        for record in (keys.handoff(""), keys.callback(""), keys.complaint("")):
            assert any(key.startswith(record) for key in kept), record
        # ... and no number is in any key or value there, nor in any log file.
        for number in [form for forms in NUMBERS.values() for form in forms]:
            assert await mentions(redis, number) == set(), number
        logged = numbers_in_logs(stack.logs)
        assert set(logged) >= {"frontdoor.log", "rasa.log", "actions.log"}
        assert {name: found for name, found in logged.items() if found} == {}

        exported = await export(redis, CONVERSATION, by="dpo")
        assert kept <= (
            set(exported["records"]) | set(exported["log_entries"]) | set(exported["set_members"])
        )
        text = json.dumps(exported, ensure_ascii=False)
        assert re.search(r"fødselsnummeret mitt er \*{6} \*{5}", text)
        assert "Kari Nordmann" in text and "nevnt igjen" in text
        await erase(redis, CONVERSATION, by="dpo")
        assert await mentions(redis, CONVERSATION) == {keys.privacy_audit()}
    finally:
        await redis.close()
