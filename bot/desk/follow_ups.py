"""The desk's follow-ups: chats an agent closed as `follow_up`, each a promise to contact the
customer again within the company's follow-up promise (two workdays by default).

Closing a chat so makes the task and tells the customer its case number, the date and what
happens next; agents see the tasks soonest first, take one (one wins) and record the outcome:
done closes it, not reached puts it back with the attempt noted.
"""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

from bot.desk import relay, tasks
from bot.desk.auth import current_session, json_body
from bot.keys import CALENDAR, CLOCK, PROFILE, STORES
from core.content.values import date_time_value
from store.follow_ups import FollowUp, FollowUpError, FollowUps, Status
from store.handoffs import Handoff

log = logging.getLogger(__name__)

DUE_SOON_SECONDS = 4 * 3600
MAX_NOTE = 1000


def routes() -> list[web.RouteDef]:
    return [
        web.get("/desk/api/follow-ups", list_follow_ups),
        web.post("/desk/api/follow-ups/{id}/take", take),
        web.post("/desk/api/follow-ups/{id}/outcome", record_outcome),
    ]


async def open_follow_up(app: web.Application, handoff: Handoff) -> FollowUp:
    """Make the follow-up of a chat closed as `follow_up` and tell the customer at once."""
    now = app[CLOCK]()
    due = app[CALENDAR].workday_deadline(now, app[PROFILE].promises.follow_up_workdays)
    follow_up = await app[STORES].follow_ups.add(
        conversation_id=handoff.conversation_id,
        channel=handoff.card.channel,
        language=handoff.card.language,
        topic=handoff.card.topic or "",
        handoff_id=handoff.id,
        created_at=now,
        due=due,
    )
    log.info("desk: follow-up %s for handoff %s", follow_up.case_number, handoff.id)
    try:
        await relay.say(
            app,
            handoff,
            "utter_follow_up_registered",
            {"case": follow_up.case_number, "deadline": date_time_value(due)},
        )
    except relay.ChannelUnavailable as error:  # the task stands; the desk sees its number
        log.warning("desk: could not tell %s: %s", handoff.conversation_id, error)
    return follow_up


async def list_follow_ups(request: web.Request) -> web.Response:
    return await tasks.list_open(
        request, "follow_ups", _store(request).pending, card, DUE_SOON_SECONDS
    )


async def take(request: web.Request) -> web.Response:
    session = await current_session(request, csrf=True)
    try:
        taken = await _store(request).take(request.match_info["id"], session.agent.username)
    except FollowUpError as error:
        raise web.HTTPConflict(reason=str(error)) from None
    return web.json_response(card(taken, request.app[CLOCK]().timestamp(), request.app))


async def record_outcome(request: web.Request) -> web.Response:
    """`{"done": true|false, "note": ...}`: the customer was contacted and the matter settled,
    or not reached (the task goes back, noted)."""
    session = await current_session(request, csrf=True)
    body = await json_body(request)
    done = body.get("done")
    if not isinstance(done, bool):
        raise web.HTTPBadRequest(reason="'done' must be true or false")
    try:
        recorded = await _store(request).record_outcome(
            request.match_info["id"],
            session.agent.username,
            done,
            str(body.get("note") or "")[:MAX_NOTE],
        )
    except FollowUpError as error:
        raise web.HTTPConflict(reason=str(error)) from None
    return web.json_response(card(recorded, request.app[CLOCK]().timestamp(), request.app))


def card(follow_up: FollowUp, now: float, app: web.Application) -> dict[str, Any]:
    """What the desk shows of one follow-up, with how urgent it is."""
    return {
        **follow_up.to_dict(),
        "topic": tasks.topic_title(app, follow_up.topic),
        **tasks.urgency(follow_up.status is not Status.DONE, follow_up.due, now, DUE_SOON_SECONDS),
    }


def _store(request: web.Request) -> FollowUps:
    return request.app[STORES].follow_ups
