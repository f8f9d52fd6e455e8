"""How a waiting customer leaves the queue: by a button under the wait update, or in their
own words ("call me instead", "never mind"). While queued, messages go to the desk, not to
Rasa (bot/router.py), so these few phrases are matched here, whole and normalised."""

from __future__ import annotations

import enum
import unicodedata


class Exit(str, enum.Enum):
    CALL_ME = "call_me"  # leave, and the bot takes the callback request
    NEVER_MIND = "never_mind"  # leave; the bot is back


# The buttons under the wait update (content/answers/handoff.yml).
PAYLOADS = {"/request_callback": Exit.CALL_ME, "/deny": Exit.NEVER_MIND}
PHRASES = {
    Exit.CALL_ME: {
        "ring meg heller", "ring meg i stedet", "kan dere heller ringe meg", "ring meg opp heller",
        "dere kan ringe meg i stedet", "ring meg", "call me instead", "call me back instead",
        "please call me instead", "can you call me instead", "just call me", "call me",
    },
    Exit.NEVER_MIND: {
        "glem det", "avbryt", "jeg vil ikke vente", "jeg gidder ikke vente", "jeg venter ikke",
        "ikke bry deg", "never mind", "nevermind", "cancel", "forget it",
        "i don t want to wait", "i do not want to wait", "i won t wait",
    },
}  # fmt: skip


def wanted(text: str, payload: str | None) -> Exit | None:
    """The way out the customer asked for, or None when the message is for the agent."""
    if payload is not None:
        return PAYLOADS.get(payload)
    said = normalised(text)
    return next((exit for exit, phrases in PHRASES.items() if said in phrases), None)


def normalised(text: str) -> str:
    """Case, punctuation and spacing ignored."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("’", " ").replace("'", " ")
    kept = "".join(c if c.isalnum() else " " for c in text)
    return " ".join(kept.split())
