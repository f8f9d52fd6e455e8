"""Extra-high load at the desk (store/load.py): a supervisor switches it with
`POST /desk/api/load` `{"on": true}`; every agent reads it with `GET /desk/api/load`; and each
round of the queue's updates sets it from the company profile's thresholds."""

from __future__ import annotations

import logging
import time

from aiohttp import web

from bot.desk.auth import current_session, json_body, supervisor_session
from bot.keys import PROFILE, STORES
from store.presence import Status

log = logging.getLogger(__name__)


def routes() -> list[web.RouteDef]:
    return [web.get("/desk/api/load", get), web.post("/desk/api/load", switch)]


async def get(request: web.Request) -> web.Response:
    await current_session(request, csrf=False)
    return web.json_response((await request.app[STORES].load.get()).to_dict())


async def switch(request: web.Request) -> web.Response:
    session = await supervisor_session(request, csrf=True)
    on = (await json_body(request)).get("on")
    if not isinstance(on, bool):
        raise web.HTTPBadRequest(reason="on is true or false")
    state = await request.app[STORES].load.switch(on, session.agent.username, time.time())
    log.info("desk: %s switched extra-high load %s", session.agent.username, on)
    return web.json_response(state.to_dict())


async def follow_thresholds(app: web.Application, now: float) -> bool:
    """Set the state from how many wait and the estimated wait of the next customer, with the
    agents online; True when it changed."""
    stores = app[STORES]
    waiting = await stores.handoffs.waiting_count()
    online = sum(s is Status.ONLINE for s in (await stores.presence.statuses()).values())
    wait = await stores.handoffs.wait_minutes(
        waiting + 1, app[PROFILE].promises.phone_answer_minutes, online
    )
    busy = app[PROFILE].queue.busy(waiting, wait)
    changed = await stores.load.follow_thresholds(busy, now)
    if changed:
        log.warning("desk: extra-high load %s (%d waiting, about %d min)", busy, waiting, wait)
    return changed
