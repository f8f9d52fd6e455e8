"""What the chat widget shows above the chat: `GET /api/notice?lang=nb` gives the notice
while extra-high load is on (store/load.py), in the customer's language, or none, and the
operations notices going on now (store/ops_notices.py)."""

from __future__ import annotations

from aiohttp import web

from bot.keys import ANSWERS, CLOCK, FACTS, PROFILE, STORES

NOTICE = "utter_notice_extra_high_load"


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/api/notice", notice)


async def notice(request: web.Request) -> web.Response:
    profile = request.app[PROFILE]
    language = request.query.get("lang", "")
    if language not in profile.languages:
        language = profile.default_language
    text = None
    if (await request.app[STORES].load.get()).on:
        facts = request.app[FACTS][language]
        text = request.app[ANSWERS].render(NOTICE, language, facts, language).text
    going_on = await request.app[STORES].ops_notices.active(request.app[CLOCK]())
    return web.json_response(
        {"notice": text, "notices": [n.text[language] for n in going_on], "language": language},
        headers={"Cache-Control": "no-store"},
    )
