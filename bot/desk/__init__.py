"""The agent desk at `/desk`: agents log in, see the queue live with each context card, claim
a chat, talk with the customer through the customer's own channel, write internal notes,
transfer, and close, after which the bot takes the conversation back and asks for a rating.

The flow and the Redis layout: docs/handoff.md.
"""

from __future__ import annotations

from aiohttp import web

from bot.desk import (
    api,
    auth,
    callbacks,
    complaints,
    follow_ups,
    insights,
    load,
    notices,
    presence,
    privacy,
    texts,
    ws,
)
from bot.web import page


def setup_routes(app: web.Application) -> None:
    app.cleanup_ctx.extend([ws.background, auth.password_pool])
    app.router.add_routes(
        [
            web.get("/desk", desk_page),
            web.post("/desk/api/login", auth.login),
            web.post("/desk/api/logout", auth.logout),
            web.get("/desk/api/me", auth.me),
            web.get("/desk/api/queue", api.queue),
            web.get("/desk/api/handoffs/{id}", api.handoff),
            web.post("/desk/api/handoffs/{id}/claim", api.claim),
            web.post("/desk/api/handoffs/{id}/messages", api.send_message),
            web.post("/desk/api/handoffs/{id}/notes", api.add_note),
            web.post("/desk/api/handoffs/{id}/transfer", api.transfer),
            web.post("/desk/api/handoffs/{id}/close", api.close),
            web.post("/desk/api/handoffs/{id}/reassign", api.reassign),
            web.get("/desk/api/dead-letters", api.dead_letters),
            web.get("/desk/ws", ws.desk_socket),
            *callbacks.routes(),
            *complaints.routes(),
            *follow_ups.routes(),
            *insights.routes(),
            *load.routes(),
            *notices.routes(),
            *presence.routes(),
            *privacy.routes(),
            *texts.routes(),
        ]
    )


async def desk_page(request: web.Request) -> web.Response:
    response = page("desk.html")
    response.headers["Cache-Control"] = "no-store"
    return response
