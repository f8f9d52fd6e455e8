"""A simulated month through the real running stack, and what the insights make of it.

Scripted customers write through `POST /api/messages` on the workdays of a month, with the
stack's clock moved to each one (`SVAR_CLOCK=file:PATH`, core/clock.py): some are answered by
the bot (and say it helped, thank it and answer the question that ends the contact: CSAT, or
NPS when their conversation is in the sample), some come back about the same thing the same
afternoon, some say the answer did not help, some are not understood, some ask for a person (an
agent at the desk takes and solves the chat, and the customer rates it), some leave the queue or
a form half-way. The script counts what each contact must be on its
own, then prints those figures beside the insights' (bot/reports/insights.py), which must be
the same:

    SVAR_CLOCK=file:/tmp/svar-clock SVAR_LIMIT_NEW_CONVERSATIONS_PER_IP=100000/hour \\
      SVAR_LIMIT_MESSAGES_PER_IP=100000/minute SVAR_LIMIT_HANDOFFS_PER_CLIENT=100000/day make run
    .venv/bin/python -m benchmarks.simulate_month --url http://127.0.0.1:8080 \\
      --clock-file /tmp/svar-clock --month 2026-11 [--per-day 12] [--seed 15]

It flushes nothing, but adds an agent `sim-agent` and a supervisor `sim-supervisor`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp

from bot.reports.insights import Table, gather
from core.clock import system_clock
from core.company import CompanyProfile
from core.settings import Settings
from store.agents import Agents
from store.handoffs import Handoffs
from store.stores import Stores
from store.stores import client as redis_client

ROOT = Path(__file__).resolve().parent.parent
AGENT, SUPERVISOR, PASSWORD = "sim-agent", "sim-supervisor", "simulated month password"
KINDS = (
    "resolved",
    "recontact",
    "not_helped",
    "not_understood",
    "handoff",
    "left_queue",
    "left_form",
)
# The share of each kind of customer in the month: most are answered by the bot.
WEIGHTS = (0.4, 0.1, 0.05, 0.1, 0.15, 0.1, 0.1)
ASK = "når har dere åpent?"  # the opening hours: the bot answers it without a doubt
PERSON = "jeg vil snakke med en person"
CALL_ME = "kan dere ringe meg?"
NOT_UNDERSTOOD = "glorp snabb vrilt frukk"
LEAVE_QUEUE = "glem det"
HELPED, NOT_HELPED, THANKS = "ja", "nei", "takk for hjelpen"
NPS_SCALE = 11  # the NPS question's buttons, 0 to 10; CSAT has 5
FIRST_HOUR, SECOND_CONTACT = clock_time(9), clock_time(15)  # a recontact comes back at 15.00
MINUTES_APART = 5


@dataclass(frozen=True)
class Script:
    day: date
    kind: str
    sender: str
    rating: int | None = None  # CSAT, 1-5: a customer handed to a person, or one who thanks
    recommend: int | None = None  # NPS, 0-10: what one who thanks says when asked that


@dataclass(frozen=True)
class Expected:
    """The month's figures as the scripts make them, counted without the insights' code."""

    contacts: int
    outcomes: dict[str, int]
    contained: int
    fcr: int
    recontacted: int
    rated: int
    satisfied: int  # ratings of 4 or 5
    nps_answered: int


def plan(days: list[date], per_day: int, seed: int) -> list[Script]:
    rng = random.Random(seed)
    scripts = []
    for day in days:
        for n in range(per_day):
            kind = rng.choices(KINDS, WEIGHTS)[0]
            rating = rng.randint(1, 5) if kind in ("handoff", "resolved") else None
            recommend = rng.randint(0, 10) if kind == "resolved" else None
            scripts.append(Script(day, kind, f"sim-{day.isoformat()}-{n}", rating, recommend))
    return scripts


def expected(scripts: list[Script], asked_nps: set[str]) -> Expected:
    """The figures the scripts make, given which of those who thanked were asked NPS (the
    rest were asked CSAT)."""
    outcomes: Counter[str] = Counter()
    contained = fcr = recontacted = 0
    for script in scripts:
        if script.kind == "resolved":
            outcomes["bot_resolved"] += 1
            contained, fcr = contained + 1, fcr + 1
        elif script.kind == "recontact":  # the first is not contained, the second is
            outcomes["bot_resolved"] += 2
            contained, fcr, recontacted = contained + 1, fcr + 1, recontacted + 1
        elif script.kind == "not_helped":
            outcomes["not_helped"] += 1
        elif script.kind == "not_understood":
            outcomes["not_understood"] += 1
        elif script.kind == "handoff":
            outcomes["handed_off:resolved"] += 1
            fcr += 1
        else:
            outcomes["abandoned"] += 1
    ratings = [s.rating for s in scripts if s.rating is not None and s.sender not in asked_nps]
    return Expected(
        contacts=sum(outcomes.values()),
        outcomes=dict(outcomes),
        contained=contained,
        fcr=fcr,
        recontacted=recontacted,
        rated=len(ratings),
        satisfied=sum(r >= 4 for r in ratings),
        nps_answered=sum(s.sender in asked_nps for s in scripts),
    )


class Month:
    """Drives the scripts through a running stack, moving its clock."""

    def __init__(self, url: str, redis_url: str, clock_file: Path, zone: ZoneInfo) -> None:
        self.url, self.redis_url, self.clock_file, self.zone = url, redis_url, clock_file, zone
        self.asked_nps: set[str] = set()  # the senders whose thanks got the NPS question

    def set_clock(self, day: date, at: clock_time, minutes: int = 0) -> None:
        moment = datetime.combine(day, at, self.zone) + timedelta(minutes=minutes)
        self.clock_file.write_text(moment.isoformat())
        stat = self.clock_file.stat()  # a rewrite within the file system's tick still counts
        os.utime(self.clock_file, ns=(stat.st_atime_ns, time.time_ns()))

    async def run(self, scripts: list[Script]) -> None:
        redis = redis_client(self.redis_url)
        agents = Agents(redis)
        for username, supervisor in ((AGENT, False), (SUPERVISOR, True)):
            if await agents.get(username) is None:
                await agents.add(username, username, PASSWORD, supervisor=supervisor)
        try:
            async with aiohttp.ClientSession() as customer, aiohttp.ClientSession() as desk:
                headers = await self._log_in(desk)
                # The agent counts as at the desk only while a desk socket is open.
                socket = await desk.ws_connect(
                    f"{self.url.replace('http', 'ws', 1)}/desk/ws",
                    headers={"Cookie": headers["Cookie"]},
                )
                reading = asyncio.create_task(_drain(socket))
                try:
                    await self._days(customer, desk, headers, Handoffs(redis), scripts)
                finally:
                    reading.cancel()
                    await socket.close()
                    await self._presence(desk, headers, "offline")  # takes no one else's chats
        finally:
            await redis.close()

    async def _days(
        self,
        customer: aiohttp.ClientSession,
        desk: aiohttp.ClientSession,
        headers: dict[str, str],
        handoffs: Handoffs,
        scripts: list[Script],
    ) -> None:
        for day in sorted({s.day for s in scripts}):
            today = [s for s in scripts if s.day == day]
            for n, script in enumerate(today):
                self.set_clock(day, FIRST_HOUR, n * MINUTES_APART)
                await self._first_contact(customer, desk, headers, handoffs, script)
            for n, script in enumerate(s for s in today if s.kind == "recontact"):
                self.set_clock(day, SECOND_CONTACT, n * MINUTES_APART)
                await self._say(customer, script.sender, ASK)

    async def _log_in(self, desk: aiohttp.ClientSession) -> dict[str, str]:
        """The agent's session cookie and CSRF token, with the agent online."""
        headers = await log_in(desk, self.url, AGENT)
        await self._presence(desk, headers, "online")
        return headers

    async def _presence(
        self, desk: aiohttp.ClientSession, headers: dict[str, str], status: str
    ) -> None:
        body = {"status": status}
        async with desk.post(f"{self.url}/desk/api/presence", json=body, headers=headers) as answer:
            answer.raise_for_status()

    async def _first_contact(
        self,
        customer: aiohttp.ClientSession,
        desk: aiohttp.ClientSession,
        headers: dict[str, str],
        handoffs: Handoffs,
        script: Script,
    ) -> None:

        async def say(text: str) -> list[dict[str, Any]]:
            return await self._say(customer, script.sender, text)

        if script.kind == "resolved":
            await say(ASK)
            await say(HELPED)
            end = await say(THANKS)
            if any(len(m["buttons"]) == NPS_SCALE for m in end):
                self.asked_nps.add(script.sender)
                await say(str(script.recommend))
            else:
                await say(str(script.rating))
        elif script.kind == "recontact":
            await say(ASK)
        elif script.kind == "not_helped":
            await say(ASK)
            await say(NOT_HELPED)
        elif script.kind == "not_understood":
            await say(NOT_UNDERSTOOD)
        elif script.kind == "left_form":
            await say(CALL_ME)  # the bot asks for a name; the customer is gone
        else:
            await say(PERSON)
            queued = await handoffs.latest_for(f"api:{script.sender}")
            if queued is None:
                raise SystemExit(f"{script.sender} was not queued: is the desk open?")
            if script.kind == "left_queue":
                await say(LEAVE_QUEUE)
                return
            base = f"{self.url}/desk/api/handoffs/{queued.id}"
            async with desk.post(f"{base}/claim", headers=headers) as response:
                response.raise_for_status()
            close = {"outcome": "resolved"}
            async with desk.post(f"{base}/close", json=close, headers=headers) as response:
                response.raise_for_status()
            await say(str(script.rating))

    async def _say(
        self, http: aiohttp.ClientSession, sender: str, text: str
    ) -> list[dict[str, Any]]:
        """The bot's replies to one message."""
        body = {"sender": sender, "text": text}
        async with http.post(f"{self.url}/api/messages", json=body) as response:
            response.raise_for_status()
            messages: list[dict[str, Any]] = (await response.json())["messages"]
            return messages


async def log_in(http: aiohttp.ClientSession, url: str, username: str) -> dict[str, str]:
    """Log a desk user in: the headers every desk request sends (the cookie by hand, as a
    client's cookie jar keeps none for an IP address)."""
    body = {"username": username, "password": PASSWORD}
    async with http.post(f"{url}/desk/api/login", json=body) as response:
        response.raise_for_status()
        token = response.cookies["svar_desk"].value
        return {"Cookie": f"svar_desk={token}", "X-CSRF-Token": (await response.json())["csrf"]}


async def _drain(socket: aiohttp.ClientWebSocketResponse) -> None:
    """Read the desk's events (and answer its heartbeat) until the socket closes."""
    async for _ in socket:
        pass


def workdays(month: str, profile: CompanyProfile, limit: int | None = None) -> list[date]:
    first = date.fromisoformat(f"{month}-01")
    calendar = profile.calendar()
    days = [
        first + timedelta(days=n)
        for n in range(31)
        if (first + timedelta(days=n)).month == first.month
        and calendar.is_workday(first + timedelta(days=n))
    ]
    return days[:limit] if limit else days


def figures(report: list[Table]) -> dict[str, int]:
    """The insights' counts, to set beside `Expected`."""
    by_name = {t.name: t for t in report}
    per_day = by_name["per_day"].rows
    csat = by_name["csat"].rows
    return {
        "contacts": sum(int(r[1] or 0) for r in per_day),
        "bot_resolved": sum(int(r[2] or 0) for r in per_day),
        "contained": sum(int(r[3] or 0) for r in per_day),
        "fcr": sum(int(r[5] or 0) for r in per_day),
        "rated": sum(int(r[1] or 0) for r in csat),
        "satisfied": sum(int(r[2] or 0) for r in csat),
        "nps_answered": sum(int(r[1] or 0) for r in by_name["nps"].rows),
    }


def outcome_counts(report: list[Table]) -> dict[str, int]:
    return {str(r[0]): int(r[1] or 0) for r in next(t for t in report if t.name == "outcomes").rows}


def scripted(e: Expected) -> dict[str, int]:
    return {
        "contacts": e.contacts,
        "bot_resolved": e.outcomes.get("bot_resolved", 0),
        "contained": e.contained,
        "fcr": e.fcr,
        "rated": e.rated,
        "satisfied": e.satisfied,
        "nps_answered": e.nps_answered,
    }


async def main_async(args: argparse.Namespace) -> None:
    settings = Settings.from_env()
    profile = settings.load_profile()
    zone = ZoneInfo(profile.timezone)
    days = workdays(args.month, profile)
    scripts = plan(days, args.per_day, args.seed)
    started = time.monotonic()
    month = Month(args.url, settings.redis_url, Path(args.clock_file), zone)
    await month.run(scripts)
    took = time.monotonic() - started
    stores = Stores.connect(settings.redis_url, system_clock, profile.retention)
    try:
        report = await gather(stores, profile, days[0], days[-1], time.time())
    finally:
        await stores.close()
    want = expected(scripts, month.asked_nps)
    got = figures(report)
    outcomes = outcome_counts(report)
    print(f"{len(scripts)} customers on {len(days)} workdays, {took:.0f} s through the stack")
    print(f"  {'':<26}{'scripted':>10}{'insights':>10}")
    for name, value in scripted(want).items():
        print(f"  {name:<26}{value:>10}{got[name]:>10}")
    for name, value in sorted(want.outcomes.items()):
        print(f"  {'outcome ' + name:<26}{value:>10}{outcomes.get(name, 0):>10}")
    print(
        f"  containment {want.contained / want.contacts:.1%}, FCR {want.fcr / want.contacts:.1%}, "
        f"CSAT {want.satisfied / max(want.rated, 1):.1%}, NPS answers {want.nps_answered}"
    )
    same = got == scripted(want) and outcomes == want.outcomes
    print("the insights match the script" if same else "THE INSIGHTS DIFFER FROM THE SCRIPT")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the running front door")
    parser.add_argument("--clock-file", required=True, help="the stack's SVAR_CLOCK=file:PATH")
    parser.add_argument("--month", default="2026-11")
    parser.add_argument("--per-day", type=int, default=12)
    parser.add_argument("--seed", type=int, default=15)
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
