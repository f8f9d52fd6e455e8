"""Throughput under load: C customers at once, through the front door and straight to Rasa.

Starts the stack itself (Redis from `--redis-url` or a scratch one, the action server, the front
door and Rasa, on free loopback ports), once per Rasa configuration:

- `ours`: the stack as `make run` starts it (config.yml);
- `ours-2-workers`: the same with two Rasa workers (SANIC_WORKERS=2, Rasa's own setting);
- `ours-rasa-tracker`: ours with Rasa's own Redis tracker store in place of the masked one
  (rasa_plugins/tracker_store.py): what masking and expiring the tracker costs;
- `stock`: plain Rasa, the pipeline and policies `rasa init` gives (benchmarks/stock_config.yml,
  trained on the same domain and data, cached in .state/models) run by Rasa's own CLI.

For each concurrency C, C customers run short scripted conversations (3 turns in Norwegian or
English, no think time; closed loop: a customer starts its next conversation when its last
one ends) until `--conversations` are done, through the front door (`POST /api/messages`)
and the same conversations straight to Rasa's REST channel with the metadata the front door
sends (half each, in the order front door, Rasa, Rasa, front door, so that a drift in what
else the machine does falls on both alike). Then 100 greetings one at a time through the front door. It
prints messages per second, median and p95 per message, and the front door's cost as ratios;
`--save` keeps the figures as JSON, `--compare` prints them beside an earlier run's.

Over 400 lines: starting each configuration, the two kinds of load and the report belong
together, and each part is short.

    .venv/bin/python -m benchmarks.load [--configs ours ours-2-workers stock] [--concurrency 10 50]
        [--save before.json] [--compare before.json] [--profile DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import itertools
import json
import math
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

import aiohttp
import redis
import yaml

from stack.processes import ProcessSpec, StackConfig, specs
from stack.scratch_redis import free_port, reachable_redis
from stack.supervisor import Supervisor
from stack.train import ensure_model

ROOT = Path(__file__).resolve().parent.parent
STOCK_CONFIG = "benchmarks/stock_config.yml"
REDIS_DB = 9
TIMEOUT = aiohttp.ClientTimeout(total=120)

# Short conversations customers have, each in one language: (language, three messages).
# None asks for a person or sounds frustrated, so every message is answered by the bot; one
# goes through a form (the outage form asks for the postal code).
SCRIPTS: list[tuple[str, tuple[str, str, str]]] = [
    ("nb", ("hei", "når har dere åpent i morgen?", "takk for hjelpen")),
    ("en", ("hello", "how do I set up e-invoice?", "thanks, bye")),
    ("nb", ("hei", "jeg har ikke fått regningen denne måneden", "ok, takk")),
    ("en", ("hi", "what is your phone number?", "thank you")),
    ("nb", ("strømmen er borte hos meg", "0552", "takk skal du ha")),
    ("en", ("my internet is very slow", "how long do you take to answer an email?", "bye")),
    ("nb", ("hva er nettleie?", "hvordan leser jeg av måleren?", "takk")),
    ("en", ("hello there", "I am moving next month", "thanks for the help")),
]
GREETINGS = ["hei", "hello"]


@dataclasses.dataclass
class Run:
    """The per-message latencies and wall time of one load level against one target."""

    latencies: list[float]
    seconds: float
    failed: int

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    @property
    def median(self) -> float:
        return statistics.median(self.latencies)

    @property
    def p95(self) -> float:
        return percentile(self.latencies, 0.95)

    def __add__(self, other: Run) -> Run:
        return Run(
            self.latencies + other.latencies,
            self.seconds + other.seconds,
            self.failed + other.failed,
        )

    def to_dict(self) -> dict[str, float]:
        return {
            "messages": len(self.latencies),
            "seconds": self.seconds,
            "failed": self.failed,
            "rate": self.rate,
            "median": self.median,
            "p95": self.p95,
        }


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


Send = Callable[[aiohttp.ClientSession, str, str, str], Awaitable[bool]]


async def closed_loop(
    http: aiohttp.ClientSession, send: Send, concurrency: int, conversations: int, tag: str
) -> Run:
    """`concurrency` customers, each starting its next conversation when its last one ends."""
    latencies: list[float] = []
    failed = 0
    numbers = itertools.count()

    async def customer() -> None:
        nonlocal failed
        while (n := next(numbers)) < conversations:
            language, messages = SCRIPTS[n % len(SCRIPTS)]
            sender = f"load-{tag}-{secrets.token_hex(6)}"
            for text in messages:
                started = time.perf_counter()
                ok = await send(http, sender, text, language)
                latencies.append(time.perf_counter() - started)
                failed += not ok

    started = time.perf_counter()
    await asyncio.gather(*(customer() for _ in range(concurrency)))
    return Run(latencies, time.perf_counter() - started, failed)


def front_door(url: str, unavailable: tuple[str, ...]) -> Send:
    async def send(http: aiohttp.ClientSession, sender: str, text: str, language: str) -> bool:
        body = {"sender": sender, "text": text}
        async with http.post(f"{url}/api/messages", json=body, timeout=TIMEOUT) as response:
            if response.status != 200:
                return False
            replies = (await response.json())["messages"]
        # The front door always answers; its apology means Rasa or an action failed.
        return bool(replies) and not any(r["text"].startswith(unavailable) for r in replies)

    return send


def rasa_direct(rasa_url: str) -> Send:
    async def send(http: aiohttp.ClientSession, sender: str, text: str, language: str) -> bool:
        # What the front door sends for a web-chat message (bot/router.py).
        body = {
            "sender": f"web:{sender}",
            "message": text,
            "metadata": {"language": language, "channel": "web"},
        }
        async with http.post(
            f"{rasa_url}/webhooks/rest/webhook", json=body, timeout=TIMEOUT
        ) as response:
            return response.status == 200 and bool(await response.json())

    return send


async def sequential(http: aiohttp.ClientSession, url: str, n: int) -> list[float]:
    """A greeting from a new customer, one at a time, through the front door."""
    latencies = []
    for i in range(n):
        body = {"sender": f"load-seq-{secrets.token_hex(6)}", "text": GREETINGS[i % 2]}
        started = time.perf_counter()
        async with http.post(f"{url}/api/messages", json=body, timeout=TIMEOUT) as response:
            assert response.status == 200, await response.text()
            assert (await response.json())["messages"], "no answer to a greeting"
        latencies.append(time.perf_counter() - started)
    return latencies


def unavailable_prefixes() -> tuple[str, ...]:
    """The first words of the front door's apology when Rasa fails, in every language."""
    for path in (ROOT / "content" / "answers").glob("*.yml"):
        answers = yaml.safe_load(path.read_text()) or {}
        if "utter_unavailable" in answers:
            return tuple(text.split(",")[0] for text in answers["utter_unavailable"].values())
    raise SystemExit("no utter_unavailable in content/answers")


@contextlib.asynccontextmanager
async def running_stack(
    name: str, redis_url: str, logs: Path
) -> AsyncIterator[tuple[StackConfig, dict[str, int]]]:
    """The stack with the `name`d Rasa configuration, on free ports; stopped on exit."""
    stock = name == "stock"
    workers = 2 if name == "ours-2-workers" else 1
    model = ensure_model(ROOT, ROOT / ".state", STOCK_CONFIG if stock else "config.yml")
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "SVAR_PORT": str(free_port()),
        "RASA_PORT": str(free_port()),
        "ACTIONS_PORT": str(free_port()),
    }
    config = StackConfig.from_env(ROOT, env)
    processes = specs(config, model)
    if stock:
        processes = [plain_rasa(spec) for spec in processes]
    processes = [rasa_workers(spec, workers) for spec in processes]
    if name == "ours-rasa-tracker":
        processes = [rasa_tracker_store(spec, logs) for spec in processes]
    redis.Redis.from_url(redis_url).flushdb()
    supervisor = Supervisor(processes, logs, redis_url)
    print(f"[{name}] starting the stack with {model.name} (logs: {logs})…", flush=True)
    try:
        await supervisor.start()
        pids = {p.name: int((logs / f"{p.name}.pid").read_text()) for p in processes}
        yield config, pids
    finally:
        await supervisor.stop()


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
    endpoints["tracker_store"]["type"] = "redis"
    endpoints["tracker_store"].pop("record_exp", None)
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
def profiled(pids: dict[str, int], out: Path | None, label: str) -> Any:
    """py-spy on Rasa and the front door while the block runs (measuring only, optional)."""
    if out is None:
        yield
        return
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    out.mkdir(parents=True, exist_ok=True)
    recorders = [
        subprocess.Popen(
            [
                py_spy,
                "record",
                "--pid",
                str(pids[name]),
                "--format",
                "raw",
                "--rate",
                "50",
                "--output",
                str(out / f"{label}-{name}.txt"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for name in ("rasa", "frontdoor", "actions")
    ]
    try:
        yield
    finally:
        for recorder in recorders:
            recorder.send_signal(2)  # SIGINT: py-spy writes its file and exits
        for recorder in recorders:
            recorder.wait(60)


async def measure(
    name: str,
    redis_url: str,
    levels: Sequence[int],
    conversations: int | None,
    n_sequential: int,
    profile: Path | None,
) -> dict[str, Any]:
    unavailable = unavailable_prefixes()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix=f"svar-load-{name}-") as logs:
        async with (
            running_stack(name, redis_url, Path(logs)) as (config, pids),
            aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http,
        ):
            door, rasa = (
                front_door(config.front_door_url, unavailable),
                rasa_direct(config.rasa_url),
            )
            # Warm-up, not measured: the first answers of each process are slow.
            for target in (door, rasa):
                await closed_loop(http, target, 4, len(SCRIPTS), "warm")
            for c in levels:
                n = conversations or max(60, 4 * c)
                # Front door, Rasa, Rasa, front door, half the conversations each: what else
                # the machine does drifts, and this order gives both targets the same share.
                with profiled(pids, profile, f"{name}-c{c}"):
                    halves = [
                        await closed_loop(http, target, c, n // 2, f"{label}{c}")
                        for target, label in ((door, "door"), (rasa, "rasa")) * 2
                    ]
                via_door, alone = halves[0] + halves[3], halves[1] + halves[2]
                results[f"c{c}"] = {"frontdoor": via_door.to_dict(), "rasa": alone.to_dict()}
                print(f"[{name}] {c} customers: {line(via_door, alone)}", flush=True)
            latencies = await sequential(http, config.front_door_url, n_sequential)
            results["sequential"] = {
                "median": statistics.median(latencies),
                "p95": percentile(latencies, 0.95),
            }
    return results


def line(door: Run, rasa: Run) -> str:
    return (
        f"front door {door.rate:.1f} msg/s (median {door.median * 1000:.0f} ms, p95 "
        f"{door.p95 * 1000:.0f} ms, {door.failed} failed); Rasa alone {rasa.rate:.1f} msg/s "
        f"(median {rasa.median * 1000:.0f} ms, p95 {rasa.p95 * 1000:.0f} ms, {rasa.failed} failed)"
    )


def table(runs: dict[str, dict[str, Any]]) -> str:
    """One row per configuration and concurrency; ratios say what the front door costs."""
    rows = [
        "| run | customers | front door msg/s | median ms | p95 ms | Rasa alone msg/s | median ms"
        " | p95 ms | door/Rasa msg/s | door/Rasa p95 | failed |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, result in runs.items():
        for level, figures in result.items():
            if level == "sequential":
                continue
            d, r = figures["frontdoor"], figures["rasa"]
            rows.append(
                f"| {label} | {level[1:]} | {d['rate']:.1f} | {d['median'] * 1000:.0f} | "
                f"{d['p95'] * 1000:.0f} | {r['rate']:.1f} | {r['median'] * 1000:.0f} | "
                f"{r['p95'] * 1000:.0f} | {d['rate'] / r['rate']:.2f} | {d['p95'] / r['p95']:.2f} |"
                f" {d['failed']}+{r['failed']} |"
            )
    rows.append("")
    for label, result in runs.items():
        seq = result["sequential"]
        rows.append(
            f"{label}: a greeting through the front door, one at a time: median "
            f"{seq['median'] * 1000:.0f} ms, p95 {seq['p95'] * 1000:.0f} ms"
        )
    return "\n".join(rows)


def compared(before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]) -> str:
    """This run ÷ the earlier one, through the front door, for each configuration both have
    (runs are matched by configuration, the last word of their names)."""
    earlier = {label.split()[-1]: result for label, result in before.items()}
    rows = [
        "| run | customers | msg/s now ÷ earlier | median now ÷ earlier | p95 now ÷ earlier |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, result in after.items():
        for level, figures in result.items():
            then = earlier.get(label.split()[-1], {}).get(level)
            if level == "sequential" or then is None:
                continue
            a, b = figures["frontdoor"], then["frontdoor"]
            rows.append(
                f"| {label} | {level[1:]} | {a['rate'] / b['rate']:.2f} | "
                f"{a['median'] / b['median']:.2f} | {a['p95'] / b['p95']:.2f} |"
            )
    return "\n".join(rows)


def main() -> None:
    os.environ["RASA_TELEMETRY_ENABLED"] = "false"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--configs",
        nargs="+",
        default=["ours", "ours-2-workers", "stock"],
        choices=["ours", "ours-2-workers", "ours-rasa-tracker", "stock"],
    )
    parser.add_argument("--concurrency", nargs="+", type=int, default=[10, 50])
    parser.add_argument("--conversations", type=int, help="per level; default max(60, 4 × C)")
    parser.add_argument("--sequential", type=int, default=100)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379")
    parser.add_argument("--label", default="", help="a word before the run names, e.g. after")
    parser.add_argument("--save", type=Path, help="write the figures to this JSON file")
    parser.add_argument("--compare", type=Path, help="an earlier --save file to compare with")
    parser.add_argument("--profile", type=Path, help="py-spy raw profiles into this folder")
    args = parser.parse_args()
    runs: dict[str, dict[str, Any]] = {}
    with reachable_redis(args.redis_url) as redis_server:
        for name in args.configs:
            runs[f"{args.label} {name}".strip()] = asyncio.run(
                measure(
                    name,
                    f"{redis_server}/{REDIS_DB}",
                    args.concurrency,
                    args.conversations,
                    args.sequential,
                    args.profile,
                )
            )
    print(f"\n{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at the end\n")
    earlier = json.loads(args.compare.read_text()) if args.compare else {}
    print(table({**earlier, **runs}))
    if earlier:
        print()
        print(compared(earlier, runs))
    if args.save:
        args.save.write_text(json.dumps(runs, indent=2))


if __name__ == "__main__":
    main()
