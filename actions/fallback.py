"""When the bot did not understand: ask again with the likeliest topics, and never loop.

The first miss shows buttons for the two or three likeliest topics; a second miss in a row
offers a person or a callback instead of asking a third time.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

FALLBACK_INTENT = "nlu_fallback"
MAX_TOPICS = 3
MIN_TOPIC_CONFIDENCE = 0.05
# Small talk is no topic to suggest ("did you mean: hello?").
NOT_TOPICS = frozenset(
    {FALLBACK_INTENT, "greet", "goodbye", "thank", "affirm", "deny", "inform", "out_of_scope"}
)


class ActionFallback(Action):
    def name(self) -> str:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        response, values = fallback_answer(
            tracker.latest_message.get("intent_ranking") or [],
            _user_intents(tracker.events),
        )
        dispatcher.utter_message(response=response, **values)
        return []


def fallback_answer(
    ranking: list[dict[str, Any]], intents_so_far: list[str]
) -> tuple[str, dict[str, Any]]:
    """Ask again with topic buttons, or offer a person after two misses in a row."""
    if intents_so_far[-2:] == [FALLBACK_INTENT, FALLBACK_INTENT]:
        return "utter_fallback_offer_human", {}
    topics = [
        str(item["name"])
        for item in ranking
        if item.get("name") not in NOT_TOPICS
        and float(item.get("confidence") or 0) >= MIN_TOPIC_CONFIDENCE
    ][:MAX_TOPICS]
    return "utter_ask_rephrase", {"topics": topics}


def _user_intents(events: Iterable[dict[str, Any]]) -> list[str]:
    return [
        str((event.get("parse_data") or {}).get("intent", {}).get("name"))
        for event in events
        if event.get("event") == "user"
    ]
