"""Start the stack's processes, watch them, restart the ones that die, stop them all cleanly.

Each child gets its own log file, written through the supervisor so that it is masked
(stack/logs.py), and dies with the supervisor (Linux parent-death signal), so Ctrl-C, a kill
of the supervisor or a crash leaves nothing running.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import itertools
import logging
import signal
import time
from pathlib import Path

import aiohttp
from redis.asyncio import Redis
from redis.exceptions import RedisError

from core.retention import Retention
from stack.logs import MAX_LINE_BYTES, DailyLog, Redactor, copy_masked, secrets_in
from stack.processes import ProcessSpec

log = logging.getLogger(__name__)

STOP_GRACE_SECONDS = 10
LOG_FLUSH_SECONDS = 5  # after a child stopped: for its last lines to reach its log
# A process that crashes is seen at once; this only bounds one that hangs. Rasa loading its
# model in two workers on a busy 2-core machine has taken over 4 minutes.
READY_TIMEOUT_SECONDS = 600
MAX_RESTART_DELAY = 30.0
_PR_SET_PDEATHSIG = 1


class StartupError(RuntimeError):
    """A process did not become ready; its log says why."""


class Supervisor:
    def __init__(
        self,
        specs: list[ProcessSpec],
        logs: Path,
        redis_url: str,
        log_days: int = Retention().log_days,
    ) -> None:
        self._specs = {spec.name: spec for spec in specs}
        self._logs = logs
        self._log_days = log_days
        self._redis_url = redis_url
        self._processes: dict[str, asyncio.subprocess.Process] = {}
        self._watchers: dict[str, asyncio.Task[None]] = {}
        self._log_copies: set[asyncio.Task[None]] = set()
        self._stopping = False

    def log_file(self, name: str) -> Path:
        return self._logs / f"{name}.log"

    async def start(self) -> None:
        """Start every process in order, each once the ones before it are ready; the replicas
        of one kind together."""
        self._logs.mkdir(parents=True, exist_ok=True)
        for _, group in itertools.groupby(self._specs.values(), key=lambda spec: spec.group):
            names = [spec.name for spec in group]
            for name in names:
                await self._spawn(name)
            await asyncio.gather(*(self.wait_ready(name) for name in names))
            for name in names:
                self._watchers[name] = asyncio.create_task(self._watch(name))

    async def stop(self) -> None:
        """Stop every process, newest first: SIGTERM, then SIGKILL after a grace period."""
        self._stopping = True
        for task in self._watchers.values():
            task.cancel()
        for name in reversed(list(self._processes)):
            await _terminate(self._processes[name])
        if self._log_copies:
            await asyncio.wait(self._log_copies, timeout=LOG_FLUSH_SECONDS)
        self._processes.clear()

    async def wait_ready(self, name: str, timeout: float = READY_TIMEOUT_SECONDS) -> None:
        spec = self._specs[name]
        deadline = time.monotonic() + timeout
        async with aiohttp.ClientSession() as http:
            while time.monotonic() < deadline:
                process = self._processes[name]
                if process.returncode is not None:
                    raise StartupError(
                        f"{name} exited with {process.returncode}; see {self.log_file(name)}"
                    )
                if await self._ready(spec, http):
                    log.info("%s is ready", name)
                    return
                await asyncio.sleep(0.5)
        raise StartupError(f"{name} was not ready after {timeout:.0f} s; see {self.log_file(name)}")

    async def _spawn(self, name: str) -> None:
        spec = self._specs[name]
        self._processes[name] = await asyncio.create_subprocess_exec(
            *spec.command,
            env=spec.env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,  # copied into the log, masked
            stderr=asyncio.subprocess.STDOUT,
            preexec_fn=_die_with_parent,
            start_new_session=True,  # Ctrl-C reaches the supervisor, which stops children in order
            limit=MAX_LINE_BYTES,  # a line is masked whole up to this size
        )
        output = self._processes[name].stdout
        assert output is not None
        # The copy of a process that died ends by itself once its last line is written.
        copy = asyncio.create_task(
            copy_masked(
                output,
                DailyLog(self.log_file(name), self._log_days),
                Redactor(secrets_in(spec.env)),
            )
        )
        self._log_copies.add(copy)
        copy.add_done_callback(self._log_copies.discard)
        # Replaced in one step: whoever reads it (tests, benchmarks) never sees it half-written.
        written = self._logs / f"{name}.pid.new"
        written.write_text(f"{self._processes[name].pid}\n")
        written.replace(self._logs / f"{name}.pid")
        log.info(
            "started %s (pid %d), log: %s", name, self._processes[name].pid, self.log_file(name)
        )

    async def _watch(self, name: str) -> None:
        """Restart a process that exits on its own, backing off while it keeps failing."""
        delay = 1.0
        while not self._stopping:
            code = await self._processes[name].wait()
            if self._stopping:
                return
            log.warning("%s exited with %s; restarting in %.0f s", name, code, delay)
            await asyncio.sleep(delay)
            await self._spawn(name)
            try:
                await self.wait_ready(name)
                delay = 1.0
            except StartupError as error:
                log.error("%s", error)
                delay = min(delay * 2, MAX_RESTART_DELAY)

    async def _ready(self, spec: ProcessSpec, http: aiohttp.ClientSession) -> bool:
        try:
            if spec.health_url is None:
                redis = Redis.from_url(self._redis_url)
                try:
                    return bool(await redis.ping())
                finally:
                    await redis.close()
            async with http.get(
                spec.health_url, timeout=aiohttp.ClientTimeout(total=2)
            ) as response:
                return response.status == 200
        except (OSError, RedisError, aiohttp.ClientError, asyncio.TimeoutError):
            return False


async def _terminate(process: asyncio.subprocess.Process) -> None:
    if process.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), STOP_GRACE_SECONDS)
    except asyncio.TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()


def _die_with_parent() -> None:
    """In the child: ask Linux to send SIGTERM when the supervisor dies."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
