"""What the desks are told live: the shape of each desk event, published on the desk feed
(store/desk_feed.py). Beside bot/desk/, not in it: the router announces messages too."""

from __future__ import annotations

from typing import Any

from core.pii import mask
from core.transcript import Entry


def message_event(conversation_id: str, entry: Entry) -> dict[str, Any]:
    """The desk event for one message of a conversation at the desk, masked like the transcript."""
    masked = Entry(entry.role, mask(entry.text), entry.at, entry.buttons)
    return {"type": "message", "conversation_id": conversation_id, "entry": masked.to_dict()}
