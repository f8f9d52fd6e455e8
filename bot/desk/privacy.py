"""A customer's right of access and to erasure in the desk, for supervisors only.

`GET /desk/api/privacy/{conversation}` downloads everything kept about a conversation (the
export of store/privacy.py, as a JSON attachment); `POST /desk/api/privacy/{conversation}/erase`
(with the CSRF token) removes it and says what was removed. Other agents get 403, callers
without a session 401. Every use is logged and written to the audit trail (store/audit.py)
before it is done, so none goes unrecorded; refusals are logged too. The log and the trail name
the agent and the conversation id only.
"""

from __future__ import annotations

import functools
import json
import logging
import re

from aiohttp import web

from bot.desk.auth import supervisor_session
from bot.keys import STORES
from store.privacy import erase, export

log = logging.getLogger(__name__)

# Every channel's ids (web:…, fb:…, tg:…) fit; anything else is no conversation of ours.
CONVERSATION = re.compile(r"^[A-Za-z0-9_.:-]{1,100}$")


def routes() -> list[web.RouteDef]:
    return [
        web.get("/desk/api/privacy/{conversation}", download),
        web.post("/desk/api/privacy/{conversation}/erase", erase_everything),
    ]


async def download(request: web.Request) -> web.Response:
    """Everything kept about the conversation, as a JSON file to save."""
    session = await supervisor_session(request, csrf=False)
    conversation_id = _conversation(request)
    exported = await export(request.app[STORES].redis, conversation_id, session.agent.username)
    log.info(
        "privacy: %s exported %s (%d records, %d log entries)",
        session.agent.username,
        conversation_id,
        len(exported["records"]),
        sum(len(entries) for entries in exported["log_entries"].values()),
    )
    filename = "svar-" + conversation_id.replace(":", "-") + ".json"
    return web.json_response(
        exported,
        dumps=functools.partial(json.dumps, ensure_ascii=False, indent=2),
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


async def erase_everything(request: web.Request) -> web.Response:
    """Remove every record of the conversation; what was removed, by kind."""
    session = await supervisor_session(request, csrf=True)
    conversation_id = _conversation(request)
    removed = await erase(request.app[STORES].redis, conversation_id, session.agent.username)
    log.info(
        "privacy: %s erased %s (%s)",
        session.agent.username,
        conversation_id,
        ", ".join(f"{n} {kind}" for kind, n in removed.items()),
    )
    return web.json_response(
        {"conversation_id": conversation_id, "removed": removed},
        headers={"Cache-Control": "no-store"},
    )


def _conversation(request: web.Request) -> str:
    conversation_id = request.match_info["conversation"]
    if not CONVERSATION.match(conversation_id):
        raise web.HTTPBadRequest(reason="a conversation id is 1-100 letters, digits or _.:-")
    return conversation_id
