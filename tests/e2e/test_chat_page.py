"""The chat page in a real headless Chromium, as a customer uses it."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from tests.helpers import GREETING, RunningStack, answer

pytestmark = [pytest.mark.stack, pytest.mark.browser]


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
