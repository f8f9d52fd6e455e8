"""Handoff latency through the whole stack, as a customer and an agent feel it.

For each of N customers, one after the other: the customer asks for a person on the web-chat
WebSocket, and the time until the context card appears on an open desk WebSocket is measured;
then an agent claims the card and writes M messages, and the time from the agent's request
until each message reaches the customer's socket is measured; then the agent closes. Prints
the median and 95th percentile of both.

Start the stack first, while the desk is open (outside opening hours the bot offers a
callback instead; SVAR_CLOCK moves the stack to a Tuesday morning; every customer here comes
from 127.0.0.1, so the limit on new chats per IP is raised):

    SVAR_CLOCK=2026-11-24T10:00+01:00 SVAR_LIMIT_NEW_CONVERSATIONS_PER_IP=1000/hour make run
    .venv/bin/python -m benchmarks.handoff_latency [--url http://127.0.0.1:8000] [-n 30] [-m 3]

A temporary agent is created in the stack's Redis (--redis, default REDIS_URL or the private
Redis `make run` starts) and removed afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import statistics
import time
from typing import Any

import aiohttp
from redis.asyncio import Redis

from store.agents import Agents

AGENT = "benchmark"


async def run(url: str, redis_url: str, n: int, m: int) -> None:
    password = secrets.token_urlsafe(16)
    redis = Redis.from_url(redis_url, decode_responses=True)
    await Agents(redis).add(AGENT, "Benchmark", password)
    handoff: list[float] = []
    relay: list[float] = []
    try:
        async with aiohttp.ClientSession() as http:
            headers = await _login(http, url, password)
            ws_url = url.replace("http", "ws", 1)
            async with http.ws_connect(
                f"{ws_url}/desk/ws", headers={"Cookie": headers["Cookie"]}
            ) as desk:
                await _next(desk, "snapshot")
                for _ in range(n):
                    # A new chat each time: the front door gives its id.
                    async with http.ws_connect(f"{ws_url}/ws") as customer:
                        conversation = (await _next(customer, "conversation"))["id"]
                        await _next(customer, "history")
                        started = time.perf_counter()
                        await customer.send_json(
                            {
                                "type": "message",
                                "text": "Snakk med en person",
                                "payload": "/request_human",
                            }
                        )
                        card = await _card(desk, f"web:{conversation}", customer)
                        handoff.append(time.perf_counter() - started)
                        await _post(
                            http, url, headers, f"/desk/api/handoffs/{card['id']}/claim", {}
                        )
                        await _next(customer, "message")  # "Benchmark is here now"
                        for i in range(m):
                            text = f"message {i} from the agent"
                            started = time.perf_counter()
                            await _post(
                                http,
                                url,
                                headers,
                                f"/desk/api/handoffs/{card['id']}/messages",
                                {"text": text},
                            )
                            while (await _next(customer, "message"))["text"] != text:
                                pass
                            relay.append(time.perf_counter() - started)
                        await _post(
                            http,
                            url,
                            headers,
                            f"/desk/api/handoffs/{card['id']}/close",
                            {"outcome": "resolved"},
                        )
    finally:
        await Agents(redis).remove(AGENT)
        await redis.close()
    print(f"{n} handoffs through {url}, one at a time")
    _print("handoff request -> card on the open desk (WebSocket)", handoff)
    _print("agent message -> customer's web-chat socket", relay)


async def _login(http: aiohttp.ClientSession, url: str, password: str) -> dict[str, str]:
    async with http.post(
        f"{url}/desk/api/login", json={"username": AGENT, "password": password}
    ) as response:
        assert response.status == 200, await response.text()
        token = response.cookies["svar_desk"].value
        return {"Cookie": f"svar_desk={token}", "X-CSRF-Token": (await response.json())["csrf"]}


async def _post(
    http: aiohttp.ClientSession, url: str, headers: dict[str, str], path: str, body: dict[str, Any]
) -> None:
    async with http.post(url + path, json=body, headers=headers) as response:
        assert response.status == 200, f"{path}: {response.status} {await response.text()}"


async def _next(ws: aiohttp.ClientWebSocketResponse, kind: str) -> dict[str, Any]:
    while True:
        event = await ws.receive_json(timeout=60)
        if event.get("type") == kind:
            return event  # type: ignore[no-any-return]


async def _card(
    desk: aiohttp.ClientWebSocketResponse,
    conversation_id: str,
    customer: aiohttp.ClientWebSocketResponse,
) -> dict[str, Any]:
    """The desk's `queued` event for this conversation; stops with a clear message when the
    bot offered a callback instead (the desk is closed, or the queue is long)."""

    async def queued() -> dict[str, Any]:
        while True:
            event = await _next(desk, "queued")
            if event["handoff"]["conversation_id"] == conversation_id:
                return event["handoff"]  # type: ignore[no-any-return]

    card = asyncio.create_task(queued())
    said = asyncio.create_task(_next(customer, "message"))
    done, _ = await asyncio.wait({card, said}, return_when=asyncio.FIRST_COMPLETED)
    if said in done and "/request_callback" in str(said.result()):
        card.cancel()
        raise SystemExit("the bot offered a callback: is the desk open? (see SVAR_CLOCK)")
    said.cancel()
    return await card


def _print(what: str, seconds: list[float]) -> None:
    ordered = sorted(seconds)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    print(
        f"  {what}: n={len(ordered)}  median {statistics.median(ordered) * 1000:.1f} ms   "
        f"p95 {p95 * 1000:.1f} ms   max {ordered[-1] * 1000:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6390/0"))
    parser.add_argument("-n", type=int, default=30, help="handoffs")
    parser.add_argument("-m", type=int, default=3, help="agent messages per handoff")
    args = parser.parse_args()
    asyncio.run(run(args.url.rstrip("/"), args.redis, args.n, args.m))


if __name__ == "__main__":
    main()
