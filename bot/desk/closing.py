"""Closing time for the queue.

`queue.closing_notice_minutes` (company profile) before the desk closes, each customer still
queued is told, in their language and channel, that the desk closes soon, and offered a
callback with the promise's deadline (`utter_handoff_closing_soon`). At closing, whoever still
waits goes back to the bot and is told what happens next (`utter_handoff_desk_closed`: when we
open, the callback, the on-call number); out of the queue, they get no more wait updates.

Both steps read the front door's clock (`SVAR_CLOCK`) and the business calendar, and act only
around a real closing: a handoff counts as waiting at a closing when it was queued during the
day that closing ends, and the step at closing runs only within `CLOSED_GRACE` after it. So a
front door on the real clock at night leaves a queue of tests alone.
"""

from __future__ import annotations

import enum
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from aiohttp import web

from bot.desk import relay
from bot.keys import PROFILE, RASA, STORES
from bot.rasa_client import RasaUnavailable
from core.calendar import BusinessCalendar
from core.content.values import date_time_value, time_value
from store.handoffs import Handoff

log = logging.getLogger(__name__)

# The step at closing runs this long after it (a front door that was down at 16:00 still
# tells the customers); later, the queue's quiet return takes over.
CLOSED_GRACE = timedelta(hours=1)
# How far back the last closing is looked for (a long holiday weekend and then some).
LOOK_BACK_DAYS = 14
# A handoff counts at a closing only when queued within this span before it.
SAME_DAY = timedelta(hours=24)


class Phase(str, enum.Enum):
    CLOSING_SOON = "closing_soon"
    CLOSED = "closed"


@dataclass(frozen=True)
class Closing:
    phase: Phase
    closes: datetime  # the closing the phase is about


def closing_phase(calendar: BusinessCalendar, now: datetime, notice: timedelta) -> Closing | None:
    """Whether `now` is within `notice` before today's closing, or within `CLOSED_GRACE`
    after the latest closing; None the rest of the time."""
    local = calendar.local(now)
    today = calendar.closing_time(local.date())
    if today is not None and today - notice <= local < today:
        return Closing(Phase.CLOSING_SOON, today)
    for back in range(LOOK_BACK_DAYS):
        closes = calendar.closing_time(local.date() - timedelta(days=back))
        if closes is not None and closes <= local:
            return Closing(Phase.CLOSED, closes) if local - closes < CLOSED_GRACE else None
    return None


def waiting_at(handoff: Handoff, closes: datetime, now: datetime) -> bool:
    """True when `handoff` was queued during the day `closes` ends. Its queue time is on the
    real clock; `now` is the front door's (maybe set), so the shift between them is added."""
    shift = now.timestamp() - time.time()
    queued = handoff.queued_at + shift
    return closes.timestamp() - SAME_DAY.total_seconds() <= queued < closes.timestamp()


async def closing_round(app: web.Application, now: datetime) -> int:
    """One round of the closing steps at `now` (the front door's clock); returns how many
    customers were told."""
    profile = app[PROFILE]
    calendar = profile.calendar()
    closing = closing_phase(calendar, now, timedelta(minutes=profile.queue.closing_notice_minutes))
    if closing is None:
        return 0
    waiting = [
        h for h in await app[STORES].handoffs.waiting() if waiting_at(h, closing.closes, now)
    ]
    if closing.phase is Phase.CLOSING_SOON:
        deadline = calendar.workday_deadline(now, profile.promises.callback_workdays)
        return await _tell_closing_soon(app, waiting, closing.closes, deadline)
    return await _close_queue(app, waiting, calendar.next_opening(now))


async def _tell_closing_soon(
    app: web.Application, waiting: list[Handoff], closes: datetime, deadline: datetime
) -> int:
    told = 0
    for handoff in waiting:
        if not await app[STORES].handoffs.first_told(handoff.id, Phase.CLOSING_SOON.value):
            continue
        try:
            await relay.say(
                app,
                handoff,
                "utter_handoff_closing_soon",
                {"closes": time_value(closes), "deadline": date_time_value(deadline)},
            )
        except relay.ChannelUnavailable as error:
            log.warning("desk: no closing notice for %s: %s", handoff.id, error)
            continue
        told += 1
    return told


async def _close_queue(app: web.Application, waiting: list[Handoff], opens: datetime) -> int:
    """Give each customer still waiting at closing back to the bot, and tell them so."""
    stores = app[STORES]
    told = 0
    for handoff in waiting:
        if not await stores.handoffs.return_to_bot(handoff):
            continue  # an agent took it at the last minute
        log.info("desk: handoff %s still waited at closing; back to the bot", handoff.id)
        await stores.desk_feed.announce(
            {"type": "closed", "handoff_id": handoff.id, "outcome": "returned"}
        )
        try:  # the handoff paused Rasa's conversation; a tap on "call me" goes to the bot now
            await app[RASA].resume(handoff.conversation_id)
        except RasaUnavailable as error:
            log.warning("desk: %s", error)
        try:
            await relay.say(
                app, handoff, "utter_handoff_desk_closed", {"next_opening": date_time_value(opens)}
            )
        except relay.ChannelUnavailable as error:
            log.warning("desk: could not tell %s: %s", handoff.conversation_id, error)
            continue
        told += 1
    return told
