"""The agent's presence at the desk: `GET /desk/api/presence` and `POST` with `{"status"}`
(online, away, offline). Handoffs go only to agents online (store/presence.py)."""

from __future__ import annotations

from aiohttp import web

from bot.desk.auth import current_session, json_body
from bot.keys import STORES
from store.presence import Status


def routes() -> list[web.RouteDef]:
    return [web.get("/desk/api/presence", get), web.post("/desk/api/presence", choose)]


async def get(request: web.Request) -> web.Response:
    session = await current_session(request, csrf=False)
    status = await request.app[STORES].presence.status(session.agent.username)
    return web.json_response({"status": status.value})


async def choose(request: web.Request) -> web.Response:
    session = await current_session(request, csrf=True)
    try:
        status = Status(str((await json_body(request)).get("status")))
    except ValueError:
        raise web.HTTPBadRequest(reason="status is online, away or offline") from None
    presence = request.app[STORES].presence
    await presence.choose(session.agent.username, status)
    return web.json_response({"status": (await presence.status(session.agent.username)).value})
