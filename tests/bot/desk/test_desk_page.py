"""The desk page in a real headless Chromium, on an in-process front door and the real Redis:
every text comes from content/locale.yml, in the agent's language (Rasa is not needed)."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient
from playwright.async_api import Browser, Page, expect
from redis.asyncio import Redis

from bot.app import create_app
from core.settings import Settings
from store.agents import Agents
from store.conversations import Conversations
from store.handoffs import Handoffs
from tests.helpers import make_card

pytestmark = pytest.mark.browser

PASSWORD = "a long desk password"
TIMEOUT_MS = 20_000
NORWEGIAN = {
    "title": "Svar – kundebehandler",
    "log_in": "Logg inn",
    "pick_one": "Velg en chat fra listen til venstre.",
    "waiting": "Venter",
    "reason": "Ba om en person",
    "place": "Plass 1",
    "meta": "Grunn: Ba om en person · Kanal: web · Språk: nb",
    "context": "Kontekstkort",
    "claim": "Ta chatten",
    "callbacks": "Ring tilbake",
    "no_callbacks": "Ingen venter på å bli ringt.",
}
ENGLISH = {
    "title": "Svar – agent desk",
    "log_in": "Log in",
    "pick_one": "Pick a chat from the list on the left.",
    "waiting": "Waiting",
    "reason": "Asked for a person",
    "place": "Place 1",
    "meta": "Reason: Asked for a person · Channel: web · Language: nb",
    "context": "Context card",
    "claim": "Take this chat",
    "callbacks": "Call back",
    "no_callbacks": "Nobody is waiting for a call.",
}
# The card is written when the customer is queued, in the company's first language.
SUMMARY = "Kunden ba om å få snakke med en person. Tema: ukjent."


@pytest.fixture
async def desk_url(aiohttp_client, settings: Settings, redis_client: Redis) -> str:  # type: ignore[no-untyped-def]
    await Agents(redis_client).add("kari", "Kari", PASSWORD)
    await Conversations(redis_client).touch("web:page", "web")
    await Handoffs(redis_client).enqueue(make_card("web:page"))
    client: TestClient = await aiohttp_client(create_app(settings))
    return str(client.make_url("/desk"))


async def log_in(page: Page, url: str, texts: dict[str, str]) -> None:
    await page.goto(url)
    await expect(page.locator("#login h1")).to_have_text(texts["title"], timeout=TIMEOUT_MS)
    await expect(page.locator("#login-submit")).to_have_text(texts["log_in"])
    await page.fill("#login-username", "kari")
    await page.fill("#login-password", PASSWORD)
    await page.click("#login-submit")
    await expect(page.locator("#desk")).to_be_visible(timeout=TIMEOUT_MS)


async def shows(page: Page, texts: dict[str, str], language: str) -> None:
    """The desk, logged in, with the waiting card opened, all in one language."""
    await expect(page.locator("html")).to_have_attribute("lang", language)
    await expect(page.locator("#nothing-selected")).to_have_text(texts["pick_one"])
    await expect(page.locator(".lists h2").first).to_contain_text(texts["waiting"])
    await expect(page.locator("#callbacks-empty")).to_have_text(
        texts["no_callbacks"], timeout=TIMEOUT_MS
    )
    await expect(page.locator(".lists h2").nth(3)).to_contain_text(texts["callbacks"])
    chat = page.locator("#waiting .chat-item").first
    await expect(chat).to_contain_text(texts["reason"], timeout=TIMEOUT_MS)
    await expect(chat).to_contain_text(texts["place"])
    await chat.click()
    await expect(page.locator("#chat-meta")).to_contain_text(texts["meta"], timeout=TIMEOUT_MS)
    await expect(page.locator("#card summary")).to_have_text(texts["context"])
    await expect(page.locator("#claim")).to_have_text(texts["claim"])
    await expect(page.locator("#summary-1")).to_have_text(SUMMARY)
    assert (await page.title()).endswith(texts["title"])


@pytest.mark.parametrize(
    ("browser_locale", "language", "texts"),
    [("nb-NO", "nb", NORWEGIAN), ("en-US", "en", ENGLISH), ("de-DE", "nb", NORWEGIAN)],
)
async def test_the_desk_speaks_the_browsers_language_or_the_companys_first(
    desk_url: str, browser: Browser, browser_locale: str, language: str, texts: dict[str, str]
) -> None:
    page = await (await browser.new_context(locale=browser_locale)).new_page()
    await log_in(page, desk_url, texts)
    await shows(page, texts, language)


async def test_the_agent_switches_the_desk_to_another_language_and_it_stays(
    desk_url: str, browser: Browser
) -> None:
    page = await (await browser.new_context(locale="nb-NO")).new_page()
    await log_in(page, desk_url, NORWEGIAN)
    switch = page.locator("#desk-language")
    await expect(switch).to_be_visible()
    await expect(switch.locator("option")).to_have_text(["Norsk", "English", "Svenska", "Suomi"])
    await switch.select_option(label="English")
    await expect(page.locator("#desk")).to_be_visible(timeout=TIMEOUT_MS)  # still logged in
    await shows(page, ENGLISH, "en")
    await page.goto(desk_url)  # the pick is kept in this browser
    await expect(page.locator("#desk")).to_be_visible(timeout=TIMEOUT_MS)
    await expect(page.locator("#nothing-selected")).to_have_text(ENGLISH["pick_one"])
