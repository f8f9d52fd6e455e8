"""When the bot did not understand: ask again with the likeliest topics, and never loop.

The first miss shows buttons for the two or three likeliest topics; a second miss in a row
offers a person or a callback; a third hands the conversation to a person.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from core.intents import FALLBACK, NOT_SUGGESTED

HAND_OFF_AFTER = 3
MAX_TOPICS = 3
MIN_TOPIC_CONFIDENCE = 0.05


class ActionFallback(Action):
    def name(self) -> str:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        misses = misses_in_a_row(_user_intents(tracker.events))
        if misses >= HAND_OFF_AFTER:
            return [FollowupAction("action_handoff")]
        response, values = fallback_answer(
            tracker.latest_message.get("intent_ranking") or [], misses
        )
        dispatcher.utter_message(response=response, **values)
        return []


def misses_in_a_row(intents_so_far: list[str]) -> int:
    """How many of the customer's latest messages in a row the bot did not understand."""
    misses = 0
    for intent in reversed(intents_so_far):
        if intent != FALLBACK:
            break
        misses += 1
    return misses


def fallback_answer(ranking: list[dict[str, Any]], misses: int) -> tuple[str, dict[str, Any]]:
    """Ask again with topic buttons, or offer a person after two misses in a row."""
    if misses >= 2:
        return "utter_fallback_offer_human", {}
    topics = [
        str(item["name"])
        for item in ranking
        if item.get("name") not in NOT_SUGGESTED
        and float(item.get("confidence") or 0) >= MIN_TOPIC_CONFIDENCE
    ][:MAX_TOPICS]
    return "utter_ask_rephrase", {"topics": topics}


def _user_intents(events: Iterable[dict[str, Any]]) -> list[str]:
    return [
        str((event.get("parse_data") or {}).get("intent", {}).get("name"))
        for event in events
        if event.get("event") == "user"
    ]
