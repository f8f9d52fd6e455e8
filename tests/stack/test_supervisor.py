"""The supervisor (`python -m stack` runs it) with real, small processes: it starts them in
order, each once the one before is ready; restarts one that dies; and stops them all, leaving
nothing running, also when it is itself killed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from stack.ports import free_port
from stack.processes import ProcessSpec, StackConfig, specs
from stack.supervisor import StartupError, Supervisor
from tests.helpers import ROOT, alive, eventually, eventually_sync

# A web server that will not start unless the port given second already answers: started
# before the process it depends on is ready, it exits, and the supervisor's start fails.
SERVER = """
import http.server, socket, sys
port, needs = int(sys.argv[1]), int(sys.argv[2])
if needs:
    socket.create_connection(("127.0.0.1", needs), timeout=1).close()
http.server.ThreadingHTTPServer(("127.0.0.1", port), http.server.SimpleHTTPRequestHandler).serve_forever()
"""


def server(name: str, port: int, needs: int = 0) -> ProcessSpec:
    command = [sys.executable, "-c", SERVER, str(port), str(needs)]
    return ProcessSpec(name, command, dict(os.environ), f"http://127.0.0.1:{port}/")


def private_redis(tmp_path: Path) -> tuple[ProcessSpec, str]:
    """The Redis `make run` starts, as its first process."""
    config = StackConfig.from_env(
        ROOT, {"SVAR_STATE": str(tmp_path / "state"), "SVAR_REDIS_PORT": str(free_port())}
    )
    (redis,) = [s for s in specs(config, tmp_path / "model.tar.gz") if s.name == "redis"]
    return redis, config.redis_url


@pytest.fixture
async def started(tmp_path: Path) -> AsyncIterator[Supervisor]:
    redis, redis_url = private_redis(tmp_path)
    first, second = free_port(), free_port()
    supervisor = Supervisor(
        [redis, server("first", first), server("second", second, needs=first)],
        tmp_path / "logs",
        redis_url,
    )
    try:
        await supervisor.start()
        yield supervisor
    finally:
        await supervisor.stop()


def pid(supervisor: Supervisor, name: str) -> int:
    return int((supervisor.log_file(name).parent / f"{name}.pid").read_text())


async def test_each_process_starts_once_the_one_before_it_is_ready_and_all_stop(
    started: Supervisor,
) -> None:
    pids = [pid(started, name) for name in ("redis", "first", "second")]
    assert all(alive(p) for p in pids)
    await started.stop()
    assert not [p for p in pids if alive(p)], "a process was left running"


async def test_a_process_started_before_the_one_it_needs_makes_the_start_fail(
    tmp_path: Path,
) -> None:
    redis, redis_url = private_redis(tmp_path)
    first, second = free_port(), free_port()
    # The order is wrong: "second" needs "first", which is not started yet.
    supervisor = Supervisor(
        [redis, server("second", second, needs=first), server("first", first)],
        tmp_path / "logs",
        redis_url,
    )
    try:
        with pytest.raises(StartupError, match="second exited"):
            await supervisor.start()
    finally:
        await supervisor.stop()


async def test_a_process_that_dies_is_started_again(started: Supervisor) -> None:
    killed = pid(started, "first")
    os.kill(killed, signal.SIGKILL)

    async def back() -> bool:
        return pid(started, "first") != killed and alive(pid(started, "first"))

    await eventually(back, seconds=30, what="a new 'first' process")
    await started.wait_ready("first", timeout=30)
    assert not alive(killed)


def test_killing_the_supervisor_itself_leaves_no_process_running(tmp_path: Path) -> None:
    """Even a SIGKILL of the supervisor, which cannot stop anything, takes its children along
    (Linux's parent-death signal)."""
    redis, redis_url = private_redis(tmp_path)
    first = free_port()
    logs = tmp_path / "logs"
    program = f"""
import asyncio, json
from stack.processes import ProcessSpec
from stack.supervisor import Supervisor
specs = [ProcessSpec(**s) for s in json.loads({
        json.dumps(json.dumps([vars(redis), vars(server("first", first))]))
    })]
async def main():
    await Supervisor(specs, __import__("pathlib").Path({str(logs)!r}), {redis_url!r}).start()
    print("ready", flush=True)
    await asyncio.Event().wait()
asyncio.run(main())
"""
    supervisor = subprocess.Popen(
        [sys.executable, "-c", program], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert supervisor.stdout is not None
        assert supervisor.stdout.readline().strip() == "ready"
        children = [int((logs / f"{name}.pid").read_text()) for name in ("redis", "first")]
        assert all(alive(p) for p in children)
        supervisor.kill()
        supervisor.wait(10)
        eventually_sync(lambda: not any(alive(p) for p in children), 15, "the children to stop")
    finally:
        supervisor.kill()
        supervisor.wait(10)
