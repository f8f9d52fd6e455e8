"""End-to-end reply latency through the front door: customer message in, bot answer out.

Sends N messages (everyday questions in Norwegian and English, in turn) one at a time to a
running stack's `POST /api/messages`, each from its own short conversation, and prints the
median and 95th percentile. Start the stack first (`make run`), then:

    .venv/bin/python -m benchmarks.reply_latency [--url http://127.0.0.1:8000] [-n 100]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid

import aiohttp

QUESTIONS = [
    "hei",
    "når åpner dere i morgen?",
    "hva er nettleie?",
    "hello",
    "how do I set up e-invoice?",
    "strømmen er borte i 0552",
    "what is your phone number",
    "jeg har ikke fått regningen",
    "my internet is very slow",
    "takk for hjelpen",
]


async def run(url: str, n: int) -> None:
    latencies = []
    async with aiohttp.ClientSession() as http:
        for i in range(n):
            body = {
                "sender": f"bench-{uuid.uuid4().hex[:12]}",
                "text": QUESTIONS[i % len(QUESTIONS)],
            }
            started = time.perf_counter()
            async with http.post(f"{url}/api/messages", json=body) as response:
                assert response.status == 200, await response.text()
                replies = (await response.json())["messages"]
            latencies.append(time.perf_counter() - started)
            assert replies, f"no reply to {body['text']!r}"
    latencies.sort()
    print(f"{n} messages, one at a time, through {url}/api/messages")
    print(
        f"  median {statistics.median(latencies) * 1000:.1f} ms   "
        f"p95 {latencies[int(0.95 * (n - 1))] * 1000:.1f} ms   max {latencies[-1] * 1000:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("-n", type=int, default=100)
    args = parser.parse_args()
    asyncio.run(run(args.url.rstrip("/"), args.n))


if __name__ == "__main__":
    main()
