"""Messenger webhook throughput of one front-door process, with the real Rasa answering.

Starts the stack (Rasa, the action server, Redis) unless given a running Rasa, one more front
door as its own process (`python -m bot`) with Messenger on, and a fake Graph API on loopback
(tests/fakes/graph_api.py) for its Send API calls. Then posts N customer messages as signed,
batched webhook deliveries (each customer writes twice, in one delivery), with bounded
concurrency, and prints: the webhook's response times (median, p95), how fast it accepted
messages, and the time until the fake Send API had a reply to every message, i.e. the
messages per second that front door takes with Rasa answering; then, for comparison, how fast
Rasa answers the same messages sent to it directly.

    .venv/bin/python -m benchmarks.messenger_webhook [-n 400] [--batch 4] [--concurrency 8]
        [--rasa-url http://127.0.0.1:5005 --rasa-token TOKEN] [--redis-url redis://…]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import redis

from stack.ports import free_port
from stack.scratch_redis import reachable_redis

ROOT = Path(__file__).resolve().parent.parent
# Everyday questions with a plain answer: none asks for a person, so every one is answered.
FIRST = ["hei", "hello", "når har dere åpent?", "what is your phone number", "hei, hvordan går det"]
SECOND = [
    "hvordan setter jeg opp efaktura?",
    "how do I read my meter?",
    "hva er nettleie?",
    "how long do you take to answer an e-mail?",
    "jeg skal flytte",
]
STACK_DB = 12
FRONT_DOOR_DB = 10
READY_SECONDS = 300


def main() -> None:
    os.environ["RASA_TELEMETRY_ENABLED"] = "false"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--messages", type=int, default=400)
    parser.add_argument("--batch", type=int, default=4, help="messages per delivery (even)")
    parser.add_argument("--concurrency", type=int, default=8, help="deliveries in flight")
    parser.add_argument("--rasa-url", help="a running Rasa; default: start the stack")
    parser.add_argument("--rasa-token", default="")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379")
    args = parser.parse_args()
    if args.batch < 2 or args.batch % 2:
        parser.error("--batch must be even: each customer writes twice in one delivery")
    with contextlib.ExitStack() as stack:
        redis_server = stack.enter_context(reachable_redis(args.redis_url))
        if args.rasa_url:
            rasa_url, rasa_token = args.rasa_url.rstrip("/"), args.rasa_token
        else:
            print("starting the stack (Rasa, actions, Redis)…", flush=True)
            running = stack.enter_context(_stack(redis_server))
            rasa_url, rasa_token = running.rasa_url, running.rasa_token
        asyncio.run(
            run(
                f"{redis_server}/{FRONT_DOOR_DB}",
                rasa_url,
                rasa_token,
                args.messages,
                args.batch,
                args.concurrency,
            )
        )


async def run(
    redis_url: str, rasa_url: str, rasa_token: str, n: int, batch: int, concurrency: int
) -> None:
    from tests.fakes import graph_api as fb

    page_token, app_secret = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    graph = fb.FakeGraphAPI(page_token, app_secret)
    await graph.start()
    redis.Redis.from_url(redis_url).flushdb()
    port = free_port()
    env = {
        **os.environ,
        "SVAR_PORT": str(port),
        "REDIS_URL": redis_url,
        "RASA_URL": rasa_url,
        "RASA_TOKEN": rasa_token,
        "MESSENGER_PAGE_TOKEN": page_token,
        "MESSENGER_APP_SECRET": app_secret,
        "MESSENGER_VERIFY_TOKEN": secrets.token_urlsafe(16),
        "GRAPH_API_URL": graph.url,
        "SVAR_ROOT": str(ROOT),
    }
    url = f"http://127.0.0.1:{port}"
    with tempfile.NamedTemporaryFile(prefix="frontdoor-", suffix=".log", delete=False) as log:
        front_door = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        async with aiohttp.ClientSession() as http:
            await _wait_ready(http, url, front_door)
            print(f"front door pid {front_door.pid} on {url} (log: {log.name})", flush=True)
            # Warm-up, not measured: Rasa's first answers are slow.
            await _round(http, url, graph, app_secret, 2 * batch, batch, concurrency)
            await _round(http, url, graph, app_secret, n, batch, concurrency, report=True)
            await _rasa_alone(http, rasa_url, n)
    finally:
        front_door.terminate()
        await front_door.wait()
        await graph.close()


async def _round(
    http: aiohttp.ClientSession,
    url: str,
    graph: Any,
    app_secret: str,
    n: int,
    batch: int,
    concurrency: int,
    report: bool = False,
) -> None:
    from tests.fakes import graph_api as fb

    customers = [str(10**15 + secrets.randbelow(9 * 10**15)) for _ in range(n // 2)]  # PSIDs
    events = []
    for i, psid in enumerate(customers):
        events += [
            fb.text_event(psid, FIRST[i % len(FIRST)]),
            fb.text_event(psid, SECOND[i % len(SECOND)]),
        ]
    deliveries = [fb.delivery(events[i : i + batch]) for i in range(0, len(events), batch)]
    limit = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    statuses: list[int] = []

    async def post(delivery: dict[str, Any]) -> None:
        body, headers = fb.signed(delivery, app_secret)
        async with limit:
            started = time.perf_counter()
            async with http.post(f"{url}/webhooks/messenger", data=body, headers=headers) as r:
                await r.read()
                statuses.append(r.status)
            latencies.append(time.perf_counter() - started)

    waiting = {psid: 2 for psid in customers}  # replies still to come, per customer
    counted = 0

    def answered() -> bool:
        nonlocal counted
        for call in graph.calls[counted:]:
            if call.is_message and waiting.get(call.psid, 0) > 0:
                waiting[call.psid] -= 1
                if not waiting[call.psid]:
                    del waiting[call.psid]
        counted = len(graph.calls)
        return not waiting

    started = time.perf_counter()
    await asyncio.gather(*(post(d) for d in deliveries))
    accepted = time.perf_counter() - started
    await graph.wait_for(answered, timeout=max(120, n))
    done = time.perf_counter() - started
    if not report:
        return
    latencies.sort()
    ours = set(customers)
    sends = sum(1 for c in graph.calls if c.psid in ours)
    print(
        f"\n{len(events)} messages from {len(customers)} customers in {len(deliveries)} signed "
        f"deliveries of {batch}, {concurrency} deliveries in flight, on loopback"
    )
    print(
        f"  webhook answers: {statuses.count(200)} × 200, others {len(statuses) - statuses.count(200)}"
    )
    print(
        f"  webhook response time: median {statistics.median(latencies) * 1000:.1f} ms, "
        f"p95 {latencies[int(0.95 * (len(latencies) - 1))] * 1000:.1f} ms, "
        f"max {latencies[-1] * 1000:.1f} ms"
    )
    print(f"  accepted: all in {accepted:.2f} s = {len(events) / accepted:.0f} messages/s")
    print(
        f"  answered (every message has its reply at the fake Send API): {done:.2f} s = "
        f"{len(events) / done:.1f} messages/s with Rasa answering"
    )
    print(f"  Send API calls: {sends} (replies and typing indicators)")


async def _rasa_alone(http: aiohttp.ClientSession, rasa_url: str, n: int) -> None:
    """For comparison: the same messages straight to Rasa's REST channel, as many at once as
    the front door's inbox sends (bot.channels.inbox.CONCURRENCY)."""
    from bot.channels.inbox import CONCURRENCY

    limit = asyncio.Semaphore(CONCURRENCY)

    async def customer(i: int) -> None:
        sender = f"bench-rasa-{secrets.token_hex(8)}"
        async with limit:
            for text in (FIRST[i % len(FIRST)], SECOND[i % len(SECOND)]):
                body = {"sender": sender, "message": text, "metadata": {"language": "nb"}}
                async with http.post(f"{rasa_url}/webhooks/rest/webhook", json=body) as response:
                    assert response.status == 200, await response.text()
                    await response.read()

    started = time.perf_counter()
    await asyncio.gather(*(customer(i) for i in range(n // 2)))
    took = time.perf_counter() - started
    print(
        f"  for comparison, Rasa alone (REST, {CONCURRENCY} customers at once): "
        f"{took:.2f} s = {n / took:.1f} messages/s"
    )


@contextlib.contextmanager
def _stack(redis_server: str) -> Iterator[Any]:
    from stack.train import ensure_model
    from tests.helpers import start_stack

    ensure_model(ROOT, ROOT / ".state")  # train first if needed: the stack's start is timed
    with tempfile.TemporaryDirectory(prefix="svar-bench-") as logs:
        running = start_stack(redis_server, STACK_DB, Path(logs), {})
        yield next(running)
        with contextlib.suppress(StopIteration):
            next(running)


async def _wait_ready(
    http: aiohttp.ClientSession, url: str, process: asyncio.subprocess.Process
) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.returncode is not None:
            raise SystemExit(f"the front door exited with {process.returncode}")
        with contextlib.suppress(aiohttp.ClientError):
            async with http.get(f"{url}/livez") as response:
                if response.status == 200:
                    return
        await asyncio.sleep(0.2)
    raise SystemExit("the front door did not start")


if __name__ == "__main__":
    main()
