"""Messenger's messaging window: when a Page may still write to a customer, and how.

A Page may answer freely for 24 hours after the customer's last message. After that, only a
person (not the bot) may still answer, for up to 7 days after that message, and only with the
HUMAN_AGENT message tag. Later, nothing may be sent until the customer writes again.
The front door keeps the time of the customer's last message with the conversation
(store/conversations.py);
the desk can show `messenger_window(...)` next to the reply box.
"""

from __future__ import annotations

from typing import Literal

STANDARD_WINDOW_SECONDS = 24 * 3600
HUMAN_AGENT_WINDOW_SECONDS = 7 * 24 * 3600

Window = Literal["open", "human_agent", "closed"]


class WindowClosed(RuntimeError):
    """The message may not be sent on Messenger now (see `messenger_window`)."""

    def __init__(self, conversation_id: str, window: Window, sender: str) -> None:
        self.conversation_id = conversation_id
        self.window = window
        if window == "human_agent":
            why = (
                "the customer last wrote over 24 hours ago: only an agent may answer now, "
                "up to 7 days after their last message"
            )
        else:
            why = "the customer last wrote over 7 days ago (or never): wait until they write"
        super().__init__(f"cannot send a {sender} message to {conversation_id}: {why}")


def messenger_window(last_inbound: float | None, now: float) -> Window:
    """What may be sent to a Messenger customer whose last message was at `last_inbound`
    (epoch seconds): "open" (anything), "human_agent" (an agent's message, with the
    HUMAN_AGENT tag) or "closed" (nothing)."""
    if last_inbound is None:
        return "closed"
    age = now - last_inbound
    if age <= STANDARD_WINDOW_SECONDS:
        return "open"
    if age <= HUMAN_AGENT_WINDOW_SECONDS:
        return "human_agent"
    return "closed"
