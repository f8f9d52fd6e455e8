"""The configurations `benchmarks/load.py` measures, each a whole stack on free loopback ports.

- `ours`: the stack as `make run` starts it (config.yml, Rasa's workers as stack/ sets them);
- `ours-1-worker`, `ours-2-workers`: the same with that many Rasa (Sanic) workers;
- `ours-2-replicas`: ours with two of each process behind HAProxy (`SVAR_REPLICAS=2`); its
  front door and Rasa addresses are HAProxy's, so it is loaded exactly as `ours` is;
- `ours-rasa-tracker`: ours with Rasa's own Redis tracker store in place of the masked one
  (rasa_plugins/tracker_store.py): what masking and expiring the tracker costs;
- `stock`: plain Rasa, the pipeline and policies `rasa init` gives (benchmarks/stock_config.yml,
  trained on the same domain and data, cached in .state/models) run by Rasa's own CLI;
- `baseline`: another checkout of Svar (`--baseline DIR`, e.g. made with
  `git worktree add --detach /tmp/svar-before <commit>`), started by its own `python -m stack`,
  which trains its own model if it has none: an earlier version measured in the same run.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from pathlib import Path
from urllib.parse import urlsplit

import psutil
import redis
import requests
import yaml

from stack.ports import free_port
from stack.processes import ProcessSpec, StackConfig, specs
from stack.supervisor import Supervisor
from stack.train import ensure_model

ROOT = Path(__file__).resolve().parent.parent
STOCK_CONFIG = "benchmarks/stock_config.yml"
CONFIGS = [
    "ours",
    "ours-1-worker",
    "ours-2-workers",
    "ours-2-replicas",
    "ours-rasa-tracker",
    "stock",
    "baseline",
]
BASELINE_READY_SECONDS = 1800  # it may train its model first


@dataclasses.dataclass(frozen=True)
class Running:
    """One started configuration: where to send messages, and its processes' ids."""

    name: str
    front_door_url: str
    rasa_url: str
    pids: dict[str, int]


@contextlib.asynccontextmanager
async def running(
    name: str, redis_url: str, logs: Path, baseline: Path | None
) -> AsyncIterator[Running]:
    """The `name`d configuration, started and ready; stopped on exit."""
    redis.Redis.from_url(redis_url).flushdb()
    if name == "baseline":
        if baseline is None:
            raise SystemExit("the baseline configuration needs --baseline DIR")
        with running_checkout(baseline, redis_url, logs) as started:
            yield started
        return
    async with running_stack(name, redis_url, logs) as started:
        yield started


@contextlib.asynccontextmanager
async def running_stack(name: str, redis_url: str, logs: Path) -> AsyncIterator[Running]:
    stock = name == "stock"
    model = ensure_model(ROOT, ROOT / ".state", STOCK_CONFIG if stock else "config.yml")
    env = {**os.environ, "REDIS_URL": redis_url, **ports()}
    if name == "ours-2-replicas":
        env["SVAR_REPLICAS"] = "2"
    config = StackConfig.from_env(ROOT, env)
    processes = specs(config, model)
    if stock:
        processes = [plain_rasa(spec) for spec in processes]
    if name in ("ours-1-worker", "ours-2-workers", "stock"):
        processes = [rasa_workers(spec, 2 if name == "ours-2-workers" else 1) for spec in processes]
    if name == "ours-rasa-tracker":
        processes = [rasa_tracker_store(spec, logs) for spec in processes]
    supervisor = Supervisor(processes, logs, redis_url)
    print(f"[{name}] starting the stack with {model.name} (logs: {logs})…", flush=True)
    try:
        await supervisor.start()
        pids = {p.name: int((logs / f"{p.name}.pid").read_text()) for p in processes}
        yield Running(name, config.front_door_url, config.rasa_url, pids)
    finally:
        await supervisor.stop()


@contextlib.contextmanager
def running_checkout(root: Path, redis_url: str, logs: Path) -> Iterator[Running]:
    """Another checkout's own `python -m stack`, on its own ports and the benchmark's Redis."""
    env = {**os.environ, "REDIS_URL": redis_url, "SVAR_LOGS": str(logs), **ports()}
    url = f"http://127.0.0.1:{env['SVAR_PORT']}"
    print(f"[baseline] starting {root} (logs: {logs})…", flush=True)
    with (logs / "stack-output.log").open("wb") as output:
        stack = subprocess.Popen(
            [sys.executable, "-m", "stack"], cwd=root, env=env, stdout=output, stderr=output
        )
        try:
            wait_healthy(url, stack, BASELINE_READY_SECONDS)
            pids = {
                name: int((logs / f"{name}.pid").read_text())
                for name in ("rasa", "frontdoor", "actions")
            }
            yield Running("baseline", url, f"http://127.0.0.1:{env['RASA_PORT']}", pids)
        finally:
            stack.send_signal(2)  # Ctrl-C: the supervisor stops its children
            stack.wait(60)


def wait_healthy(url: str, process: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the stack at {url} stopped (exit {process.returncode})")
        with contextlib.suppress(requests.RequestException):
            if requests.get(f"{url}/healthz", timeout=5).status_code == 200:
                return
        time.sleep(2)
    raise SystemExit(f"the stack at {url} did not become healthy in {seconds:.0f} s")


def ports() -> dict[str, str]:
    return {
        "SVAR_PORT": str(free_port()),
        "RASA_PORT": str(free_port()),
        "ACTIONS_PORT": str(free_port()),
    }


def plain_rasa(spec: ProcessSpec) -> ProcessSpec:
    """Rasa started by its own CLI, `python -m rasa`, whatever `make run` starts it with."""
    if spec.name != "rasa":
        return spec
    command = list(spec.command)
    command[command.index("-m") + 1] = "rasa"
    return dataclasses.replace(spec, command=command)


def rasa_tracker_store(spec: ProcessSpec, folder: Path) -> ProcessSpec:
    """Rasa with its own Redis tracker store: endpoints.yml with the tracker store's type
    put back to `redis` (the rest as it is)."""
    if spec.name != "rasa":
        return spec
    command = list(spec.command)
    at = command.index("--endpoints") + 1
    endpoints = yaml.safe_load((ROOT / command[at]).read_text(encoding="utf-8"))
    redis = urlsplit(spec.env["REDIS_URL"])  # Rasa's own store takes a host and port only
    endpoints["tracker_store"] = {
        "type": "redis",
        "url": redis.hostname,
        "port": redis.port or 6379,
        "db": int(redis.path.lstrip("/") or 0),
        "password": redis.password,
        "key_prefix": endpoints["tracker_store"]["key_prefix"],
    }
    path = folder / "endpoints-rasa-tracker.yml"
    path.write_text(yaml.safe_dump(endpoints), encoding="utf-8")
    command[at] = str(path)
    return dataclasses.replace(spec, command=command)


def rasa_workers(spec: ProcessSpec, workers: int) -> ProcessSpec:
    """Rasa with `workers` Sanic workers (it allows more than one with the Redis lock store)."""
    if spec.name != "rasa":
        return spec
    return dataclasses.replace(spec, env={**spec.env, "SANIC_WORKERS": str(workers)})


@contextlib.contextmanager
def profiled(pids: dict[str, int], out: Path | None, label: str) -> Iterator[None]:
    """py-spy on Rasa, the front door and the action server while the block runs."""
    if out is None:
        yield
        return
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    out.mkdir(parents=True, exist_ok=True)
    recorders = []
    # Every replica of each (`rasa`, or `rasa-1` and `rasa-2`); not HAProxy.
    for name, pid in pids.items():
        if name.split("-")[0] not in ("rasa", "frontdoor", "actions"):
            continue
        output = out / f"{label}-{name}.txt"
        command = [py_spy, "record", "--pid", str(pid), "--format", "raw"]
        command += ["--rate", "50", "--subprocesses", "--output", str(output)]
        recorders.append(
            subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        )
    try:
        yield
    finally:
        for recorder in recorders:
            recorder.send_signal(2)  # SIGINT: py-spy writes its file and exits
        for recorder in recorders:
            recorder.wait(60)


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds a process and its descendants have spent so far: each live
    one's own, and what the children each has waited for spent (a reaped child's time moves
    into its parent's)."""
    try:
        process = psutil.Process(pid)
        times = process.cpu_times()
        children = process.children()
    except psutil.NoSuchProcess:
        return 0.0
    own = float(times.user + times.system + times.children_user + times.children_system)
    return own + sum(cpu_seconds(child.pid) for child in children)


@contextlib.contextmanager
def cpu_spent(pids: Mapping[str, int]) -> Iterator[dict[str, float]]:
    """The CPU seconds each named process (children included) spent while the block ran,
    filled in when it ends."""
    before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    spent: dict[str, float] = {}
    yield spent
    spent.update({name: cpu_seconds(pid) - before[name] for name, pid in pids.items()})
