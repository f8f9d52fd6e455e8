"""The desk's callbacks: promises to call customers back, soonest deadline first.

Agents see each promise with its deadline and a countdown, take one (one agent wins), and
record each call: reached closes it, not reached puts it back with the attempt noted. Promises
close to or past their deadline are flagged, so none is missed unseen.
"""

from __future__ import annotations

from typing import Any

import phonenumbers
from aiohttp import web

from bot.desk import tasks
from bot.desk.auth import current_session, json_body
from bot.keys import CLOCK, PROFILE, STORES
from store.callbacks import Callback, CallbackError, Callbacks, Status

# Flag a promise this long before its deadline, while there is still time to keep it.
DUE_SOON_SECONDS = 2 * 3600
MAX_NOTE = 1000


def routes() -> list[web.RouteDef]:
    return [
        web.get("/desk/api/callbacks", list_callbacks),
        web.post("/desk/api/callbacks/{id}/take", take),
        web.post("/desk/api/callbacks/{id}/attempts", record_attempt),
    ]


async def list_callbacks(request: web.Request) -> web.Response:
    return await tasks.list_open(
        request, "callbacks", _store(request).pending, card, DUE_SOON_SECONDS
    )


async def take(request: web.Request) -> web.Response:
    session = await current_session(request, csrf=True)
    try:
        taken = await _store(request).take(request.match_info["id"], session.agent.username)
    except CallbackError as error:
        raise web.HTTPNotFound(reason=str(error)) from None
    if not taken:
        raise web.HTTPConflict(reason="another agent has this callback, or it is done")
    return web.json_response({"taken": True})


async def record_attempt(request: web.Request) -> web.Response:
    session = await current_session(request, csrf=True)
    body = await json_body(request)
    reached = body.get("reached")
    outcome = str(body.get("outcome") or ("reached" if reached else "no_answer"))[:100]
    if not isinstance(reached, bool):
        raise web.HTTPBadRequest(reason="'reached' must be true or false")
    try:
        callback = await _store(request).record_attempt(
            request.match_info["id"],
            session.agent.username,
            reached,
            outcome,
            str(body.get("note") or "")[:MAX_NOTE],
        )
    except CallbackError as error:
        raise web.HTTPConflict(reason=str(error)) from None
    now = request.app[CLOCK]().timestamp()
    return web.json_response(card(callback, now, request.app))


def card(callback: Callback, now: float, app: web.Application) -> dict[str, Any]:
    """What the desk shows of one callback, with how urgent it is."""
    profile = app[PROFILE]
    number = phonenumbers.parse(callback.phone, profile.country)
    return {
        "id": callback.id,
        "name": callback.name,
        "phone": callback.phone,
        "phone_display": phonenumbers.format_number(
            number, phonenumbers.PhoneNumberFormat.INTERNATIONAL
        ),
        "topic": tasks.topic_title(app, callback.topic),
        "time_window": callback.time_window,
        "language": callback.language,
        "channel": callback.channel,
        "conversation_id": callback.conversation_id,
        "requested_at": callback.requested_at,
        "deadline": callback.deadline,
        "status": callback.status.value,
        "agent": callback.agent,
        "attempts": [
            {"at": a.at, "agent": a.agent, "outcome": a.outcome, "note": a.note}
            for a in callback.attempts
        ],
        **tasks.urgency(
            callback.status is not Status.DONE, callback.deadline, now, DUE_SOON_SECONDS
        ),
    }


def _store(request: web.Request) -> Callbacks:
    return request.app[STORES].callbacks
