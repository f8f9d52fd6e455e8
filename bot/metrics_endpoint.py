"""`GET /metrics`: the figures of bot/metrics.py in Prometheus' text format, for loopback
clients or for anyone with `SVAR_METRICS_TOKEN` as a bearer token."""

from __future__ import annotations

from aiohttp import web
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from bot.keys import CLOCK, METRICS, SETTINGS, STORES
from bot.request_checks import check_bearer_or_loopback


def setup_routes(app: web.Application) -> None:
    app.router.add_routes([web.get("/metrics", metrics)])


async def metrics(request: web.Request) -> web.Response:
    _check_scraper(request)
    figures = request.app[METRICS]
    await figures.refresh_shared(request.app[STORES], request.app[CLOCK]().timestamp())
    return web.Response(body=figures.exposition(), headers={"Content-Type": CONTENT_TYPE_LATEST})


def _check_scraper(request: web.Request) -> None:
    check_bearer_or_loopback(
        request,
        request.app[SETTINGS].metrics_token,
        wrong_key="send 'Authorization: Bearer <SVAR_METRICS_TOKEN>'",
        not_loopback="metrics answer other machines only with SVAR_METRICS_TOKEN set",
    )
