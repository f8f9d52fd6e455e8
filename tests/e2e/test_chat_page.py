"""The chat page in a real headless Chromium, as a customer uses it."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

from core.clock import system_clock
from store.ops_notices import OpsNotice
from store.stores import Stores
from tests.helpers import GREETING, OSLO, PROFILE, RunningStack, answer, render_answer

pytestmark = [pytest.mark.stack, pytest.mark.browser]

SINCE_NEW_YEAR = datetime(2026, 1, 1, tzinfo=OSLO)


async def test_customer_types_a_norwegian_greeting_and_sees_the_answer(
    stack: RunningStack, browser: Browser
) -> None:
    page = await browser.new_page()
    await page.goto(stack.url + "/")
    box = page.get_by_role("textbox")
    await box.fill("hei")
    await box.press("Enter")
    bot = page.locator(".svar-msg.bot")
    await expect(bot.last).to_contain_text(GREETING["nb"], timeout=30_000)
    # Buttons are clickable and lead to the answer their topic gives.
    buttons = page.locator(".svar-buttons button")
    await expect(buttons.first).to_have_text("Regningen min")
    await buttons.first.click()
    await expect(bot).to_have_count(2, timeout=30_000)
    await expect(bot.last).to_contain_text(answer("utter_invoice_explain", "nb"))
    await page.screenshot(path=str(stack.logs / "chat.png"))


STORED_CHAT = "JSON.parse(localStorage.getItem('svar.chat'))"


async def _stored_chat_other_than(page: Page, chat_id: str) -> dict[str, Any]:
    """The chat the page keeps once it is not `chat_id`, polled from Python:
    `wait_for_function` evaluates its predicate with eval, which the page's
    Content-Security-Policy refuses in newer Chromium builds."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        chat = await page.evaluate(STORED_CHAT)
        if chat and chat["id"] != chat_id:
            return chat
        await asyncio.sleep(0.1)
    raise AssertionError(f"the page still keeps chat {chat_id} (or none) after 30 s")


async def test_the_chat_is_kept_across_a_reload_and_forgotten_when_ended_or_idle(
    stack: RunningStack, browser: Browser
) -> None:
    stored = STORED_CHAT
    page = await browser.new_page()
    await page.goto(stack.url + "/")
    box = page.get_by_role("textbox")
    await box.fill("hei")
    await box.press("Enter")
    await expect(page.locator(".svar-msg.bot")).to_have_count(1, timeout=30_000)
    first = await page.evaluate(stored)
    assert first["id"] and first["token"] and first["idle"] == 24 * 3600

    await page.reload()  # the same conversation, its history shown again
    await expect(page.locator(".svar-msg")).to_have_count(2, timeout=30_000)
    assert (await page.evaluate(stored))["id"] == first["id"]

    await page.get_by_role("button", name="Avslutt").click()  # "End chat"
    await expect(page.locator(".svar-msg")).to_have_count(0)
    second = await _stored_chat_other_than(page, first["id"])

    # A day idle: the next visitor at this computer starts afresh.
    await page.evaluate(
        "s => localStorage.setItem('svar.chat', JSON.stringify(s))",
        {**second, "last": 0},
    )
    await page.reload()
    await _stored_chat_other_than(page, second["id"])
    await expect(page.locator(".svar-msg")).to_have_count(0)


async def test_the_widget_shows_the_notice_while_extra_high_load_is_on(
    stack: RunningStack, browser: Browser
) -> None:
    stores = Stores.connect(stack.redis_url, system_clock, PROFILE.retention)
    page = await browser.new_page()
    try:
        await page.goto(stack.url + "/")
        await expect(page.get_by_role("textbox")).to_be_visible()
        await expect(page.locator(".svar-notice")).to_be_hidden()
        await stores.load.switch(True, "sara", time.time())
        await page.reload()
        notice = page.locator(".svar-notice")
        await expect(notice).to_have_text(
            render_answer("utter_notice_extra_high_load", "nb"), timeout=30_000
        )
        await page.screenshot(path=str(stack.logs / "chat-load-notice.png"))
        # An operations notice a supervisor published shows under it.
        storm = {"nb": "Storm i Arna: vi jobber med linjene.", "en": "Storm in Arna."}
        await stores.ops_notices.publish(
            # From long before the stack's set clock, with no end yet.
            OpsNotice.new(text=storm, postal_codes=(), starts=SINCE_NEW_YEAR, ends=None, by="sara")
        )
        await page.reload()
        await expect(page.locator(".svar-notice")).to_contain_text(storm["nb"], timeout=30_000)
    finally:
        for notice in await stores.ops_notices.all(system_clock()):
            await stores.ops_notices.remove(notice.id)
        await stores.load.switch(False, "sara", time.time())
        await stores.close()
        await page.close()
