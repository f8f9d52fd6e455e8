"""What the desk says to customers and shows to agents: messages through the customer's
channel, answers from the answer book, and the queue as the desk page sees it."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from bot.desk_events import message_event
from bot.keys import ANSWERS, FACTS, LOCALES, PROFILE, ROUTER, STORES
from bot.messages import Outbound
from core.content.values import written_out
from core.transcript import Entry
from store.handoffs import Handoff

log = logging.getLogger(__name__)

# Waiting cards per snapshot; `GET /desk/api/queue?start=100` gives the next ones.
PAGE = 100


class ChannelUnavailable(RuntimeError):
    """The customer's channel cannot be reached from this front door."""


async def to_customer(
    app: web.Application, conversation_id: str, message: Outbound, agent: str | None = None
) -> None:
    """Send `message` through the customer's channel, keep it in the transcript, and show it
    on every open desk."""
    try:
        await app[ROUTER].deliver(conversation_id, message)
    except KeyError as error:
        raise ChannelUnavailable(f"cannot reach {conversation_id}: {error}") from error
    event = message_event(
        conversation_id,
        Entry(message.sender, message.text, time.time(), tuple(b.title for b in message.buttons)),
    )
    if agent:
        event["agent"] = agent
    await app[STORES].desk_feed.announce(event)


async def say(
    app: web.Application, handoff: Handoff, answer: str, values: Mapping[str, Any]
) -> None:
    """Send one answer from content/answers/ in the customer's language (typed times in
    `values` written out in it)."""
    conversation = await app[STORES].conversations.get(handoff.conversation_id)
    profile = app[PROFILE]
    language = (conversation.language if conversation else None) or handoff.card.language
    if language not in profile.languages:
        language = profile.default_language
    written = written_out(values, app[LOCALES][language], profile)
    rendered = app[ANSWERS].render(
        answer, language, {**app[FACTS][language], **written}, profile.default_language
    )
    await to_customer(app, handoff.conversation_id, Outbound.from_rendered(rendered, "bot"))


async def snapshot(app: web.Application, start: int = 0, count: int = PAGE) -> dict[str, Any]:
    """The queue (`count` waiting from place `start` + 1, and how many wait in all) and the
    chats in progress, as one desk page shows them: a flooded queue is not sent whole."""
    store = app[STORES].handoffs
    names = await app[STORES].agents.names()
    waiting = await store.waiting(start, count)
    total = await store.waiting_count()
    claimed = await store.claimed()
    minutes_per_place = app[PROFILE].promises.phone_answer_minutes
    return {
        "type": "snapshot",
        "now": time.time(),
        "waiting": [view(h, names, place) for place, h in enumerate(waiting, start + 1)],
        "waiting_total": total,
        "claimed": [view(h, names) for h in claimed],
        "agents": [{"username": u, "name": n} for u, n in sorted(names.items())],
        "next_wait_minutes": await store.wait_minutes(total + 1, minutes_per_place),
        "long_wait_minutes": app[PROFILE].queue.long_wait_minutes,
    }


def view(handoff: Handoff, names: Mapping[str, str], position: int | None = None) -> dict[str, Any]:
    """A handoff as the desk page gets it: the record, its place in the queue, who has it."""
    return {
        **handoff.to_dict(),
        "place": position,
        "agent_name": names.get(handoff.agent or "", handoff.agent),
    }
