"""The desk's JSON API: claim a card, chat, write notes, transfer, close.

Every change needs the agent's session and its CSRF token (bot/desk/auth.py); what changed is
announced to every open desk (bot/desk/ws.py) through Redis, whichever front door serves it.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.channels import messenger, telegram
from bot.channels.window import messenger_window
from bot.desk import follow_ups, relay
from bot.desk.auth import current_session, json_body, supervisor_session
from bot.keys import CLOCK, RASA, SETTINGS, STORES
from bot.messages import Outbound, check_text
from bot.rasa_client import RasaUnavailable
from core.outcomes import AGENT_FOLLOW_UP, AGENT_OUTCOMES
from store.handoffs import Conflict, Handoff, NotFound, State

log = logging.getLogger(__name__)

# The intent that lets the bot speak first after the desk (data/handoff.yml).
CLOSED_INTENT = "handoff_closed"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def domain_errors(handler: Handler) -> Handler:
    """Turn the store's and the channels' errors into HTTP answers, at the edge."""

    @functools.wraps(handler)
    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except NotFound as error:
            raise web.HTTPNotFound(reason=str(error)) from None
        except Conflict as error:
            raise web.HTTPConflict(reason=str(error)) from None
        except relay.ChannelUnavailable as error:
            log.warning("desk: %s", error)
            raise web.HTTPBadGateway(reason="the customer's channel cannot be reached") from None

    return wrapped


async def queue(request: web.Request) -> web.Response:
    """The snapshot, a page of the waiting cards at a time (`?start=` and `?count=`)."""
    await current_session(request, csrf=False)
    try:
        start = max(0, int(request.query.get("start", 0)))
        count = min(relay.PAGE, max(1, int(request.query.get("count", relay.PAGE))))
    except ValueError:
        raise web.HTTPBadRequest(reason="'start' and 'count' are whole numbers") from None
    return web.json_response(await relay.snapshot(request.app, start, count))


@domain_errors
async def handoff(request: web.Request) -> web.Response:
    """One handoff with its live transcript and the agents' notes."""
    await current_session(request, csrf=False)
    found = await _handoff(request)
    stores = request.app[STORES]
    names = await stores.agents.names()
    return web.json_response(
        {
            "handoff": relay.view(found, names, await stores.handoffs.position(found.id)),
            "transcript": [
                e.to_dict() for e in await stores.transcripts.read(found.conversation_id)
            ],
            "notes": [n.to_dict() for n in await stores.handoffs.notes(found.id)],
            "reply_window": await _reply_window(request, found.conversation_id),
        }
    )


@domain_errors
async def claim(request: web.Request) -> web.Response:
    """Take a waiting card. Of two agents clicking at once, one gets it; the other a 409."""
    session = await current_session(request, csrf=True)
    handoff_id = request.match_info["id"]
    stores = request.app[STORES]
    result = await stores.handoffs.claim(handoff_id, session.agent.username)
    if not result.won and not (
        result.state is State.CLAIMED and result.agent == session.agent.username
    ):
        holder = await stores.agents.get(result.agent or "")
        raise web.HTTPConflict(
            reason=f"{holder.name} has it already" if holder else "it is not waiting any more"
        )
    found = await _handoff(request)
    if result.won:
        log.info("desk: %s claimed handoff %s", session.agent.username, handoff_id)
        names = {session.agent.username: session.agent.name}
        await stores.desk_feed.announce({"type": "claimed", "handoff": relay.view(found, names)})
        await _tell(request.app, found, "utter_agent_joined", {"agent_name": session.agent.name})
    return web.json_response(
        {"handoff": relay.view(found, {session.agent.username: session.agent.name})}
    )


@domain_errors
async def send_message(request: web.Request) -> web.Response:
    """The agent writes to the customer, through whatever channel the customer uses."""
    session = await current_session(request, csrf=True)
    found = await _held(request, session.agent.username)
    text = _text(await json_body(request), request.app[SETTINGS].max_message_chars)
    await relay.to_customer(
        request.app,
        found.conversation_id,
        Outbound(text, sender="agent"),
        agent=session.agent.name,
    )
    return web.json_response({"ok": True})


@domain_errors
async def add_note(request: web.Request) -> web.Response:
    """An internal note on the handoff: for agents and reports, never for the customer."""
    session = await current_session(request, csrf=True)
    found = await _handoff(request)
    text = _text(await json_body(request), request.app[SETTINGS].max_message_chars)
    stores = request.app[STORES]
    note = await stores.handoffs.add_note(found.id, session.agent.username, text)
    event = {"type": "note", "handoff_id": found.id, "note": note.to_dict()}
    await stores.desk_feed.announce({**event, "agent_name": session.agent.name})
    return web.json_response({"note": note.to_dict()})


@domain_errors
async def transfer(request: web.Request) -> web.Response:
    """Give the chat to another agent; the customer is told who has it now."""
    session = await current_session(request, csrf=True)
    body = await json_body(request)
    stores = request.app[STORES]
    to = await stores.agents.get(str(body.get("to") or ""))
    if to is None:
        raise web.HTTPBadRequest(reason="no such agent")
    found = await _handoff(request)
    await stores.handoffs.transfer(found.id, session.agent.username, to.username)
    if to.username != session.agent.username:
        log.info("desk: %s gave handoff %s to %s", session.agent.username, found.id, to.username)
        await stores.desk_feed.announce(
            {
                "type": "transferred",
                "handoff_id": found.id,
                "from": session.agent.username,
                "to": to.username,
                "agent_name": to.name,
            }
        )
        await _tell(request.app, found, "utter_agent_joined", {"agent_name": to.name})
    return web.json_response({"ok": True})


@domain_errors
async def close(request: web.Request) -> web.Response:
    """End the chat: the bot takes the conversation back, thanks the customer and asks for a
    rating. When Rasa does not answer, the chat stays with the agent (503; try again)."""
    session = await current_session(request, csrf=True)
    body = await json_body(request)
    outcome = str(body.get("outcome") or AGENT_OUTCOMES[0])
    if outcome not in AGENT_OUTCOMES:
        raise web.HTTPBadRequest(reason=f"outcome must be one of {', '.join(AGENT_OUTCOMES)}")
    found = await _handoff(request)
    stores = request.app[STORES]
    me = session.agent.username
    if session.agent.supervisor and (found.state is State.QUEUED or found.agent != me):
        # A supervisor may close any open chat: they take it first, atomically.
        await stores.handoffs.reassign(found.id, me, me)
    await stores.handoffs.begin_close(found.id, me)
    try:
        replies = await request.app[RASA].resume(found.conversation_id, intent=CLOSED_INTENT)
    except RasaUnavailable as error:
        log.warning("desk: cannot close handoff %s: %s", found.id, error)
        await stores.handoffs.abort_close(found.id, me)
        raise web.HTTPServiceUnavailable(
            reason="the bot is not answering, so the chat stays with you; try again"
        ) from None
    await stores.handoffs.finish_close(found.id, me, outcome)
    log.info("desk: %s closed handoff %s (%s)", me, found.id, outcome)
    await stores.desk_feed.announce({"type": "closed", "handoff_id": found.id, "outcome": outcome})
    try:
        for reply in replies:
            await relay.to_customer(request.app, found.conversation_id, reply)
    except relay.ChannelUnavailable as error:  # closed all the same; the customer's next
        log.warning("desk: %s", error)  # message reaches the bot
    if outcome == AGENT_FOLLOW_UP:
        made = await follow_ups.open_follow_up(request.app, found)
        return web.json_response({"ok": True, "follow_up": made.case_number})
    return web.json_response({"ok": True})


@domain_errors
async def reassign(request: web.Request) -> web.Response:
    """A supervisor gives any open chat, queued or held by anyone, to an agent (`{"to"}`,
    themselves when left out); the agent it had, if any, loses it."""
    session = await supervisor_session(request, csrf=True)
    body = await json_body(request)
    stores = request.app[STORES]
    to = str(body.get("to") or session.agent.username)
    target = await stores.agents.get(to)
    if target is None:
        raise web.HTTPBadRequest(reason=f"no agent {to[:32]!r}")
    found = await _handoff(request)
    await stores.handoffs.reassign(found.id, to, session.agent.username)
    log.info("desk: %s gave handoff %s to %s", session.agent.username, found.id, to)
    changed = await stores.handoffs.get(found.id)
    if changed is not None:
        names = await stores.agents.names()
        await stores.desk_feed.announce({"type": "claimed", "handoff": relay.view(changed, names)})
    if found.state is State.QUEUED or found.agent != to:
        await _tell(request.app, found, "utter_agent_joined", {"agent_name": target.name})
    return web.json_response({"ok": True, "agent": to})


async def dead_letters(request: web.Request) -> web.Response:
    """Webhook events no attempt could process (masked), newest first: a supervisor follows
    them up by hand."""
    await supervisor_session(request, csrf=False)
    letters = await request.app[STORES].dead_letters.recent((messenger.CHANNEL, telegram.CHANNEL))
    return web.json_response({"dead_letters": letters}, headers={"Cache-Control": "no-store"})


async def _tell(
    app: web.Application, handoff: Handoff, answer: str, values: dict[str, Any]
) -> None:
    """Tell the customer what happened; the change stands even when the channel is down."""
    try:
        await relay.say(app, handoff, answer, values)
    except relay.ChannelUnavailable as error:
        log.warning("desk: could not tell %s: %s", handoff.conversation_id, error)


async def _handoff(request: web.Request) -> Handoff:
    found = await request.app[STORES].handoffs.get(request.match_info["id"])
    if found is None:
        raise NotFound("no such handoff")
    return found


async def _held(request: web.Request, agent: str) -> Handoff:
    found = await _handoff(request)
    if found.state is not State.CLAIMED or found.agent != agent:
        raise Conflict("claim the chat before you write to the customer")
    return found


def _text(body: dict[str, Any], max_chars: int) -> str:
    """The text to send; a MessageError becomes a 400 or 413 in bot.app's error middleware."""
    return check_text(body.get("text"), max_chars)


async def _reply_window(request: web.Request, conversation_id: str) -> str | None:
    """For Messenger, which rule lets the agent write now: "open" (the 24-hour window),
    "human_agent" (the HUMAN_AGENT tag, up to 7 days) or "closed"; None for other channels."""
    conversation = await request.app[STORES].conversations.get(conversation_id)
    if conversation is None or conversation.channel != messenger.CHANNEL:
        return None
    now = request.app[CLOCK]().timestamp()
    return messenger_window(conversation.last_inbound, now)
