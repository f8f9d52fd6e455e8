"""A customer asks for a callback on a Friday evening before Whit Monday (the clock is set for
the whole stack), and gets Tuesday's promise, in Norwegian and in English; the promise is in
Redis, in the promise-kept report and in the agent desk."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import redis.asyncio as aioredis
from playwright.async_api import async_playwright, expect

from store.callbacks import Callback, Callbacks
from tests.helpers import (
    CHROMIUM_ARGS,
    GRID_COMPANY,
    GRID_PHONE,
    ROOT,
    RunningStack,
    post,
    render_answer,
    start_stack,
    texts,
)

pytestmark = pytest.mark.stack

FRIDAY_EVENING = "2026-05-22T20:00:00+02:00"  # Whit Monday is 25 May 2026
OSLO = ZoneInfo("Europe/Oslo")
PROMISED = datetime(2026, 5, 26, 16, 0, tzinfo=OSLO)
ASKS = [
    "utter_ask_callback_name",
    "utter_ask_callback_phone",
    "utter_ask_callback_topic",
    "utter_ask_callback_time_window",
]
# The promise as the customer reads it, in each language.
PROMISE = {
    "nb": "Takk! Vi ringer deg på 41 23 45 67 innen tirsdag 26. mai kl. 16.00.",
    "en": "Thank you! We'll call you on 98 76 54 32 by Tuesday 26 May at 16:00.",
}
CUSTOMERS = {
    "nb": ["er det mulig at dere ringer meg opp?", "Kari Nordmann", "412 34 567", "flytting til ny leilighet"],
    "en": ["could someone from your team phone me?", "John Smith", "+47 98765432", "moving house next month"],
}  # fmt: skip


@pytest.fixture(scope="module")
def friday_stack(
    redis_server: str, trained_model: object, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningStack]:
    logs = tmp_path_factory.mktemp("friday-logs")
    yield from start_stack(redis_server, 12, logs, {"SVAR_CLOCK": FRIDAY_EVENING})


async def ask_for_callback(stack: RunningStack, language: str) -> tuple[str, list[dict[str, Any]]]:
    """Chat through the callback form as a customer; the conversation id and the last replies."""
    turns = CUSTOMERS[language]
    sender = f"cb-{language}-{uuid.uuid4().hex[:8]}"
    for turn, ask in zip(turns, ASKS, strict=True):
        body = await post(stack, sender, turn)
        assert body["language"] == language
        assert body["messages"][-1]["text"] == render_answer(ask, language)
    any_time = body["messages"][-1]["buttons"][0]
    body = await post(stack, sender, any_time["title"], payload=any_time["payload"])
    return f"api:{sender}", body["messages"]


async def pending_for(stack: RunningStack, conversation_id: str) -> list[Callback]:
    client = aioredis.Redis.from_url(stack.redis_url, decode_responses=True)
    try:
        return [
            c for c in await Callbacks(client).pending() if c.conversation_id == conversation_id
        ]
    finally:
        await client.close()


@pytest.mark.parametrize("language", ["nb", "en"])
async def test_friday_evening_callback_is_promised_for_tuesday_and_recorded(
    friday_stack: RunningStack, language: str
) -> None:
    conversation_id, replies = await ask_for_callback(friday_stack, language)
    turns = CUSTOMERS[language]
    [promise] = [m["text"] for m in replies]
    assert promise.startswith(PROMISE[language]), promise
    [callback] = await pending_for(friday_stack, conversation_id)
    assert callback.name == turns[1]
    assert callback.deadline == PROMISED.timestamp()
    assert callback.time_window == "any" and callback.language == language


@pytest.mark.parametrize(
    ("language", "asks", "on_call"),
    [
        # A supplier gives the grid company's number, which answers day and night.
        (
            "nb",
            "kan jeg få snakke med et menneske?",
            f"Ring {GRID_COMPANY}, som eier strømnettet, på {GRID_PHONE}.",
        ),
        (
            "en",
            "could I chat with an actual person instead?",
            f"Call {GRID_COMPANY}, which owns the power lines, on {GRID_PHONE}.",
        ),
    ],
)
async def test_asking_for_a_person_when_closed_offers_a_callback_and_gives_the_on_call_number(
    friday_stack: RunningStack, language: str, asks: str, on_call: str
) -> None:
    body = await post(friday_stack, f"closed-{language}", asks)
    [offer] = texts(body)
    assert on_call in offer, offer
    assert body["messages"][0]["buttons"][0]["payload"] == "/request_callback"


async def test_promise_kept_report_counts_a_friday_callback(friday_stack: RunningStack) -> None:
    env = {**os.environ, "REDIS_URL": friday_stack.redis_url, "SVAR_CLOCK": FRIDAY_EVENING}
    command = [
        sys.executable,
        "-m",
        "bot.reports.callbacks",
        "--from",
        "2026-05-01",
        "--to",
        "2026-05-31",
    ]
    before = _not_yet_due(await _report(command, env))
    await ask_for_callback(friday_stack, "nb")
    assert _not_yet_due(await _report(command, env)) == before + 1


@pytest.fixture
def desk_agent(friday_stack: RunningStack) -> str:
    """An agent made with the desk's own command, as an administrator makes one."""
    subprocess.run(
        [sys.executable, "-m", "bot.desk.agents", "add", "kari", "--name", "Kari"],
        cwd=ROOT, input="a long desk password\n", text=True, check=True,
        env={**os.environ, "REDIS_URL": friday_stack.redis_url},
    )  # fmt: skip
    return "kari"


async def test_the_callback_appears_in_the_desk_and_an_overdue_one_stands_out(
    friday_stack: RunningStack, desk_agent: str, chromium: str
) -> None:
    conversation_id, _ = await ask_for_callback(friday_stack, "nb")
    [fresh] = await pending_for(friday_stack, conversation_id)
    overdue = Callback.new(
        conversation_id="web:old", channel="web", language="nb", name="Per Overdue",
        phone="+4790000000", topic="invoice_missing", time_window="any",
        requested_at=datetime(2026, 5, 20, 9, 0, tzinfo=OSLO),
        deadline=datetime(2026, 5, 21, 16, 0, tzinfo=OSLO),
    )  # fmt: skip
    client = aioredis.Redis.from_url(friday_stack.redis_url, decode_responses=True)
    try:
        await Callbacks(client).add(overdue)
    finally:
        await client.close()

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = await browser.new_page(locale="nb-NO")
        await page.goto(friday_stack.url + "/desk")
        await page.locator("#login-username").fill(desk_agent)
        await page.locator("#login-password").fill("a long desk password")
        await page.locator("#login-submit").click()
        late = page.locator(f'#callbacks li[data-id="{overdue.id}"]')
        ours = page.locator(f'#callbacks li[data-id="{fresh.id}"]')
        await expect(late).to_have_class(re.compile(r"\boverdue\b"), timeout=30_000)
        await expect(page.locator("#callbacks li").first).to_have_attribute("data-id", overdue.id)
        await expect(ours).to_contain_text("Kari Nordmann")
        await expect(ours).to_contain_text("frist om 3 d")
        await expect(ours).not_to_have_class(re.compile(r"\boverdue\b"))
        await page.screenshot(path=str(friday_stack.logs / "desk-callbacks.png"), full_page=True)
        # A call that does not get through is noted, and the note waits for the next caller.
        await ours.get_by_role("button", name="Ring").click()
        await ours.get_by_label("Notat om samtalen").fill("Ingen svar, prøv etter lunsj")
        await ours.get_by_role("button", name="Ikke svar").click()
        await expect(ours).to_contain_text(
            "Sist (kari): Ingen svar, prøv etter lunsj", timeout=30_000
        )
        await expect(ours).to_contain_text("1 forsøk")
        await expect(ours.get_by_role("button", name="Ring")).to_be_visible()
        await late.get_by_role("button", name="Ring").click()
        await late.get_by_role("button", name="Nådd").click()
        await expect(late).to_have_count(0, timeout=30_000)
        await browser.close()


async def _report(command: list[str], env: dict[str, str]) -> str:
    process = await asyncio.create_subprocess_exec(
        *command, cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await process.communicate()
    assert process.returncode == 0
    return out.decode()


def _not_yet_due(report: str) -> int:
    match = re.search(r"not yet due:\s+(\d+)", report)
    assert match, report
    return int(match.group(1))
