"""When the bot did not understand, or understood a message it had nothing to do with: one
answer, then listen. Never loop.

Two paths lead here. The NLU was unsure (`nlu_fallback`): a rule runs this action, and the
rule then listens. Or the dialogue policies were unsure what to do next (the core fallback,
config.yml): then nothing would predict `action_listen`, and the policies would predict this
action again until Rasa's circuit breaker stops them, so this action ends the turn itself. As
Rasa's own default fallback does, it takes the customer's message back (UserUtteranceReverted),
so the conversation goes on from where it was, and it listens (FollowupAction), so no policy is
asked again. A value the message carried (a customer number, a postal code) is kept in its slot.

A message understood but out of place ("ok", "no", a bare number) gets a short question, not
"I didn't get that"; so does a conversation's first message of a word or two the bot does not
know ("öppet", "moi"): a person would ask how they can help, not say they did not understand.
A message not understood is a miss: the first miss shows buttons for the two or three likeliest
topics (the common ones when none is likely); a second miss in a row offers a person or a
callback; a third hands the conversation to a person. Misses are counted from what the bot
answered, so both paths count, and a message taken back still counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from core.intents import (
    COMMON_TOPICS,
    FALLBACK,
    MISS_ANSWERS,
    NOT_SUGGESTED,
    OFFER_HUMAN,
    REPHRASE,
)
from core.tracker_events import this_session_newest_first

HAND_OFF_AFTER = 3
MAX_TOPICS = 3
MIN_TOPIC_CONFIDENCE = 0.05

HOW_CAN_I_HELP = "utter_how_can_i_help"
WHAT_IS_IT_ABOUT = "utter_what_is_it_about"
# Understood, but with no question of ours pending it says nothing on its own.
SMALL_TALK_ANSWERS = {"affirm": HOW_CAN_I_HELP, "deny": HOW_CAN_I_HELP, "inform": WHAT_IS_IT_ABOUT}
# A first message this short that the bot does not know is a greeting or a word of another
# language more often than a question: it gets "how can I help?" with the topics.
SHORT_FIRST_MESSAGE_WORDS = 2

Event = Mapping[str, Any]


class ActionFallback(Action):
    def name(self) -> str:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        if already_answered(tracker.events):
            # The policies are unsure what follows an answer already given: just listen.
            return [FollowupAction("action_listen")]
        intent = str((tracker.latest_message.get("intent") or {}).get("name"))
        response, values = fallback_answer(
            intent,
            tracker.latest_message.get("intent_ranking") or [],
            earlier_misses(tracker.events),
            short_first_message(tracker.events, str(tracker.latest_message.get("text") or "")),
        )
        if response is None:
            return [FollowupAction("action_handoff")]
        dispatcher.utter_message(response=response, **values)
        if intent == FALLBACK:
            return []  # the rule that ran this action listens next
        kept = slots_to_keep(tracker.latest_message.get("entities") or [], domain, tracker.slots)
        return [
            UserUtteranceReverted(),
            *(SlotSet(name, value) for name, value in kept.items()),
            FollowupAction("action_listen"),
        ]


def fallback_answer(
    intent: str, ranking: list[dict[str, Any]], earlier: int, short_first: bool = False
) -> tuple[str | None, dict[str, Any]]:
    """The answer to a message the dialogue has no next step for; None: hand it to a person.

    `earlier` is how many messages in a row before this one the bot did not understand;
    `short_first`, whether this is the conversation's first message and a word or two.
    """
    if intent in SMALL_TALK_ANSWERS:
        return SMALL_TALK_ANSWERS[intent], {}
    if short_first:
        return HOW_CAN_I_HELP, {}
    misses = earlier + 1
    if misses >= HAND_OFF_AFTER:
        return None, {}
    if misses == 2:
        return OFFER_HUMAN, {}
    return REPHRASE, {"topics": likeliest_topics(ranking) or list(COMMON_TOPICS)}


def likeliest_topics(ranking: Iterable[Mapping[str, Any]]) -> list[str]:
    """The two or three likeliest topics worth a button, small talk left out."""
    return [
        str(item["name"])
        for item in ranking
        if item.get("name") not in NOT_SUGGESTED
        and float(item.get("confidence") or 0) >= MIN_TOPIC_CONFIDENCE
    ][:MAX_TOPICS]


def earlier_misses(events: Sequence[Event]) -> int:
    """How many of the customer's messages in a row, before the latest one, the bot said it did
    not understand (in this session)."""
    misses = 0
    latest_seen = False
    answered_miss = False
    for event in this_session_newest_first(events):
        kind = event.get("event")
        if kind == "bot" and (event.get("metadata") or {}).get("utter_action") in MISS_ANSWERS:
            answered_miss = True
        elif kind == "user":
            if not latest_seen:
                latest_seen = True  # the message being answered now
            elif answered_miss:
                misses += 1
            else:
                break
            answered_miss = False
    return misses


def short_first_message(events: Sequence[Event], text: str) -> bool:
    """Whether the customer's latest message is their first in this session, and short."""
    said = sum(e.get("event") == "user" for e in this_session_newest_first(events))
    return said <= 1 and len(text.split()) <= SHORT_FIRST_MESSAGE_WORDS


def already_answered(events: Sequence[Event]) -> bool:
    """Whether the bot has said something since the customer's latest message."""
    for event in reversed(events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "bot":
            return True
    return False


def slots_to_keep(
    entities: Iterable[Mapping[str, Any]], domain: Mapping[str, Any], slots: Mapping[str, Any]
) -> dict[str, Any]:
    """The slots named after an entity of the message, with the values the message gave them,
    so that taking the message back does not forget a customer number or postal code."""
    known = domain.get("slots") or {}
    return {
        name: slots[name]
        for name in dict.fromkeys(str(e.get("entity")) for e in entities)
        if name in known and slots.get(name) is not None
    }
