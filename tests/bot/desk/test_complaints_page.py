"""The complaints and follow-ups panels in a real headless Chromium, on an in-process front
door and the real Redis: a complaint listed with its deadline, taken, refused with reasons and
answered; a follow-up taken and done. With SVAR_SCREENSHOTS set to a folder, the panels' screenshots
are saved there (docs/desk-complaints.png, docs/desk-follow-ups.png come from this test)."""

from __future__ import annotations

import dataclasses
import os
from datetime import datetime
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient
from playwright.async_api import Browser, Page, expect
from redis.asyncio import Redis

from bot.app import create_app
from core.settings import Settings
from store.agents import Agents
from store.complaints import Complaints, new_complaint
from store.conversations import Conversations
from store.follow_ups import FollowUps
from store.transcripts import Transcripts
from tests.helpers import OSLO, eventually

pytestmark = pytest.mark.browser

PASSWORD = "a long desk password"
TIMEOUT_MS = 20_000
# The desk on Wednesday 25 November at 10:00.
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=OSLO)
MADE = datetime(2026, 11, 24, 10, 0, tzinfo=OSLO)
FRIDAY_CLOSING = datetime(2026, 11, 27, 16, 0, tzinfo=OSLO)
WORDS = "Regningen for oktober er altfor høy. Jeg har vært bortreist hele måneden."


@pytest.fixture
async def desk_url(aiohttp_client, settings: Settings, redis_client: Redis) -> str:  # type: ignore[no-untyped-def]
    await Agents(redis_client).add("kari", "Kari", PASSWORD)
    await Conversations(redis_client).touch("web:klage", "web")
    await Complaints(redis_client).add(
        new_complaint("web:klage", "web", "nb", WORDS, MADE.timestamp(),
                      FRIDAY_CLOSING.timestamp(), topic="invoice_explain")
    )  # fmt: skip
    await FollowUps(redis_client).add(
        conversation_id="web:folg-opp", channel="web", language="en", topic="moving",
        handoff_id="h1", created_at=NOW, due=FRIDAY_CLOSING,
    )  # fmt: skip
    clocked = dataclasses.replace(settings, clock_start=NOW.isoformat())
    client: TestClient = await aiohttp_client(create_app(clocked))
    return str(client.make_url("/desk"))


async def log_in(page: Page, url: str) -> None:
    await page.goto(url)
    await page.fill("#login-username", "kari")
    await page.fill("#login-password", PASSWORD)
    await page.click("#login-submit")
    await expect(page.locator("#desk")).to_be_visible(timeout=TIMEOUT_MS)


async def screenshot(page: Page, name: str) -> None:
    folder = os.environ.get("SVAR_SCREENSHOTS")
    if folder:
        await page.screenshot(path=str(Path(folder) / name), full_page=True)


async def test_an_agent_takes_a_complaint_refuses_it_with_reasons_and_the_customer_gets_it(
    browser: Browser, desk_url: str, redis_client: Redis
) -> None:
    page = await (await browser.new_context(locale="nb-NO", viewport={"width": 1280, "height": 1100})).new_page()  # fmt: skip
    await log_in(page, desk_url)
    complaint = page.locator("#complaints li.complaint")
    await expect(complaint).to_have_count(1, timeout=TIMEOUT_MS)
    await expect(complaint.locator(".case")).to_have_text("Sak K-000001")
    # Friday 16:00 is 2 days and 6 hours after Wednesday 10:00: a little less by the time it shows.
    await expect(complaint.locator(".deadline")).to_have_text("frist om 2 d 5 h")
    await expect(complaint.locator(".complaint-words")).to_have_text(WORDS)
    await expect(page.locator("#complaints-count")).to_have_text("1")
    await expect(page.locator("#follow-ups li.follow-up .case")).to_have_text("Sak O-000001")

    await complaint.get_by_role("button", name="Ta klagen").click()
    form = complaint.locator("form.complaint-form")
    await expect(form).to_be_visible(timeout=TIMEOUT_MS)
    await form.locator("select").select_option("refused")
    await form.locator(".complaint-answer").fill("Vi kan dessverre ikke sette ned regningen.")
    await screenshot(page, "desk-complaints.png")
    await form.get_by_role("button", name="Send svaret").click()
    await expect(page.locator("#toast")).to_have_text("Et nei må ha en grunn. Skriv grunnen.")
    await form.locator(".complaint-reasons").fill("Måleren viser at strømmen ble brukt i oktober.")
    await form.get_by_role("button", name="Send svaret").click()
    await expect(page.locator("#toast")).to_have_text(
        "Svaret i sak K-000001 er sendt: web", timeout=TIMEOUT_MS
    )
    await expect(page.locator("#complaints-empty")).to_be_visible(timeout=TIMEOUT_MS)

    async def answered() -> bool:
        entries = await Transcripts(redis_client).read("web:klage")
        return bool(entries) and entries[-1].text.startswith("Svar på klagen din, sak K-000001:")

    await eventually(answered, 10, "the written answer in the customer's chat")
    follow_up = page.locator("#follow-ups li.follow-up")
    await follow_up.get_by_role("button", name="Ta saken").click()
    await expect(follow_up.get_by_role("button", name="Ferdig")).to_be_visible(timeout=TIMEOUT_MS)
    await follow_up.locator(".callback-note").fill("Ringte kunden, flyttingen er ordnet.")
    await screenshot(page, "desk-follow-ups.png")
    await follow_up.get_by_role("button", name="Ferdig").click()
    await expect(page.locator("#follow-ups-empty")).to_be_visible(timeout=TIMEOUT_MS)
