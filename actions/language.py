"""The conversation's language, as the front door decided it.

The front door decides the language of each customer message (bot/language.py) and sends it
with the message as metadata (`{"language", "channel", "client"}`); actions read it here, and
only here.
No action runs per message to copy it into a slot: that call cost every turn more than the
rest of the turn together.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from rasa_sdk import Tracker


def conversation_language(tracker: Tracker, default: str) -> str:
    """The language of the latest customer message that carried one, else `default`.

    Usually that is the latest message; an intent the desk triggered (after an agent closed
    the chat) carries none, and the customer's last message before it says the language."""
    return language_of([tracker.latest_message, *reversed(tracker.events)]) or default


def conversation_client(tracker: Tracker) -> str:
    """Who the caps per client count (docs/limits.md): as the front door named them with
    the latest message, else the conversation itself."""
    client = (tracker.latest_message.get("metadata") or {}).get("client")
    return str(client) if client else str(tracker.sender_id)


def language_of(messages: Iterable[Mapping[str, Any]]) -> str | None:
    """The first language found in the messages' metadata (user events; others carry none)."""
    for message in messages:
        if message.get("event", "user") != "user":
            continue
        language = (message.get("metadata") or {}).get("language")
        if language:
            return str(language)
    return None
