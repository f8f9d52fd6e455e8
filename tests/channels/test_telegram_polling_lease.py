"""Telegram long polling with two front doors (`python -m bot`, as replicas run): Telegram
serves one poller per bot, so only the holder of the polling lease polls; when it is killed,
the other takes polling over and the customers' updates are answered once each."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
from redis.asyncio import Redis

from bot.channels.telegram import POLLER_LEASE
from stack.ports import free_port
from store.leases import Leases
from tests.channels.conftest import BOT_TOKEN
from tests.fakes import telegram_api as tg
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.helpers import ROOT, alive, eventually

LEASE_SECONDS = 10  # the shortest the poller takes: twice its poll
TAKEOVER_SECONDS = 60  # the lease runs out, the other front door sees it free, polls


class FrontDoors:
    """Front doors started as `make run` starts one, each with its own port and log."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self._folder = folder
        self._env = env
        self.processes: list[subprocess.Popen[bytes]] = []
        self.urls: list[str] = []

    def start(self, count: int) -> None:
        for n in range(count):
            port = free_port()
            self.urls.append(f"http://127.0.0.1:{port}")
            with (self._folder / f"frontdoor-{n}.log").open("wb") as output:
                env = {**self._env, "SVAR_PORT": str(port)}
                self.processes.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "bot"],
                        cwd=ROOT,
                        env=env,
                        stdout=output,
                        stderr=subprocess.STDOUT,
                    )
                )

    def logs(self) -> str:
        return "\n".join(p.read_text() for p in sorted(self._folder.glob("frontdoor-*.log")))

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in self.processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def front_doors(
    redis_url: str, redis_client: Redis, tmp_path: Path, telegram_api: FakeTelegramAPI
) -> Iterator[FrontDoors]:
    doors = FrontDoors(
        tmp_path,
        {
            **os.environ,
            "REDIS_URL": redis_url,
            "SVAR_HOST": "127.0.0.1",
            "RASA_URL": f"http://127.0.0.1:{free_port()}",  # down: the polite answer
            "ACTIONS_URL": f"http://127.0.0.1:{free_port()}",
            "SVAR_NLG_TOKEN": "nlg-token",
            "SVAR_CONVERSATION_SECRET": "lease-test-secret",
            "SVAR_STATE": str(tmp_path / "state"),
            "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
            "TELEGRAM_API_URL": telegram_api.url,
            "SVAR_TELEGRAM_POLL_LEASE_SECONDS": str(LEASE_SECONDS),
            "PYTHONUNBUFFERED": "1",
        },
    )
    try:
        yield doors
    finally:
        doors.stop()


def holder_pid(holder: str | None) -> int | None:
    """The process id in a poller's name (`host:pid:token`)."""
    return None if holder is None else int(holder.split(":")[1])


async def test_one_of_two_front_doors_polls_and_the_other_takes_over_when_it_is_killed(
    front_doors: FrontDoors, telegram_api: FakeTelegramAPI, redis_client: Redis
) -> None:
    leases = Leases(redis_client)
    front_doors.start(2)
    pids = {p.pid: p for p in front_doors.processes}

    async def polled(times: int) -> bool:
        return telegram_api.polls >= times

    async def both_up() -> bool:
        async with aiohttp.ClientSession() as http:
            for url in front_doors.urls:
                try:
                    async with http.get(f"{url}/livez") as response:
                        if response.status != 200:
                            return False
                except aiohttp.ClientError:
                    return False
        return True

    await eventually(both_up, 120, "both front doors")
    await eventually(lambda: polled(2), 60, "the first polls")
    first = holder_pid(await leases.holder(POLLER_LEASE))
    assert first in pids
    kari, ola = 4100000001, 4100000002
    await telegram_api.push_update(tg.text_update(kari, "hei, strømmen er borte"))
    await telegram_api.wait_for(lambda: len(telegram_api.sent(kari)) == 1, 60)
    # Polls of 5 s each, back to back: two pollers would have met in these.
    before = telegram_api.polls
    await eventually(lambda: polled(before + 3), 60, "three more polls")
    assert telegram_api.conflicts == 0, "two front doors polled at once"
    assert holder_pid(await leases.holder(POLLER_LEASE)) == first, "the holder kept its lease"

    pids[first].kill()
    pids[first].wait(10)
    # A customer writes while nobody polls: the update waits at Telegram until the other
    # front door has the lease.
    await telegram_api.push_update(tg.text_update(ola, "når har dere åpent?"))
    await telegram_api.wait_for(lambda: len(telegram_api.sent(ola)) == 1, TAKEOVER_SECONDS)
    second = holder_pid(await leases.holder(POLLER_LEASE))
    assert second in pids and second != first and alive(second)
    assert "this front door polls now" in front_doors.logs()
    assert len(telegram_api.sent(kari)) == 1 and len(telegram_api.sent(ola)) == 1
    assert telegram_api.conflicts == 0
