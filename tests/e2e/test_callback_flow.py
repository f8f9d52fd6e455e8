"""A customer asks for a callback on a Friday evening before Whit Monday (the clock is set for
the whole stack), and gets Tuesday's promise, in Norwegian and in English."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import redis.asyncio as aioredis
from playwright.async_api import async_playwright, expect

from bot.store.callbacks import Callback, Callbacks
from tests.conftest import CHROMIUM_ARGS, ROOT, RunningStack, start_stack
from tests.e2e.test_stack import LOCALES, post, render_answer

pytestmark = pytest.mark.stack

FRIDAY_EVENING = "2026-05-22T20:00:00+02:00"  # Whit Monday is 25 May 2026
PROMISED = datetime(2026, 5, 26, 16, 0, tzinfo=ZoneInfo("Europe/Oslo"))


@pytest.fixture(scope="module")
def friday_stack(
    redis_server: str, trained_model: object, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningStack]:
    logs = tmp_path_factory.mktemp("friday-logs")
    yield from start_stack(redis_server, 12, logs, {"SVAR_CLOCK": FRIDAY_EVENING})


@pytest.mark.parametrize(
    ("language", "turns", "phone_shown"),
    [
        (
            "nb",
            ["kan dere ringe meg?", "Kari Nordmann", "412 34 567", "flytting til ny leilighet"],
            "41 23 45 67",
        ),
        (
            "en",
            [
                "can you call me back please",
                "John Smith",
                "+47 98765432",
                "moving house next month",
            ],
            "98 76 54 32",
        ),
    ],
)
async def test_friday_evening_callback_is_promised_for_tuesday_and_recorded(
    friday_stack: RunningStack, language: str, turns: list[str], phone_shown: str
) -> None:
    sender = f"cb-{language}"
    asks = [
        "utter_ask_callback_name",
        "utter_ask_callback_phone",
        "utter_ask_callback_topic",
        "utter_ask_callback_time_window",
    ]
    for turn, ask in zip(turns, asks, strict=True):
        body = await post(friday_stack, sender, turn)
        assert body["language"] == language
        assert body["messages"][-1]["text"] == render_answer(ask, language)
    any_time = body["messages"][-1]["buttons"][0]
    body = await post(friday_stack, sender, any_time["title"], payload=any_time["payload"])
    deadline_text = LOCALES[language].date_time(PROMISED)
    assert [m["text"] for m in body["messages"]] == [
        render_answer(
            "utter_callback_confirmed", language, phone=phone_shown, deadline=deadline_text
        )
    ]

    client = aioredis.Redis.from_url(friday_stack.redis_url, decode_responses=True)
    try:
        pending = [
            c for c in await Callbacks(client).pending() if c.conversation_id == f"web:{sender}"
        ]
    finally:
        await client.close()
    assert len(pending) == 1
    callback = pending[0]
    assert callback.name == turns[1]
    assert callback.deadline == PROMISED.timestamp()
    assert callback.time_window == "any" and callback.language == language


def test_promise_kept_report_counts_the_friday_callbacks(friday_stack: RunningStack) -> None:
    env = {**os.environ, "REDIS_URL": friday_stack.redis_url, "SVAR_CLOCK": FRIDAY_EVENING}
    result = subprocess.run(
        [sys.executable, "-m", "bot.callback_report", "--from", "2026-05-01", "--to", "2026-05-31"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "not yet due:         2" in result.stdout, result.stdout


@pytest.fixture
def desk_agent(friday_stack: RunningStack) -> str:
    """An agent made with the desk's own command, as an administrator makes one."""
    subprocess.run(
        [sys.executable, "-m", "bot.desk.agents", "add", "kari", "--name", "Kari"],
        cwd=ROOT, input="a long desk password\n", text=True, check=True,
        env={**os.environ, "REDIS_URL": friday_stack.redis_url},
    )  # fmt: skip
    return "kari"


async def test_the_callbacks_appear_in_the_desk_and_an_overdue_one_stands_out(
    friday_stack: RunningStack, desk_agent: str, chromium: str
) -> None:
    client = aioredis.Redis.from_url(friday_stack.redis_url, decode_responses=True)
    try:
        overdue = Callback.new(
            conversation_id="web:old", channel="web", language="nb", name="Per Overdue",
            phone="+4790000000", topic="invoice_missing", time_window="any",
            requested_at=datetime(2026, 5, 20, 9, 0, tzinfo=ZoneInfo("Europe/Oslo")),
            deadline=datetime(2026, 5, 21, 16, 0, tzinfo=ZoneInfo("Europe/Oslo")),
        )  # fmt: skip
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
        callbacks = page.locator("#callbacks li")
        await expect(callbacks).to_have_count(3, timeout=30_000)
        await expect(callbacks.first).to_contain_text("Per Overdue")
        await expect(callbacks.first).to_have_class(re.compile(r"\boverdue\b"))
        await expect(callbacks.nth(1)).to_contain_text("Kari Nordmann")
        await expect(callbacks.nth(1)).not_to_have_class(re.compile(r"\boverdue\b"))
        await expect(callbacks.nth(1)).to_contain_text("frist om")
        await page.screenshot(path=str(friday_stack.logs / "desk-callbacks.png"), full_page=True)
        await callbacks.first.get_by_role("button", name="Ring").click()
        await expect(callbacks.first.get_by_role("button", name="Nådd")).to_be_visible()
        await callbacks.first.get_by_role("button", name="Nådd").click()
        await expect(callbacks).to_have_count(2, timeout=30_000)
        await browser.close()
