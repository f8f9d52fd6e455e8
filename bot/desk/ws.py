"""The desk's live side: the desk WebSocket, and the front door's background work for it.

- Every front door forwards the desk events published in Redis to the desk sockets it holds.
- Every front door reads new context cards from the handoff queue stream through the consumer
  group `desk` and announces each one; cards another front door read but did not announce
  (it stopped) are claimed and announced after a while.
- One front door at a time (a short Redis lock per round) tells waiting customers their place
  in the queue now and then.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable

from aiohttp import WSMsgType, web
from redis.exceptions import RedisError

from bot.desk import relay
from bot.desk.auth import check_origin, current_session
from bot.keys import PROFILE, ROUTER, SETTINGS, STORES
from bot.tasks import cancel_and_wait
from store.handoffs import State
from store.presence import SEEN_EVERY_SECONDS

log = logging.getLogger(__name__)

DESK_SOCKETS = web.AppKey("desk_sockets", set[web.WebSocketResponse])
READ_BLOCK_MS = 5000
ANNOUNCE_STALE_AFTER_MS = 30_000
TICK_SECONDS = 15.0
WAIT_UPDATE_EVERY_SECONDS = 120.0
# The desk socket's close code when the agent's session has ended (the page asks to log in).
SESSION_ENDED = 4401


async def desk_socket(request: web.Request) -> web.WebSocketResponse:
    """A logged-in agent's live view: a snapshot on connect, then every desk event."""
    check_origin(request)  # a page of another site must not ride on the agent's cookie
    session = await current_session(request, csrf=False)
    # Marked before the socket opens: once the page sees it open, the agent counts as there.
    await request.app[STORES].presence.desk_open(session.agent.username)
    ws = web.WebSocketResponse(heartbeat=25)
    await ws.prepare(request)
    await ws.send_json(await relay.snapshot(request.app))
    sockets = request.app[DESK_SOCKETS]
    sockets.add(ws)
    ended = asyncio.Event()
    watch = asyncio.create_task(_close_when_session_ends(request, ws, ended))
    present = asyncio.create_task(_keep_present(request, ws, session.agent.username))
    try:
        async for frame in ws:
            if frame.type is WSMsgType.TEXT and frame.data == "snapshot":
                await ws.send_json(await relay.snapshot(request.app))
    finally:
        sockets.discard(ws)
        await cancel_and_wait(present)
        if ended.is_set():
            await watch  # it is closing the socket with its reason
        else:
            await cancel_and_wait(watch)
    return ws


async def _keep_present(request: web.Request, ws: web.WebSocketResponse, username: str) -> None:
    """While the desk is open the agent is there: without it, online reads as away once the
    mark lapses (store/presence.py)."""
    presence = request.app[STORES].presence
    while not ws.closed:
        await asyncio.sleep(SEEN_EVERY_SECONDS)
        with contextlib.suppress(RedisError, OSError):  # Redis away for a moment: next time
            await presence.desk_open(username)


async def _close_when_session_ends(
    request: web.Request, ws: web.WebSocketResponse, ended: asyncio.Event
) -> None:
    """Check the session now and then: logged out, removed or given a new password, the agent
    sees no more customers' messages."""
    every = request.app[SETTINGS].session_recheck_seconds
    while not ws.closed:
        await asyncio.sleep(every)
        try:
            await current_session(request, csrf=False)
        except web.HTTPUnauthorized:
            ended.set()
            await ws.close(code=SESSION_ENDED, message=b"the session has ended; log in again")
            return
        except (RedisError, OSError):
            continue  # Redis away for a moment: check again next time


async def background(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx: the desk's background tasks, for as long as the front door runs."""
    app[DESK_SOCKETS] = set()
    tasks = [
        asyncio.create_task(_forever(app, name, job))
        for name, job in (
            ("desk event forwarder", _forward_events),
            ("card announcer", _announce_cards),
            ("wait updates", _wait_updates),
        )
    ]
    yield
    for task in tasks:
        await cancel_and_wait(task)
    sockets = app[DESK_SOCKETS]
    for ws in list(sockets):
        await ws.close(code=1001, message=b"the server is restarting")


async def _forever(
    app: web.Application, name: str, job: Callable[[web.Application], Awaitable[None]]
) -> None:
    """Run `job` again after a failure (a Redis restart must not end it for good)."""
    while True:
        try:
            await job(app)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("%s failed; retrying", name)
            await asyncio.sleep(1)


async def _forward_events(app: web.Application) -> None:
    sockets = app[DESK_SOCKETS]
    async for data in app[STORES].desk_feed.events():
        for ws in list(sockets):
            with contextlib.suppress(ConnectionResetError):  # a desk closing just now
                await ws.send_str(data)


async def _announce_cards(app: web.Application) -> None:
    stores = app[STORES]
    feed = stores.desk_feed
    consumer = socket.gethostname()
    await feed.ensure_group()
    while True:
        entries = await feed.reclaim_stale(consumer, ANNOUNCE_STALE_AFTER_MS)
        entries += await feed.read_new(consumer, READ_BLOCK_MS)
        for entry_id, handoff_id in entries:
            found = await stores.handoffs.get(handoff_id) if handoff_id else None
            if found is not None and found.state is State.QUEUED:
                names = await stores.agents.names()
                position = await stores.handoffs.position(found.id)
                await feed.announce(
                    {"type": "queued", "handoff": relay.view(found, names, position)}
                )
            await feed.ack(entry_id)


async def _wait_updates(app: web.Application) -> None:
    while True:
        await asyncio.sleep(TICK_SECONDS)
        # One front door per round: the lock lapses a little before the next round.
        if await app[STORES].desk_feed.take_ticker(socket.gethostname(), TICK_SECONDS * 0.9):
            await send_wait_updates(app, time.time())
            await return_quiet_chats(app, time.time())


async def send_wait_updates(app: web.Application, now: float) -> int:
    """Tell each waiting customer not told for a while their place and the wait; returns how
    many were told."""
    store = app[STORES].handoffs
    minutes_per_place = app[PROFILE].promises.phone_answer_minutes
    told = 0
    for position, waiting in enumerate(await store.waiting(), 1):
        if now - (waiting.updated_at or waiting.queued_at) < WAIT_UPDATE_EVERY_SECONDS:
            continue
        serving = await app[STORES].presence.online_serving(waiting.card.language)
        wait = await store.wait_minutes(position, minutes_per_place, len(serving))
        try:
            await relay.say(
                app,
                waiting,
                "utter_handoff_wait_update",
                {"position": position, "wait_minutes": wait},
            )
        except relay.ChannelUnavailable as error:
            log.warning("desk: no wait update for %s: %s", waiting.id, error)
        await store.mark_updated(waiting.id, now)
        told += 1
    return told


async def return_quiet_chats(app: web.Application, now: float) -> int:
    """Give back to the bot each queued or claimed chat where nobody wrote for the profile's
    `quiet_return_minutes` (an agent gone, a queue nobody serves); the bot says so and offers
    a callback. Returns how many went back."""
    stores = app[STORES]
    quiet_seconds = app[PROFILE].queue.quiet_return_minutes * 60
    returned = 0
    for handoff in [*await stores.handoffs.waiting(), *await stores.handoffs.claimed()]:
        last = await stores.transcripts.read(handoff.conversation_id, 1)
        active = max(handoff.queued_at, handoff.claimed_at or 0, *(e.at for e in last))
        if now - active < quiet_seconds or not await app[ROUTER].give_back(handoff, now):
            continue
        log.warning("desk: handoff %s was quiet; back to the bot", handoff.id)
        try:
            await relay.say(app, handoff, "utter_chat_returned", {})
        except relay.ChannelUnavailable as error:
            log.warning("desk: could not tell %s: %s", handoff.conversation_id, error)
        returned += 1
    return returned
