"""Soak: N customers chatting through the whole stack for M minutes, as the widget does.

Starts the stack itself (as `benchmarks.load` does: Redis from `--redis-url` or a scratch one,
the action server, the front door and Rasa on free loopback ports). Each customer opens the
chat's WebSocket without a conversation (the front door gives one and its token), sends a
short conversation's messages with the widget's message ids, waits for the acknowledgement and
the answer, thinks a while (`--think` seconds on average, 0.5-1.5 times that), and starts a new
conversation after 3-5 messages. All customers come from 127.0.0.1, so the per-IP limits and
the caps per client are raised for the run (the per-conversation ones stay as set).

At the end it waits for answers still on their way, then prints messages sent, acknowledged,
answered, lost (sent and never answered: must be 0), errors, the polite "can't answer now"
answers among the answered, latency median and p95 (message sent to first answer), and each
process's memory (RSS; Redis's own figure) at start and end.

    .venv/bin/python -m benchmarks.soak --customers 100 --minutes 10 [--think 8]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import redis

from benchmarks.load import unavailable_prefixes
from benchmarks.load_stacks import running
from benchmarks.reply_latency import QUESTIONS
from stack.scratch_redis import reachable_redis

REDIS_DB = 8
DRAIN_SECONDS = 120
# All customers share 127.0.0.1: per-IP limits far above what the run sends.
RAISED_LIMITS = {
    "SVAR_LIMIT_MESSAGES_PER_IP": "1000000/minute",
    "SVAR_LIMIT_SOCKET_OPENS_PER_IP": "1000000/minute",
    "SVAR_LIMIT_NEW_CONVERSATIONS_PER_IP": "1000000/hour",
    "SVAR_LIMIT_HANDOFFS_PER_CLIENT": "1000000/day",
    "SVAR_LIMIT_CALLBACKS_PER_CLIENT": "1000000/day",
}


@dataclass
class Tally:
    sent: int = 0
    acked: int = 0
    answered: int = 0
    polite: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    waiting: dict[str, float] = field(default_factory=dict)  # message id -> sent at


async def customer(
    number: int, ws_url: str, until: float, think: float, tally: Tally, polite: tuple[str, ...]
) -> None:
    rng = random.Random(number)
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < until:
            try:
                await conversation(http, number, ws_url, until, think, rng, tally, polite)
            except (aiohttp.ClientError, asyncio.TimeoutError, ConnectionError):
                tally.errors += 1
                await asyncio.sleep(1)


async def conversation(
    http: aiohttp.ClientSession,
    number: int,
    ws_url: str,
    until: float,
    think: float,
    rng: random.Random,
    tally: Tally,
    polite: tuple[str, ...],
) -> None:
    async with http.ws_connect(f"{ws_url}/ws", heartbeat=20) as ws:
        hello = await ws.receive_json(timeout=30)
        assert hello["type"] == "conversation", hello
        await ws.receive_json(timeout=30)  # the (empty) history
        for turn in range(rng.randint(3, 5)):
            if time.monotonic() >= until:
                return
            message_id = f"c{number}-{hello['id'][:8]}-{turn}"
            tally.waiting[message_id] = time.monotonic()
            tally.sent += 1
            await ws.send_json({"type": "message", "id": message_id, "text": rng.choice(QUESTIONS)})
            answered = False
            while True:
                frame = await ws.receive_json(timeout=DRAIN_SECONDS)
                if frame["type"] == "ack":
                    tally.acked += 1
                elif frame["type"] == "message" and not answered:
                    answered = True
                    tally.answered += 1
                    tally.latencies.append(time.monotonic() - tally.waiting.pop(message_id))
                    tally.polite += frame["text"].startswith(polite)
                elif frame["type"] in ("error", "limited"):
                    tally.errors += 1
                elif frame["type"] == "done":
                    break
            await asyncio.sleep(think * rng.uniform(0.5, 1.5))


def memory(pids: dict[str, int], redis_url: str) -> dict[str, float]:
    """RSS in MiB of each process, and Redis's own resident figure."""
    found = {}
    for name, pid in pids.items():
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                found[name] = int(line.split()[1]) / 1024
    found["redis"] = int(redis.Redis.from_url(redis_url).info("memory")["used_memory_rss"]) / 2**20
    return found


async def soak(redis_url: str, customers: int, minutes: float, think: float) -> None:
    os.environ.update(RAISED_LIMITS)
    with tempfile.TemporaryDirectory(prefix="svar-soak-") as logs:
        async with running("ours", redis_url, Path(logs), None) as stack:
            ws_url = stack.front_door_url.replace("http", "ws")
            pids = stack.pids
            before = memory(pids, redis_url)
            tally = Tally()
            started = time.monotonic()
            until = started + minutes * 60
            polite = unavailable_prefixes()
            print(f"{customers} customers for {minutes} min, think {think} s…", flush=True)
            await asyncio.wait_for(
                asyncio.gather(
                    *(customer(n, ws_url, until, think, tally, polite) for n in range(customers))
                ),
                timeout=minutes * 60 + DRAIN_SECONDS,
            )
            elapsed = time.monotonic() - started
            after = memory(pids, redis_url)
    report(tally, elapsed, customers, before, after)


def report(
    tally: Tally, elapsed: float, customers: int, before: dict[str, float], after: dict[str, float]
) -> None:
    latencies = sorted(tally.latencies)
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("nan")
    median = statistics.median(latencies) if latencies else float("nan")
    print(f"\n{customers} customers, {elapsed / 60:.1f} minutes")
    print(f"  sent {tally.sent}   acknowledged {tally.acked}   answered {tally.answered}")
    print(f"  lost {tally.sent - tally.answered}   errors {tally.errors}   "
          f"polite 'can't answer now' {tally.polite}")  # fmt: skip
    print(f"  latency median {median * 1000:.0f} ms   p95 {p95 * 1000:.0f} ms   "
          f"({tally.answered / elapsed:.1f} answers/s)")  # fmt: skip
    print("  memory (MiB)   start     end   growth")
    for name in before:
        print(
            f"  {name:<12} {before[name]:7.1f} {after[name]:7.1f} {after[name] - before[name]:+8.1f}"
        )
    print(f"  load average {os.getloadavg()[0]:.1f} at the end, {os.cpu_count()} cores")


def main() -> None:
    os.environ["RASA_TELEMETRY_ENABLED"] = "false"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--think", type=float, default=8.0, help="mean seconds between messages")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379")
    args = parser.parse_args()
    with reachable_redis(args.redis_url) as server:
        asyncio.run(soak(f"{server}/{REDIS_DB}", args.customers, args.minutes, args.think))


if __name__ == "__main__":
    main()
