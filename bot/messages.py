"""Messages as they cross the front door: what a customer sent, and what goes back."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from core.content.answers import Button, Rendered


class MessageError(ValueError):
    """A customer message that cannot be accepted (empty or malformed)."""


class MessageTooLong(MessageError):
    """A customer message over the size limit."""


@dataclass(frozen=True)
class Inbound:
    """One customer message, normalised by its channel adapter."""

    conversation_id: str
    channel: str
    text: str
    # A button's payload ("/intent{...}") when the customer clicked one; the router gives it
    # to Rasa when the domain allows it (bot/payloads.py).
    payload: str | None = None
    # Who sent it, for the caps per client on handoffs and callbacks (docs/limits.md): a web
    # chat's address, hidden by `client_of`; empty: the conversation is the client.
    client: str = ""


def client_of(address: str) -> str:
    """A client's address as the caps per client count it: hashed, since the actions keep it
    in Rasa's tracker, where no IP address may stand."""
    return "ip:" + hashlib.blake2b(address.encode(), digest_size=12).hexdigest()


@dataclass(frozen=True)
class Outbound:
    """One message to the customer, from the bot or an agent."""

    text: str
    buttons: tuple[Button, ...] = ()
    sender: str = "bot"  # "bot", "agent" or "system"
    custom: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "sender": self.sender,
            "text": self.text,
            "buttons": [{"title": b.title, "payload": b.payload} for b in self.buttons],
        }
        if self.custom:
            data["custom"] = self.custom
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Outbound:
        return cls(
            text=str(data.get("text") or ""),
            buttons=tuple(
                Button(str(b["title"]), str(b["payload"])) for b in data.get("buttons") or []
            ),
            sender=str(data.get("sender", "bot")),
            custom=dict(data.get("custom") or {}),
        )

    @classmethod
    def from_rendered(cls, rendered: Rendered, sender: str = "bot") -> Outbound:
        return cls(rendered.text, rendered.buttons, sender)


def check_text(text: object, max_chars: int) -> str:
    """The customer's text, stripped; raises MessageError when it cannot be accepted."""
    if not isinstance(text, str):
        raise MessageError("'text' must be a string")
    text = text.replace("\x00", "").strip()
    if not text:
        raise MessageError("the message is empty")
    if len(text) > max_chars:
        raise MessageTooLong(f"the message is longer than {max_chars} characters")
    return text
