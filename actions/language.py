"""The conversation's language as a slot, so actions, forms and the desk see it in the tracker.

The front door decides the language of each message (bot/language.py) and sends it as message
metadata; this custom slot mapping copies it into the `language` slot after every message.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict


class ActionSetLanguage(Action):
    def name(self) -> str:
        return "action_set_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        language = language_update(tracker.latest_message, tracker.get_slot("language"))
        return [SlotSet("language", language)] if language else []


def language_update(latest_message: dict[str, Any], current: str | None) -> str | None:
    """The new language when the latest message's metadata changes it, else None."""
    language = (latest_message.get("metadata") or {}).get("language")
    return str(language) if language and language != current else None
