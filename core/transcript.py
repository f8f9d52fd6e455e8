"""One entry of a conversation's transcript: who wrote what, when, and which buttons it had.

The record crosses processes (the front door writes it, the action server copies it onto the
context card), so it has one explicit (de)serialisation here.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Entry:
    role: str  # "customer", "bot", "agent" or "system"
    text: str
    at: float = field(default_factory=time.time)
    buttons: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, "text": self.text, "at": self.at, "buttons": list(self.buttons)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entry:
        return cls(
            role=str(data["role"]),
            text=str(data["text"]),
            at=float(data["at"]),
            buttons=tuple(data.get("buttons") or ()),
        )
