"""The website channel: the chat page, its WebSocket, and `POST /api/messages` for scripts.

Replies to a message go straight back on the socket that sent it. Messages that start
elsewhere (an agent's answer, a queue update) are published to the conversation's outbox in
Redis; every front door listens there and forwards them to the sockets it holds, so a
customer reaches the agent whichever replica their browser is connected to.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import WSMsgType, web

from bot.keys import ROUTER, SETTINGS, STORES
from bot.messages import Inbound, MessageError, Outbound, check_text
from bot.request_checks import check_origin, json_body
from bot.tasks import cancel_and_wait
from bot.web import STATIC, page

log = logging.getLogger(__name__)

CHANNEL = "web"
_SENDER = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
HISTORY_ON_CONNECT = 50

SOCKETS = web.AppKey("web_sockets", dict[str, set[web.WebSocketResponse]])


def setup_routes(app: web.Application) -> None:
    app[SOCKETS] = {}
    app.cleanup_ctx.append(_outbox_listener)
    app.router.add_routes(
        [
            web.get("/", chat_page),
            web.get("/ws", socket),
            web.post("/api/messages", post_message),
            web.static("/static", STATIC),
        ]
    )


async def chat_page(request: web.Request) -> web.Response:
    return page("index.html")


async def post_message(request: web.Request) -> web.Response:
    """One message in, the bot's replies out, as JSON."""
    body = await json_body(request, json_type_only=False)
    sender = body.get("sender")
    if not isinstance(sender, str) or not _SENDER.match(sender):
        raise web.HTTPBadRequest(reason="'sender' must be 1-64 letters, digits or _.:-")
    message = _inbound(f"{CHANNEL}:{sender}", body, request.app[SETTINGS].max_message_chars)
    router = request.app[ROUTER]
    replies = await router.handle(message)
    conversation = await request.app[STORES].conversations.get(message.conversation_id)
    return web.json_response(
        {
            "conversation_id": message.conversation_id,
            "language": conversation.language if conversation else None,
            "messages": [reply.to_dict() for reply in replies],
        }
    )


async def socket(request: web.Request) -> web.WebSocketResponse:
    """The widget's socket: history on connect, then messages both ways."""
    check_origin(
        request, request.app[SETTINGS].allowed_origins, "this origin may not open the chat"
    )
    conversation = request.query.get("conversation", "")
    if not _SENDER.match(conversation):
        raise web.HTTPBadRequest(reason="'conversation' must be 1-64 letters, digits or _.:-")
    conversation_id = f"{CHANNEL}:{conversation}"
    settings = request.app[SETTINGS]
    ws = web.WebSocketResponse(heartbeat=25, max_msg_size=settings.max_body_bytes)
    await ws.prepare(request)
    router = request.app[ROUTER]
    history = await request.app[STORES].transcripts.read(conversation_id, HISTORY_ON_CONNECT)
    await ws.send_json({"type": "history", "entries": [e.to_dict() for e in history]})
    sockets = request.app[SOCKETS]
    sockets.setdefault(conversation_id, set()).add(ws)
    try:
        async for frame in ws:
            if frame.type is not WSMsgType.TEXT:
                continue
            try:
                message = _inbound(
                    conversation_id, json.loads(frame.data), settings.max_message_chars
                )
            except (ValueError, MessageError) as error:
                await ws.send_json({"type": "error", "error": str(error)})
                continue
            await ws.send_json({"type": "typing"})
            for reply in await router.handle(message):
                await ws.send_json({"type": "message", **reply.to_dict()})
            # Nothing more comes now (a queued chat waits for a person): stop "typing…".
            await ws.send_json({"type": "done"})
    finally:
        sockets[conversation_id].discard(ws)
        if not sockets[conversation_id]:
            del sockets[conversation_id]
    return ws


def _inbound(conversation_id: str, body: Any, max_chars: int) -> Inbound:
    if not isinstance(body, dict):
        raise MessageError("expected a JSON object")
    payload = body.get("payload")
    if payload is not None and not (isinstance(payload, str) and payload.startswith("/")):
        raise MessageError("'payload' must be a button payload starting with '/'")
    if payload is not None and len(payload) > max_chars:
        raise MessageError(f"the payload is longer than {max_chars} characters")
    # A button click carries its title as the text the customer sees in the transcript.
    text = check_text(body.get("text") or payload, max_chars)
    return Inbound(conversation_id, CHANNEL, text, payload)


async def _outbox_listener(app: web.Application) -> AsyncIterator[None]:
    """Forward published messages to the sockets this front door holds."""
    app[ROUTER].register_channel(CHANNEL, app[ROUTER].publish)
    task = asyncio.create_task(_forward_outbox(app))
    yield
    await cancel_and_wait(task)


async def _forward_outbox(app: web.Application) -> None:
    while True:
        try:
            async for conversation_id, data in app[STORES].outbox.messages():
                message = Outbound.from_dict(data)
                for ws in list(app[SOCKETS].get(conversation_id, ())):
                    await ws.send_json({"type": "message", **message.to_dict()})
        except asyncio.CancelledError:
            raise
        except Exception:  # a Redis restart must not end forwarding for good
            log.exception("outbox listener failed; retrying")
            await asyncio.sleep(1)
