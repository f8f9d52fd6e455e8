"""Operations notices at the desk (store/ops_notices.py): supervisors publish and remove them;
every agent sees them.

`POST /desk/api/notices` `{text: {nb, en}, postal_codes: [...], starts?, ends?}` (ISO times
with a zone; `starts` defaults to now), `GET /desk/api/notices`,
`POST /desk/api/notices/{id}/remove`.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from aiohttp import web

from bot.desk.auth import current_session, json_body, supervisor_session
from bot.keys import CLOCK, PROFILE, STORES
from store.ops_notices import OpsNotice

log = logging.getLogger(__name__)
MAX_TEXT = 500


def routes() -> list[web.RouteDef]:
    return [
        web.get("/desk/api/notices", listed),
        web.post("/desk/api/notices", publish),
        web.post("/desk/api/notices/{id}/remove", remove),
    ]


async def listed(request: web.Request) -> web.Response:
    await current_session(request, csrf=False)
    notices = await request.app[STORES].ops_notices.all(request.app[CLOCK]())
    return web.json_response({"notices": [n.to_dict() for n in notices]})


async def publish(request: web.Request) -> web.Response:
    session = await supervisor_session(request, csrf=True)
    body = await json_body(request)
    try:
        notice = parse(body, request.app[PROFILE].languages, request.app[CLOCK](), session)
    except (TypeError, ValueError) as error:
        raise web.HTTPBadRequest(reason=str(error)) from None
    await request.app[STORES].ops_notices.publish(notice)
    log.info("desk: %s published operations notice %s", session.agent.username, notice.id)
    return web.json_response(notice.to_dict())


async def remove(request: web.Request) -> web.Response:
    session = await supervisor_session(request, csrf=True)
    if not await request.app[STORES].ops_notices.remove(request.match_info["id"]):
        raise web.HTTPNotFound(reason="no such notice")
    log.info(
        "desk: %s removed operations notice %s", session.agent.username, request.match_info["id"]
    )
    return web.json_response({"removed": request.match_info["id"]})


def parse(
    body: dict[str, Any], languages: tuple[str, ...], now: datetime, session: Any
) -> OpsNotice:
    """A notice from the desk's JSON: a text in every language of the company."""
    text = body.get("text")
    if not isinstance(text, dict):
        raise ValueError("text is an object of a text per language")
    texts = {lang: str(text.get(lang) or "").strip()[:MAX_TEXT] for lang in languages}
    if not all(texts.values()):
        raise ValueError(f"text needs every language: {', '.join(languages)}")
    codes = body.get("postal_codes") or []
    if not isinstance(codes, list):
        raise ValueError("postal_codes is a list")
    starts = datetime.fromisoformat(body["starts"]) if body.get("starts") else now
    ends = datetime.fromisoformat(body["ends"]) if body.get("ends") else None
    return OpsNotice.new(
        text=texts,
        postal_codes=tuple(str(c).strip() for c in codes if str(c).strip()),
        starts=starts,
        ends=ends,
        by=session.agent.username,
    )
