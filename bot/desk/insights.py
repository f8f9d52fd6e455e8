"""The supervisors' insights page: `GET /desk/insights` (the page), `GET /desk/api/insights`
(every table of a period, JSON) and `GET /desk/api/insights.csv?table=NAME` (one table as a
CSV file). `from` and `to` (ISO days, both included) choose the period; the last 30 days by
default. The tables are computed by bot/reports/insights.py, as the command prints them.
Supervisors only: other agents get 403, a browser without a session is sent to log in.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.desk.auth import supervisor_session
from bot.keys import CLOCK, PROFILE, STORES
from bot.reports.insights import Table, gather, to_csv
from bot.web import page

DEFAULT_DAYS = 30
MAX_DAYS = 366  # a year at most: a period's records are read whole


def routes() -> list[web.RouteDef]:
    return [
        web.get("/desk/insights", insights_page),
        web.get("/desk/api/insights", insights),
        web.get("/desk/api/insights.csv", insights_csv),
    ]


async def insights_page(request: web.Request) -> web.StreamResponse:
    try:
        await supervisor_session(request, csrf=False)
    except web.HTTPUnauthorized:
        raise web.HTTPFound("/desk") from None
    response = page("insights.html")
    response.headers["Cache-Control"] = "no-store"
    return response


async def insights(request: web.Request) -> web.Response:
    """Every table of the period, with the charter's bars the charts draw in."""
    await supervisor_session(request, csrf=False)
    first, last = _period(request)
    report = await _gather(request, first, last)
    policy = request.app[PROFILE].insights
    body: dict[str, Any] = {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "bars": {
            "csat": policy.csat_excellent,
            "nps": policy.nps_excellent,
            "phone_answer_minutes": request.app[PROFILE].promises.phone_answer_minutes,
        },
        "tables": [
            {"name": t.name, "columns": list(t.columns), "rows": [list(r) for r in t.rows]}
            for t in report
        ],
    }
    return web.json_response(body, headers={"Cache-Control": "no-store"})


async def insights_csv(request: web.Request) -> web.Response:
    """One table of the period as a CSV file to save."""
    await supervisor_session(request, csrf=False)
    first, last = _period(request)
    name = request.query.get("table", "")
    table = next((t for t in await _gather(request, first, last) if t.name == name), None)
    if table is None:
        raise web.HTTPBadRequest(reason=f"no table {name!r}")
    return web.Response(
        text=to_csv(table),
        content_type="text/csv",
        charset="utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="svar-{name}-{first}-{last}.csv"',
            "Cache-Control": "no-store",
        },
    )


async def _gather(request: web.Request, first: date, last: date) -> list[Table]:
    now = request.app[CLOCK]().timestamp()
    return await gather(request.app[STORES], request.app[PROFILE], first, last, now)


def _period(request: web.Request) -> tuple[date, date]:
    """The days asked for, both included; 400 for a day that is none or a period backwards."""
    zone = ZoneInfo(request.app[PROFILE].timezone)
    today = request.app[CLOCK]().astimezone(zone).date()
    try:
        last = date.fromisoformat(request.query.get("to") or today.isoformat())
        first = date.fromisoformat(
            request.query.get("from") or (last - timedelta(days=DEFAULT_DAYS - 1)).isoformat()
        )
    except ValueError:
        raise web.HTTPBadRequest(reason="from and to are days, like 2026-11-30") from None
    if not first <= last <= first + timedelta(days=MAX_DAYS - 1):
        raise web.HTTPBadRequest(reason=f"from must come before to, at most {MAX_DAYS} days")
    return first, last
