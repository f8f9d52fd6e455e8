"""Every Redis key Svar uses, under one prefix, so that the layout is read in one place."""

from __future__ import annotations

PREFIX = "svar"


def conversation(conversation_id: str) -> str:
    """Hash: mode, language, channel, created and updated times."""
    return f"{PREFIX}:conv:{conversation_id}"


def transcript(conversation_id: str) -> str:
    """List of masked transcript entries (JSON), oldest first."""
    return f"{PREFIX}:conv:{conversation_id}:transcript"


def outbox(conversation_id: str) -> str:
    """Pub/sub channel: messages for the customer, to every front door that holds their socket."""
    return f"{PREFIX}:conv:{conversation_id}:out"
