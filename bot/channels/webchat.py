"""The website channel: the chat page, its WebSocket, and `POST /api/messages` for scripts.

A web conversation belongs to the browser the front door gave it to: a socket opened without
a conversation gets a new random id and its signed token (bot/channels/conversation_tokens.py);
a socket that names a conversation must bring its token. Scripts and integrations use
`/api/messages`, in a namespace of their own (`api:<sender>`), with `SVAR_API_KEY` as a bearer
token (or, with no key set, from this machine only).

Each message the widget sends carries its own id; the front door acknowledges it once the
message is stored, and takes a copy sent again after a reconnect as the same message.
Replies go straight back on the socket that sent the message. Messages that start elsewhere
(an agent's answer, a queue update) are published to the conversation's outbox in Redis;
every front door listens there and forwards them to the sockets it holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import WSMsgType, web

from bot.channels.conversation_tokens import valid_id
from bot.keys import LIMITS, OUTBOX_READY, ROUTER, SETTINGS, STORES, TOKENS
from bot.messages import Inbound, MessageError, Outbound, check_text, client_of
from bot.request_checks import check_bearer_or_loopback, check_origin, json_body
from bot.spool import REDIS_AWAY, kept_for_later
from bot.tasks import cancel_and_wait
from bot.web import STATIC, page
from core.channels import API, WEB
from store.message_ids import Seen

log = logging.getLogger(__name__)

# The server pings an open chat socket this often; a socket with no pong within half of it is closed.
HEARTBEAT_SECONDS = 25

CHANNEL = WEB
API_CHANNEL = API
HISTORY_ON_CONNECT = 50
# What the API answers when a client sends too much (the customer reads the polite answer).
TOO_MANY = "too many messages; wait a little and send again"
# A widget message is taken for Rasa's longest answer and this much more: a front door that
# died holding it lets another answer it then.
LEASE_MARGIN_SECONDS = 15.0
TAKEN_POLL_SECONDS = 0.5

SOCKETS = web.AppKey("web_sockets", dict[str, set[web.WebSocketResponse]])


def setup_routes(app: web.Application) -> None:
    app[SOCKETS] = {}
    app[OUTBOX_READY] = asyncio.Event()
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
    _check_api_client(request)
    body = await json_body(request, json_type_only=False)
    sender = body.get("sender")
    if not isinstance(sender, str) or not valid_id(sender):
        raise web.HTTPBadRequest(reason="'sender' must be 1-64 letters, digits or _.-")
    message = _inbound(
        f"{API_CHANNEL}:{sender}", API_CHANNEL, body, request.app[SETTINGS].max_message_chars
    )
    router = request.app[ROUTER]
    try:
        # The caller holds the key (or is this machine): an integration speaking for many
        # customers from one address, so only each conversation's own limit applies.
        if not await _within_limits(request, message.conversation_id, per_ip=False):
            polite = await router.refusal("utter_too_many_messages", message)
            return web.json_response(
                {"error": TOO_MANY, "messages": [polite.to_dict()]},
                status=429,
                headers={"Retry-After": "60"},
            )
        turn = await router.take_turn(message)
        replies, language = turn.replies, turn.language
    except REDIS_AWAY:
        # Kept on disk and answered when Redis is back (in the transcript); polite now.
        replies = [await kept_for_later(request.app, message)]
        language = router.language_of(message.text)
    return web.json_response(
        {
            "conversation_id": message.conversation_id,
            "language": language,
            "messages": [reply.to_dict() for reply in replies],
        }
    )


def _check_api_client(request: web.Request) -> None:
    """With SVAR_API_KEY set, its bearer token (401 without); unset, this machine only."""
    check_bearer_or_loopback(
        request,
        request.app[SETTINGS].api_key,
        wrong_key="send 'Authorization: Bearer <the API key>'",
        not_loopback="the API answers other machines only with SVAR_API_KEY set",
    )


async def _within_limits(
    request: web.Request, conversation_id: str, *, per_ip: bool = True
) -> bool:
    """Count one message for the conversation and (`per_ip`) for the client's IP."""
    checks = {"messages_per_conversation": conversation_id}
    if per_ip:
        checks["messages_per_ip"] = request.remote or "unknown"
    return await request.app[LIMITS].allow_all(checks)


async def socket(request: web.Request) -> web.WebSocketResponse:
    """The widget's socket: its conversation (new, or proven by its token), the history,
    then messages both ways."""
    settings = request.app[SETTINGS]
    check_origin(request, settings.allowed_origins, "this origin may not open the chat")
    limits = request.app[LIMITS]
    ip = request.remote or "unknown"
    if not await limits.allow("socket_opens_per_ip", ip):
        raise web.HTTPTooManyRequests(reason="too many connections; wait a little")
    tokens = request.app[TOKENS]
    conversation = request.query.get("conversation", "")
    new: dict[str, Any] | None = None
    if not conversation:
        if not await limits.allow("new_conversations_per_ip", ip):
            raise web.HTTPTooManyRequests(reason="too many new chats; wait a little")
        conversation, token = tokens.new()
        new = {"type": "conversation", "id": conversation, "token": token}
    elif not tokens.check(conversation, request.query.get("token", "")):
        # The same answer whether the conversation exists or not: an id tells nothing.
        raise web.HTTPForbidden(reason="unknown conversation or wrong token")
    conversation_id = f"{CHANNEL}:{conversation}"
    ws = web.WebSocketResponse(heartbeat=HEARTBEAT_SECONDS, max_msg_size=settings.max_body_bytes)
    await ws.prepare(request)
    if new is not None:
        await ws.send_json({**new, "idle_seconds": settings.widget_idle_seconds})
    history = await request.app[STORES].transcripts.read(conversation_id, HISTORY_ON_CONNECT)
    await ws.send_json({"type": "history", "entries": [e.to_dict() for e in history]})
    sockets = request.app[SOCKETS]
    sockets.setdefault(conversation_id, set()).add(ws)
    # The turns are answered beside the reading, in order: a turn may wait a minute for Rasa,
    # and aiohttp reads the heartbeat's pong only while the socket is read; unread, it would
    # close the socket after half a heartbeat, and the answer would miss the customer.
    frames: asyncio.Queue[str | None] = asyncio.Queue()
    answering = asyncio.create_task(_answer_in_order(request, ws, conversation_id, frames))
    try:
        async for frame in ws:
            if frame.type is WSMsgType.TEXT:
                frames.put_nowait(frame.data)
    finally:
        sockets[conversation_id].discard(ws)
        if not sockets[conversation_id]:
            del sockets[conversation_id]
        frames.put_nowait(None)
        # Messages already read are answered and kept even when the socket went away: a
        # reconnect shows them in the history.
        await asyncio.shield(answering)
    return ws


async def _answer_in_order(
    request: web.Request,
    ws: web.WebSocketResponse,
    conversation_id: str,
    frames: asyncio.Queue[str | None],
) -> None:
    try:
        while (data := await frames.get()) is not None:
            try:
                await _from_widget(request, ws, conversation_id, data)
            except ConnectionResetError:
                log.info("conversation %s: the socket closed before the answer", conversation_id)
    except Exception:
        # Unexpected: close the socket, or its reading would go on queueing messages nobody
        # answers; the widget reconnects and sends again what was not acknowledged.
        await ws.close()
        raise


async def _from_widget(
    request: web.Request, ws: web.WebSocketResponse, conversation_id: str, data: str
) -> None:
    """One frame from the widget: store and answer the message once, and acknowledge it."""
    try:
        body = json.loads(data)
        message = _inbound(
            conversation_id,
            CHANNEL,
            body,
            request.app[SETTINGS].max_message_chars,
            client_of(request.remote or "unknown"),
        )
        client_id = body.get("id")
        if client_id is not None and not (isinstance(client_id, str) and valid_id(client_id)):
            raise MessageError("'id' must be 1-64 letters, digits or _.-")
    except (ValueError, MessageError) as error:
        await ws.send_json({"type": "error", "error": str(error)})
        return
    router = request.app[ROUTER]
    message_ids = request.app[STORES].message_ids
    try:
        if client_id is not None and not await _take(request, conversation_id, client_id):
            await ws.send_json({"type": "ack", "id": client_id})  # answered before a reconnect
            return
        if not await _within_limits(request, conversation_id):
            if client_id is not None:
                await message_ids.forget(conversation_id, client_id)
            polite = await router.refusal("utter_too_many_messages", message)
            await ws.send_json({"type": "limited", "id": client_id, **polite.to_dict()})
            return
        await ws.send_json({"type": "typing"})
        replies = await router.handle(message)
        if client_id is not None:  # the answer is in the transcript: a reconnect shows it
            await message_ids.answered(conversation_id, client_id)
    except REDIS_AWAY:
        # Kept on disk: answered through the outbox when Redis is back; polite now.
        replies = [await kept_for_later(request.app, message)]
    if client_id is not None:
        await ws.send_json({"type": "ack", "id": client_id})
    for reply in replies:
        await ws.send_json({"type": "message", **reply.to_dict()})
    # Nothing more comes now (a queued chat waits for a person): stop "typing…".
    await ws.send_json({"type": "done"})


async def _take(request: web.Request, conversation_id: str, client_id: str) -> bool:
    """True: this front door answers the widget's message now; False: it was answered before.
    While another front door holds it (answering still, or dead), wait for its answer or for
    its lease to run out, and then answer it here."""
    lease = request.app[SETTINGS].rasa_timeout + LEASE_MARGIN_SECONDS
    message_ids = request.app[STORES].message_ids
    while True:
        seen = await message_ids.take(conversation_id, client_id, lease)
        if seen is not Seen.TAKEN:
            return seen is Seen.NEW
        await asyncio.sleep(TAKEN_POLL_SECONDS)  # held in another process: ask Redis again


def _inbound(
    conversation_id: str, channel: str, body: Any, max_chars: int, client: str = ""
) -> Inbound:
    if not isinstance(body, dict):
        raise MessageError("expected a JSON object")
    payload = body.get("payload")
    if payload is not None and not (isinstance(payload, str) and payload.startswith("/")):
        raise MessageError("'payload' must be a button payload starting with '/'")
    if payload is not None and len(payload) > max_chars:
        raise MessageError(f"the payload is longer than {max_chars} characters")
    # A button click carries its title as the text the customer sees in the transcript.
    text = check_text(body.get("text") or payload, max_chars)
    return Inbound(conversation_id, channel, text, payload, client)


async def _outbox_listener(app: web.Application) -> AsyncIterator[None]:
    """Forward published messages to the sockets this front door holds."""
    for channel in (CHANNEL, API_CHANNEL):  # an API conversation has no socket: none gets it
        app[ROUTER].register_channel(channel, app[ROUTER].publish)
    task = asyncio.create_task(_forward_outbox(app))
    yield
    await cancel_and_wait(task)


async def _forward_outbox(app: web.Application) -> None:
    ready = app[OUTBOX_READY]
    while True:
        try:
            async for conversation_id, data in app[STORES].outbox.messages(ready):
                message = {"type": "message", **Outbound.from_dict(data).to_dict()}
                for ws in list(app[SOCKETS].get(conversation_id, ())):
                    # One socket closing just now must not stop the others' messages.
                    with contextlib.suppress(ConnectionError, RuntimeError):
                        await ws.send_json(message)
        except asyncio.CancelledError:
            raise
        except Exception:  # a Redis restart must not end forwarding for good
            ready.clear()
            log.exception("outbox listener failed; retrying")
            await asyncio.sleep(0.5)
