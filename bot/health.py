"""`GET /healthz`: whether Redis, Rasa and the action server answer; 503 when one does not.

`GET /livez` says only that the front door itself runs.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import aiohttp
from aiohttp import web
from redis.exceptions import RedisError

from bot.keys import HTTP, RASA, SETTINGS, STORES


def setup_routes(app: web.Application) -> None:
    app.router.add_routes([web.get("/healthz", healthz), web.get("/livez", livez)])


async def livez(request: web.Request) -> web.Response:
    """The front door itself is up (for supervisors; /healthz checks what it depends on)."""
    return web.json_response({"status": "ok"})


async def healthz(request: web.Request) -> web.Response:
    app = request.app
    checks = dict(
        zip(
            ("redis", "rasa", "actions"),
            await asyncio.gather(
                _timed(lambda: _redis_ok(app)),
                _timed(app[RASA].healthy),
                _timed(lambda: _actions_ok(app)),
            ),
            strict=True,
        )
    )
    healthy = all(check["ok"] for check in checks.values())
    return web.json_response(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )


async def _timed(check: Callable[[], Awaitable[bool]]) -> dict[str, object]:
    started = time.perf_counter()
    ok = await check()
    return {"ok": ok, "ms": round((time.perf_counter() - started) * 1000, 1)}


async def _redis_ok(app: web.Application) -> bool:
    try:
        return bool(await asyncio.wait_for(app[STORES].redis.ping(), timeout=2))
    except (RedisError, OSError, asyncio.TimeoutError):
        return False


async def _actions_ok(app: web.Application) -> bool:
    try:
        async with app[HTTP].get(
            f"{app[SETTINGS].actions_url}/health", timeout=aiohttp.ClientTimeout(total=2)
        ) as response:
            return response.status == 200
    except (aiohttp.ClientError, asyncio.TimeoutError):
        return False
