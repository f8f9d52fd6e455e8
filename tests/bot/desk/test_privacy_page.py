"""The supervisors' personal-data panel in a real headless Chromium, on an in-process front door
and the real Redis: a supervisor downloads and erases a conversation; other agents never see it."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient
from playwright.async_api import Browser, Page, expect
from redis.asyncio import Redis

from bot.app import create_app
from core.clock import system_clock
from core.settings import Settings
from store import keys
from store.agents import Agents
from store.stores import Stores
from tests.helpers import RETENTION, keep_everything_about, make_card, mentions

pytestmark = pytest.mark.browser

PASSWORD = "a long desk password"
TIMEOUT_MS = 20_000
CONVERSATION = "web:page"


@pytest.fixture
async def desk_url(aiohttp_client, settings: Settings, redis_client: Redis) -> str:  # type: ignore[no-untyped-def]
    await Agents(redis_client).add("sara", "Sara", PASSWORD, supervisor=True)
    await Agents(redis_client).add("kari", "Kari", PASSWORD)
    stores = Stores.over(redis_client, system_clock, RETENTION)
    await keep_everything_about(stores, CONVERSATION)
    # A second handoff, still waiting, so that the chat is on the desk to open.
    await stores.handoffs.enqueue(make_card(CONVERSATION))
    await keep_everything_about(stores, "web:other")
    client: TestClient = await aiohttp_client(create_app(settings))
    return str(client.make_url("/desk"))


async def log_in(browser: Browser, url: str, username: str) -> Page:
    page = await (await browser.new_context(locale="nb-NO", accept_downloads=True)).new_page()
    await page.goto(url)
    await page.fill("#login-username", username, timeout=TIMEOUT_MS)
    await page.fill("#login-password", PASSWORD)
    await page.click("#login-submit")
    await expect(page.locator("#me")).to_have_text(username.title(), timeout=TIMEOUT_MS)
    return page


async def test_a_supervisor_downloads_and_erases_the_open_chats_conversation(
    desk_url: str, browser: Browser, redis_client: Redis
) -> None:
    page = await log_in(browser, desk_url, "sara")
    panel = page.locator("#privacy")
    await expect(panel).to_be_visible(timeout=TIMEOUT_MS)
    await expect(panel.locator("h2")).to_have_text("Personopplysninger")
    await page.locator("#waiting .chat-item").first.click(timeout=TIMEOUT_MS)
    await expect(page.locator("#privacy-conversation")).to_have_value(CONVERSATION)

    async with page.expect_download(timeout=TIMEOUT_MS) as download_info:
        await page.click("#privacy-download")
    download = await download_info.value
    assert download.suggested_filename == "svar-web-page.json"
    saved = Path(await download.path())
    exported = json.loads(await asyncio.to_thread(saved.read_text, encoding="utf-8"))
    assert exported["conversation_id"] == CONVERSATION
    assert keys.transcript(CONVERSATION) in exported["records"]
    assert "Kari Nordmann" in json.dumps(exported, ensure_ascii=False)
    await expect(page.locator("#privacy-result")).to_contain_text("Lastet ned web:page:")

    await page.click("#privacy-erase")
    confirm = page.locator("#privacy-confirm")
    await expect(confirm).to_be_visible()
    await expect(confirm.locator("p")).to_have_text(
        "Slette alt vi har om web:page? Det kan ikke angres."
    )
    await page.click("#privacy-erase-no")  # changed their mind: nothing happens
    await expect(confirm).to_be_hidden()
    assert keys.transcript(CONVERSATION) in await mentions(redis_client, CONVERSATION)

    await page.click("#privacy-erase")
    await page.click("#privacy-erase-yes")
    await expect(page.locator("#privacy-result")).to_have_text(
        re.compile(r"^Slettet web:page: \d+ oppføringer og \d+ logglinjer\.$"),
        timeout=TIMEOUT_MS,
    )
    assert await mentions(redis_client, CONVERSATION) == {keys.privacy_audit()}
    assert keys.transcript("web:other") in await mentions(redis_client, "web:other")


async def test_an_ordinary_agent_does_not_see_the_panel(desk_url: str, browser: Browser) -> None:
    page = await log_in(browser, desk_url, "kari")
    await expect(page.locator("#waiting .chat-item").first).to_be_visible(timeout=TIMEOUT_MS)
    await expect(page.locator("#privacy")).to_be_hidden()
    await expect(page.locator("#privacy-download")).not_to_be_visible()
