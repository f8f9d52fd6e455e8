"""Throughput under load: C customers at once, through the front door and straight to Rasa,
for several configurations side by side in one run.

Every configuration named (benchmarks/load_stacks.py: `ours`, `ours-1-worker`,
`ours-2-workers`, `ours-2-replicas`, `ours-rasa-tracker`, `stock`, and `baseline`, an earlier checkout given with
`--baseline DIR`) is started first, each a whole stack on free loopback ports with its own Redis
database, and they are then loaded in turn, interleaved, so that whatever else the machine does
falls on all of them alike.

For each concurrency C, C customers run short scripted conversations (3 turns in Norwegian or
English, no think time; closed loop: a customer starts its next conversation when its last
one ends) until `--conversations` are done, through the front door (`POST /api/messages`)
and the same conversations straight to Rasa's REST channel with the metadata the front door
sends. Each (configuration, target) gets half its conversations in a first pass over the
configurations and half in a second pass in the reverse order. Then greetings one at a time
through the front door, taking turns between the configurations. It prints messages per second,
median and p95 per message, the CPU time the configuration's processes (front door, Rasa and
action server, children included) spent per message answered, the front door's cost as ratios,
and each configuration against the first one named; `--save` keeps the figures as JSON,
`--compare` prints them beside an earlier run's.

    .venv/bin/python -m benchmarks.load [--configs baseline ours stock] [--baseline DIR]
        [--concurrency 10 50] [--save after.json] [--compare before.json] [--profile DIR]
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
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

import aiohttp

from benchmarks.load_stacks import CONFIGS, ROOT, Running, cpu_spent, profiled, running
from core.content.answers import AnswerBook
from stack.scratch_redis import reachable_redis

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
    """The per-message latencies and wall time of one load level against one target, and the
    CPU seconds each of the configuration's processes spent meanwhile."""

    latencies: list[float]
    seconds: float
    failed: int
    cpu: dict[str, float] = dataclasses.field(default_factory=dict)

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    @property
    def median(self) -> float:
        return statistics.median(self.latencies)

    @property
    def p95(self) -> float:
        return percentile(self.latencies, 0.95)

    @property
    def cpu_per_message(self) -> float:
        return sum(self.cpu.values()) / len(self.latencies)

    def __add__(self, other: Run) -> Run:
        return Run(
            self.latencies + other.latencies,
            self.seconds + other.seconds,
            self.failed + other.failed,
            {name: self.cpu.get(name, 0) + other.cpu.get(name, 0) for name in self.cpu | other.cpu},
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "messages": len(self.latencies),
            "seconds": self.seconds,
            "failed": self.failed,
            "rate": self.rate,
            "median": self.median,
            "p95": self.p95,
            "cpu_per_message": self.cpu_per_message,
            "cpu_seconds": self.cpu,
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


async def greeting(http: aiohttp.ClientSession, url: str, n: int) -> float:
    """A greeting from a new customer through the front door: seconds until its answer."""
    body = {"sender": f"load-seq-{secrets.token_hex(6)}", "text": GREETINGS[n % 2]}
    started = time.perf_counter()
    async with http.post(f"{url}/api/messages", json=body, timeout=TIMEOUT) as response:
        assert response.status == 200, await response.text()
        assert (await response.json())["messages"], "no answer to a greeting"
    return time.perf_counter() - started


def unavailable_prefixes() -> tuple[str, ...]:
    """The front door's apology when Rasa fails, in every language, up to its first company
    fact. Not its first word: "Sorry," and "Beklager," also begin the bot's own answers (a
    message it did not understand), which are answers, not failures."""
    book = AnswerBook.load(ROOT / "content" / "answers")
    answer = next(a for a in book if a.name == "utter_unavailable")
    return tuple({variant.text.split("{")[0] for _, _, variant in answer.each()})


async def measure(
    names: Sequence[str],
    redis_server: str,
    levels: Sequence[int],
    conversations: int | None,
    n_sequential: int,
    profile: Path | None,
    baseline: Path | None,
) -> dict[str, dict[str, Any]]:
    unavailable = unavailable_prefixes()
    results: dict[str, dict[str, Any]] = {name: {} for name in names}
    async with contextlib.AsyncExitStack() as stack:
        http = await stack.enter_async_context(
            aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
        )
        started: list[Running] = []
        for db, name in enumerate(names, start=REDIS_DB):
            logs = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix=f"svar-{name}-")))
            redis_url = f"{redis_server}/{db}"
            started.append(
                await stack.enter_async_context(running(name, redis_url, logs, baseline))
            )
        targets = {
            s.name: {
                "door": front_door(s.front_door_url, unavailable),
                "rasa": rasa_direct(s.rasa_url),
            }
            for s in started
        }
        # Warm-up, not measured: the first answers of each process are slow.
        for pair in targets.values():
            for send in pair.values():
                await closed_loop(http, send, 4, len(SCRIPTS), "warm")
        for c in levels:
            n = conversations or max(60, 4 * c)
            # A first pass over the configurations and a second in the reverse order (front
            # door, Rasa, then Rasa, front door): what else the machine does drifts, and every
            # target gets the same share of it.
            order = [(s, kind) for s in started for kind in ("door", "rasa")]
            halves: dict[tuple[str, str], list[Run]] = {}
            print(f"{c} customers, load average {os.getloadavg()[0]:.1f} at the start", flush=True)
            for s, kind in order + order[::-1]:
                # Every process of the configuration is counted whichever the target: Rasa
                # asks the front door's /nlg for its answers.
                with profiled(s.pids, profile, f"{s.name}-c{c}-{kind}"), cpu_spent(s.pids) as cpu:
                    run = await closed_loop(http, targets[s.name][kind], c, n // 2, f"{kind}{c}")
                halves.setdefault((s.name, kind), []).append(dataclasses.replace(run, cpu=cpu))
            for s in started:
                door, alone = (
                    sum(halves[(s.name, k)][1:], halves[(s.name, k)][0]) for k in ("door", "rasa")
                )
                results[s.name][f"c{c}"] = {"frontdoor": door.to_dict(), "rasa": alone.to_dict()}
                print(f"[{s.name}] {c} customers: {line(door, alone)}", flush=True)
        latencies: dict[str, list[float]] = {s.name: [] for s in started}
        for i in range(n_sequential):
            for s in started:
                latencies[s.name].append(await greeting(http, s.front_door_url, i))
        for name, values in latencies.items():
            if not values:  # --sequential 0
                continue
            results[name]["sequential"] = {
                "median": statistics.median(values),
                "p95": percentile(values, 0.95),
            }
    return results


def line(door: Run, rasa: Run) -> str:
    return (
        f"front door {door.rate:.1f} msg/s (median {door.median * 1000:.0f} ms, p95 "
        f"{door.p95 * 1000:.0f} ms, {door.failed} failed, CPU {cpu_by_process(door)}); "
        f"Rasa alone {rasa.rate:.1f} msg/s (median {rasa.median * 1000:.0f} ms, p95 "
        f"{rasa.p95 * 1000:.0f} ms, {rasa.failed} failed, CPU {cpu_by_process(rasa)})"
    )


def cpu_by_process(run: Run) -> str:
    """CPU milliseconds per message answered, in all and by process."""
    each = ", ".join(
        f"{name} {seconds / len(run.latencies) * 1000:.0f}" for name, seconds in run.cpu.items()
    )
    return f"{run.cpu_per_message * 1000:.0f} ms/msg: {each}"


def cpu_ms(figures: dict[str, Any]) -> str:
    """CPU milliseconds per message, or a dash for a run saved before they were measured."""
    return f"{figures['cpu_per_message'] * 1000:.0f}" if "cpu_per_message" in figures else "–"


def table(runs: dict[str, dict[str, Any]]) -> str:
    """One row per configuration and concurrency; ratios say what the front door costs."""
    rows = [
        "| run | customers | front door msg/s | median ms | p95 ms | CPU ms/msg | Rasa alone msg/s"
        " | median ms | p95 ms | CPU ms/msg | door/Rasa msg/s | door/Rasa p95 | failed |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, result in runs.items():
        for level, figures in result.items():
            if level == "sequential":
                continue
            d, r = figures["frontdoor"], figures["rasa"]
            rows.append(
                f"| {label} | {level[1:]} | {d['rate']:.1f} | {d['median'] * 1000:.0f} | "
                f"{d['p95'] * 1000:.0f} | {cpu_ms(d)} | {r['rate']:.1f} | {r['median'] * 1000:.0f} | "
                f"{r['p95'] * 1000:.0f} | {cpu_ms(r)} | {d['rate'] / r['rate']:.2f} | "
                f"{d['p95'] / r['p95']:.2f} |"
                f" {d['failed']}+{r['failed']} |"
            )
    rows.append("")
    for label, result in runs.items():
        if "sequential" not in result:
            continue
        seq = result["sequential"]
        rows.append(
            f"{label}: a greeting through the front door, one at a time: median "
            f"{seq['median'] * 1000:.0f} ms, p95 {seq['p95'] * 1000:.0f} ms"
        )
    return "\n".join(rows)


def compared(before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]) -> str:
    """Each configuration of this run ÷ the same one in an earlier run (matched by the last
    word of their names)."""
    earlier = {label.split()[-1]: result for label, result in before.items()}
    return ratios(
        "earlier",
        {label: (result, earlier.get(label.split()[-1], {})) for label, result in after.items()},
    )


def against_first(runs: dict[str, dict[str, Any]]) -> str:
    """Each configuration ÷ the first one named (say, the baseline), from the same run."""
    first, reference = next(iter(runs.items()))
    return ratios(first, {label: (result, reference) for label, result in list(runs.items())[1:]})


def ratios(reference: str, pairs: dict[str, tuple[dict[str, Any], dict[str, Any]]]) -> str:
    rows = [
        f"| run | customers | door msg/s ÷ {reference} | door p95 ÷ {reference} |"
        f" door CPU/msg ÷ {reference} | Rasa msg/s ÷ {reference} | Rasa p95 ÷ {reference} |"
        f" Rasa CPU/msg ÷ {reference} |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, (result, then) in pairs.items():
        for level, figures in result.items():
            if level == "sequential" or level not in then:
                continue
            now, ref = figures, then[level]
            cells = []
            for target in ("frontdoor", "rasa"):
                a, b = now[target], ref[target]
                cells += [f"{a['rate'] / b['rate']:.2f}", f"{a['p95'] / b['p95']:.2f}"]
                both = "cpu_per_message" in a and "cpu_per_message" in b
                cells.append(f"{a['cpu_per_message'] / b['cpu_per_message']:.2f}" if both else "–")
            rows.append(f"| {label} | {level[1:]} | {' | '.join(cells)} |")
    return "\n".join(rows)


def main() -> None:
    os.environ["RASA_TELEMETRY_ENABLED"] = "false"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", nargs="+", default=["ours", "stock"], choices=CONFIGS)
    parser.add_argument("--baseline", type=Path, help="another checkout of Svar, for `baseline`")
    parser.add_argument("--concurrency", nargs="+", type=int, default=[10, 50])
    parser.add_argument("--conversations", type=int, help="per level; default max(60, 4 × C)")
    parser.add_argument("--sequential", type=int, default=100)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379")
    parser.add_argument("--label", default="", help="a word before the run names, e.g. after")
    parser.add_argument("--save", type=Path, help="write the figures to this JSON file")
    parser.add_argument("--compare", type=Path, help="an earlier --save file to compare with")
    parser.add_argument("--profile", type=Path, help="py-spy raw profiles into this folder")
    args = parser.parse_args()
    with reachable_redis(args.redis_url) as redis_server:
        results = asyncio.run(
            measure(
                args.configs,
                redis_server,
                args.concurrency,
                args.conversations,
                args.sequential,
                args.profile,
                args.baseline,
            )
        )
    runs = {f"{args.label} {name}".strip(): result for name, result in results.items()}
    print(f"\n{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at the end\n")
    earlier = json.loads(args.compare.read_text()) if args.compare else {}
    print(table({**earlier, **runs}))
    if len(runs) > 1:
        print()
        print(against_first(runs))
    if earlier:
        print()
        print(compared(earlier, runs))
    if args.save:
        args.save.write_text(json.dumps(runs, indent=2))


if __name__ == "__main__":
    main()
