"""A small simulated month through the running stack (benchmarks/simulate_month.py): the
insights command and the supervisors' page show exactly the counts the script made, and the
page draws every chart and gives its CSV; a plain agent gets 403."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from playwright.async_api import Browser, expect

from benchmarks.simulate_month import (
    PASSWORD,
    SUPERVISOR,
    Expected,
    Month,
    Script,
    expected,
    log_in,
    workdays,
)
from core.company import CompanyProfile
from store.agents import Agents
from store.stores import client as redis_client
from tests.helpers import ROOT, RunningStack

# A month of customers, some through the desk, on a busy machine.
pytestmark = [pytest.mark.stack, pytest.mark.timeout(900)]

PROFILE = CompanyProfile.load(ROOT / "content" / "company.yml", ROOT)
DAYS = workdays("2026-11", PROFILE, limit=3)  # Monday 2 to Wednesday 4 November 2026
TIMEOUT_MS = 30_000
# Every kind of customer every day; ratings of both sides of the CSAT line. The two who thank
# the bot answer CSAT or, in the NPS sample (a hash of the conversation's id: here Tuesday's
# first), NPS.
DAY_SCRIPT = (
    ("resolved", 4, 9),
    ("resolved", 2, 3),
    ("recontact", None, None),
    ("not_understood", None, None),
    ("handoff", 5, None),
    ("handoff", 2, None),
    ("left_queue", None, None),
    ("left_form", None, None),
    ("not_helped", None, None),
)
SCRIPTS = [
    Script(day, kind, f"month-{day.isoformat()}-{n}", rating, recommend)
    for day in DAYS
    for n, (kind, rating, recommend) in enumerate(DAY_SCRIPT)
]


@pytest.fixture(scope="module")
def month(stack: RunningStack, stack_clock: Path) -> Iterator[tuple[RunningStack, Expected]]:
    """The month driven once through the shared stack, on its own event loop; the stack's
    clock is put back on its Wednesday afterwards."""
    driver = Month(stack.url, stack.redis_url, stack_clock, ZoneInfo(PROFILE.timezone))
    wednesday = stack_clock.read_text()
    try:
        asyncio.run(driver.run(SCRIPTS))
        yield stack, expected(SCRIPTS, driver.asked_nps)
    finally:
        stack_clock.write_text(wednesday)


def _sections(text: str) -> dict[str, list[dict[str, str]]]:
    """The command's `--csv` output: `# name` above each table's CSV."""
    found: dict[str, list[dict[str, str]]] = {}
    for block in text.strip().split("# ")[1:]:
        name, _, body = block.partition("\n")
        found[name] = list(csv.DictReader(io.StringIO(body)))
    return found


def _period() -> str:
    return f"from={DAYS[0].isoformat()}&to={DAYS[-1].isoformat()}"


async def test_the_command_and_the_page_count_the_month_as_the_script_made_it(
    month: tuple[RunningStack, Expected],
) -> None:
    stack, want = month
    # The script's own count of this month, written out: 27 customers, 30 contacts; of the six
    # who thanked the bot, one was asked NPS and five CSAT.
    assert (
        want.contacts, want.contained, want.fcr, want.rated, want.satisfied, want.nps_answered
    ) == (30, 9, 15, 11, 5, 1)  # fmt: skip
    command = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.reports.insights", "--from", str(DAYS[0]),
        "--to", str(DAYS[-1]), "--csv",
        cwd=ROOT, env={**os.environ, "REDIS_URL": stack.redis_url},
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, _ = await asyncio.wait_for(command.communicate(), 120)
    assert command.returncode == 0
    tables = _sections(out.decode())
    per_day = tables["per_day"]
    assert [r["day"] for r in per_day] == [d.isoformat() for d in DAYS]
    assert sum(int(r["contacts"]) for r in per_day) == want.contacts
    assert sum(int(r["contained"]) for r in per_day) == want.contained
    assert sum(int(r["fcr"]) for r in per_day) == want.fcr
    assert {r["outcome"]: int(r["contacts"]) for r in tables["outcomes"]} == want.outcomes
    assert sum(int(r["ratings"]) for r in tables["csat"]) == want.rated
    assert sum(int(r["satisfied"]) for r in tables["csat"]) == want.satisfied
    assert sum(int(r["answers"]) for r in tables["nps"]) == want.nps_answered
    assert {r["reason"]: int(r["handoffs"]) for r in tables["handoff_reasons"]} == {"asked": 9}
    assert {(r["kind"], r["message"], int(r["times"])) for r in tables["misses"]} == {
        ("not_understood", "glorp snabb vrilt frukk", 3),
        ("not_helped", "når har dere åpent?", 3),
    }

    # The page's data: the same tables.
    async with aiohttp.ClientSession() as http:
        headers = await log_in(http, stack.url, SUPERVISOR)
        url = f"{stack.url}/desk/api/insights?{_period()}"
        async with http.get(url, headers=headers) as response:
            assert response.status == 200
            body = await response.json()
    page = {t["name"]: t["rows"] for t in body["tables"]}
    assert page["per_day"] == [
        [r["day"], *(int(r[c]) for c in ("contacts", "bot_resolved", "contained")),
         float(r["containment_pct"]), int(r["fcr"]), float(r["fcr_pct"])]
        for r in per_day
    ]  # fmt: skip
    assert {row[0]: row[1] for row in page["outcomes"]} == want.outcomes


async def test_a_supervisor_sees_every_chart_drawn_and_downloads_a_csv_a_plain_agent_gets_403(
    month: tuple[RunningStack, Expected], browser: Browser
) -> None:
    stack, want = month
    redis = redis_client(stack.redis_url)
    try:
        if await Agents(redis).get("month-kari") is None:
            await Agents(redis).add("month-kari", "Kari", PASSWORD)
    finally:
        await redis.close()
    context = await browser.new_context(locale="nb-NO", accept_downloads=True)
    page = await context.new_page()
    await page.goto(f"{stack.url}/desk")
    await page.fill("#login-username", SUPERVISOR, timeout=TIMEOUT_MS)
    await page.fill("#login-password", PASSWORD)
    await page.click("#login-submit")
    link = page.locator("#insights-link")
    await expect(link).to_be_visible(timeout=TIMEOUT_MS)
    await page.goto(f"{stack.url}/desk/insights?{_period()}")

    cards = page.locator(".insight")
    await expect(cards).to_have_count(11, timeout=TIMEOUT_MS)
    # Every chart is drawn with its figures.
    drawn = page.locator(".insight canvas[data-points]")
    await expect(drawn).to_have_count(11, timeout=TIMEOUT_MS)
    points = await drawn.evaluate_all("nodes => nodes.map(n => Number(n.dataset.points))")
    assert all(n > 0 for n in points), points
    outcomes = page.locator('.insight[data-table="outcomes"] tbody tr')
    shown = {
        (await row.locator("td").nth(0).get_attribute("data-value")): (
            await row.locator("td").nth(0).inner_text(),
            int(await row.locator("td").nth(1).inner_text()),
        )
        for row in await outcomes.all()
    }
    assert {code: count for code, (_, count) in shown.items()} == want.outcomes
    # Each outcome in words, in the desk's language.
    assert shown["bot_resolved"][0] == "Løst av boten"
    assert shown["handed_off:resolved"][0] == "Løst av en person"

    async with page.expect_download() as downloading:
        await page.locator('.insight[data-table="per_day"] a.csv').click()
    download = await downloading.value
    saved = await asyncio.to_thread(Path(await download.path()).read_text)
    rows = list(csv.DictReader(io.StringIO(saved)))
    assert sum(int(r["contacts"]) for r in rows) == want.contacts

    agent = await (await browser.new_context()).new_page()
    await agent.goto(f"{stack.url}/desk")
    await agent.fill("#login-username", "month-kari", timeout=TIMEOUT_MS)
    await agent.fill("#login-password", PASSWORD)
    await agent.click("#login-submit")
    await expect(agent.locator("#me")).to_have_text("Kari", timeout=TIMEOUT_MS)
    await expect(agent.locator("#insights-link")).to_be_hidden()
    refused = await agent.goto(f"{stack.url}/desk/insights")
    assert refused is not None and refused.status == 403
    await context.close()
