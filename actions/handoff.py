"""Handing the conversation to a person at the agent desk, and the rating afterwards.

`action_handoff` builds the context card, queues it and pauses the conversation; the customer
hears their place in the queue and the estimated wait. When the desk is closed, when no agent
who serves the customer's language is online (store/presence.py), or when the wait is long,
the bot offers a callback instead (a button to the callback form), with the on-call number for
an urgent matter, unless the customer has just chosen to wait. `action_save_rating` keeps the
customer's 1-5 rating with the handoff and as a CSAT answer (store/feedback.py).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ConversationPaused, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.context import context
from actions.language import conversation_client, conversation_language
from core.calendar import BusinessCalendar
from core.card import CardTexts, build_card
from core.company import QueuePolicy
from core.content.locale import Locale
from core.content.values import date_time_value
from core.intents import URGENT
from core.survey import Kind, parse_rating
from store.feedback import Answer
from store.handoffs import Handoffs
from store.transcripts import Transcripts

BUSY_OFFER = "utter_handoff_busy_offer_callback"
CAP = "utter_handoff_cap"
NOBODY_OFFER = "utter_handoff_nobody_offer_callback"
NOBODY_URGENT_OFFER = "utter_handoff_nobody_urgent_offer_callback"


@dataclass(frozen=True)
class HandoffRequest:
    """What the action needs from the tracker."""

    conversation_id: str
    channel: str
    language: str
    events: Sequence[Mapping[str, Any]]
    slots: Mapping[str, Any]
    client: str = ""  # who the cap per client counts; empty: the conversation

    @classmethod
    def from_tracker(cls, tracker: Tracker, default_language: str) -> HandoffRequest:
        metadata = tracker.latest_message.get("metadata") or {}
        conversation_id = str(tracker.sender_id)
        return cls(
            conversation_id=conversation_id,
            channel=str(metadata.get("channel") or conversation_id.partition(":")[0]),
            language=conversation_language(tracker, default_language),
            events=list(tracker.events),
            slots=dict(tracker.current_slot_values()),
            client=conversation_client(tracker),
        )


@dataclass(frozen=True)
class Reply:
    """The answer to give, its values, and whether the conversation is now in the queue."""

    response: str
    values: dict[str, Any] = field(default_factory=dict)
    queued: bool = False


class ActionHandoff(Action):
    def name(self) -> str:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        ctx = context()
        request = HandoffRequest.from_tracker(tracker, ctx.profile.default_language)
        stores = ctx.stores()
        limits = ctx.limits()

        async def within_cap() -> bool:
            return await limits.allow("handoffs_per_client", request.client)

        serving = await stores.presence.online_serving(request.language)
        reply = await hand_off(
            request,
            stores.handoffs,
            stores.transcripts,
            calendar=ctx.calendar,
            now=ctx.now(),
            policy=ctx.profile.queue,
            minutes_per_place=ctx.profile.promises.phone_answer_minutes,
            agent_language=ctx.profile.default_language,
            topic_titles=topic_titles(),
            serving=len(serving),
            extra_high_load=(await stores.load.get()).on,
            within_cap=within_cap,
        )
        dispatcher.utter_message(response=reply.response, **reply.values)
        if not reply.queued:
            return []
        # Paused, Rasa predicts nothing more, not even `action_listen`; log it, so that when
        # the desk closes and resumes the conversation, the rules see a bot that listened.
        return [ConversationPaused(), ActionExecuted("action_listen")]


async def hand_off(
    request: HandoffRequest,
    store: Handoffs,
    transcripts: Transcripts,
    *,
    calendar: BusinessCalendar,
    now: datetime,
    policy: QueuePolicy,
    minutes_per_place: float,
    agent_language: str,
    topic_titles: Mapping[str, Mapping[str, str]],
    serving: int,
    within_cap: Callable[[], Awaitable[bool]] | None = None,
    extra_high_load: bool = False,
) -> Reply:
    """Queue the conversation for a person, or offer a callback when no one can come soon;
    refuse politely once the client has started as many handoffs as `within_cap` allows.
    `serving`: how many agents online now serve the customer's language; `extra_high_load`:
    the state a supervisor or the thresholds set (store/load.py)."""
    if not calendar.is_open(now):
        return Reply(
            "utter_handoff_closed_offer_callback",
            {"next_opening": date_time_value(calendar.next_opening(now))},
        )
    if serving < 1:  # a queue nobody serves is a wait for no one
        return Reply(NOBODY_URGENT_OFFER if is_urgent(request.events) else NOBODY_OFFER)
    waiting = await store.waiting_count()
    wait = await store.wait_minutes(waiting + 1, minutes_per_place, serving)
    busy = extra_high_load or is_busy(waiting, wait, policy)
    if busy and not chose_to_wait(request.events):
        return Reply(BUSY_OFFER, {"wait_minutes": wait})
    if within_cap is not None and not await within_cap():
        return Reply(CAP)
    card = build_card(
        conversation_id=request.conversation_id,
        channel=request.channel,
        language=request.language,
        events=request.events,
        slots=request.slots,
        transcript=await transcripts.read(request.conversation_id),
        topic_titles=topic_titles,
        texts=card_texts(agent_language),
        now=time.time(),  # the real time, also when SVAR_CLOCK shifts the calendar's
        after_fallback=handed_over_by_fallback(request.events),
    )
    queued = await store.enqueue(card)
    wait = await store.wait_minutes(queued.position, minutes_per_place, serving)
    return Reply(
        "utter_handoff_queued", {"position": queued.position, "wait_minutes": wait}, queued=True
    )


def handed_over_by_fallback(events: Sequence[Mapping[str, Any]]) -> bool:
    """The fallback ran just before this handoff: it missed the customer too often."""
    actions = [e.get("name") for e in events if e.get("event") == "action"]
    return bool(actions) and actions[-1] == "action_fallback"


def is_urgent(events: Iterable[Mapping[str, Any]]) -> bool:
    """The customer wrote about an urgent matter (a power cut, danger) in this conversation."""
    return any(
        ((e.get("parse_data") or {}).get("intent") or {}).get("name") in URGENT
        for e in events
        if e.get("event") == "user"
    )


def is_busy(waiting: int, wait_minutes: int, policy: QueuePolicy) -> bool:
    """A long wait, or so many waiting that it counts as extra high load: offer a callback."""
    return policy.busy(waiting, wait_minutes)


def chose_to_wait(events: Iterable[Mapping[str, Any]]) -> bool:
    """The bot's latest answer offered a callback for a long wait, and the customer wants to
    wait for a person anyway ("I'll wait" is `/request_human`)."""
    said = [e for e in events if e.get("event") == "bot"]
    return bool(said) and (said[-1].get("metadata") or {}).get("utter_action") == BUSY_OFFER


@cache
def card_texts(language: str) -> CardTexts:
    """What the card says in the agent's language (content/locale.yml)."""
    return Locale.load_all(context().settings.content_dir / "locale.yml")[language].card


@cache
def topic_titles() -> dict[str, dict[str, str]]:
    """Topic titles per intent and language (content/topics.yml), for the card."""
    path = context().settings.content_dir / "topics.yml"
    return dict(yaml.safe_load(path.read_text(encoding="utf-8")) or {})


# --- The rating ---------------------------------------------------------------------------


class ActionSaveRating(Action):
    def name(self) -> str:
        return "action_save_rating"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        rating = parse_rating(
            next(tracker.get_latest_entity_values("rating"), None),
            tracker.latest_message.get("text"),
        )
        if rating is None:
            dispatcher.utter_message(response="utter_ask_rating")
            return []
        ctx = context()
        stores = ctx.stores()
        handoff_id = await stores.handoffs.rate(tracker.sender_id, rating)
        handoff = await stores.handoffs.get(handoff_id) if handoff_id else None
        # The same CSAT as a bot-only contact's (store/feedback.py), about the handoff's topic.
        request = HandoffRequest.from_tracker(tracker, ctx.profile.default_language)
        await stores.feedback.add(
            Answer(
                Kind.CSAT, rating, request.conversation_id, request.channel, request.language,
                (handoff.card.topic or "") if handoff else "", ctx.now().timestamp(),
            )
        )  # fmt: skip
        dispatcher.utter_message(response="utter_thank_rating")
        return [SlotSet("rating", None)]
