"""Rasa's tracker events, as the action server and the NLG endpoint receive them (dicts): the
reading several parts share."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

# Where a contact begins: a new Rasa session, or a restart.
SESSION_STARTS = frozenset({"session_started", "restart"})


def this_session_newest_first(
    events: Sequence[Mapping[str, Any]],
) -> Iterator[Mapping[str, Any]]:
    """The events since the latest session start (this contact), newest first."""
    for event in reversed(events):
        if event.get("event") in SESSION_STARTS:
            return
        yield event
