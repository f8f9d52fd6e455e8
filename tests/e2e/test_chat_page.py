"""The chat page in a real headless Chromium, as a customer uses it."""

from __future__ import annotations

import pytest
from playwright.async_api import async_playwright, expect

from tests.conftest import CHROMIUM_ARGS, RunningStack
from tests.e2e.test_stack import answer

pytestmark = [pytest.mark.stack, pytest.mark.browser]


async def test_customer_types_a_norwegian_greeting_and_sees_the_answer(
    stack: RunningStack, chromium: str
) -> None:
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = await browser.new_page()
        await page.goto(stack.url + "/")
        box = page.get_by_role("textbox")
        await box.fill("hei")
        await box.press("Enter")
        greeting = answer("utter_greet", "nb")
        await expect(page.locator(".svar-msg.bot").last).to_contain_text(greeting, timeout=30_000)
        # Buttons are clickable and lead to an answer.
        buttons = page.locator(".svar-buttons button")
        await expect(buttons.first).to_be_visible()
        await buttons.first.click()
        await expect(page.locator(".svar-msg.bot")).to_have_count(2, timeout=30_000)
        await page.screenshot(path=str(stack.logs / "chat.png"))
        await browser.close()
