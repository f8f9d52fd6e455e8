"""Which button payloads a customer may send: `/intent` or `/intent{"entity": value}` for the
domain's intents and the entities each may carry (domain.yml), minus the intents only Svar
itself triggers. Anything else a customer sends, a forged payload or a typed "/…" included,
reaches Rasa as plain text, so it can set no slot and skip no form."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

_PAYLOAD = re.compile(r"/(?P<intent>[A-Za-z0-9_]+)(?P<entities>\{.*\})?", re.DOTALL)
# A value a button may carry: short, and a plain string or number.
MAX_VALUE_CHARS = 100


class Payloads:
    def __init__(self, entities_by_intent: Mapping[str, frozenset[str]]) -> None:
        self._entities = dict(entities_by_intent)

    @classmethod
    def from_domain(cls, domain_file: Path, internal: Iterable[str]) -> Payloads:
        """From Rasa's domain; `internal`: intents a customer never sends (Svar's own)."""
        domain = yaml.safe_load(domain_file.read_text(encoding="utf-8"))
        entities = frozenset(
            next(iter(e)) if isinstance(e, dict) else str(e) for e in domain.get("entities") or []
        )
        allowed: dict[str, frozenset[str]] = {}
        for item in domain.get("intents") or []:
            name, options = next(iter(item.items())) if isinstance(item, dict) else (item, {})
            allowed[str(name)] = _carried(entities, options or {})
        for name in internal:
            allowed.pop(name, None)
        return cls(allowed)

    def allows(self, payload: str) -> bool:
        match = _PAYLOAD.fullmatch(payload)
        if match is None or match["intent"] not in self._entities:
            return False
        if match["entities"] is None:
            return True
        try:
            values = json.loads(match["entities"])
        except ValueError:
            return False
        return isinstance(values, dict) and all(
            key in self._entities[match["intent"]] and _plain(value)
            for key, value in values.items()
        )


def as_text(text: str) -> str:
    """A customer's text as Rasa must take it: never as an intent payload."""
    return text.lstrip("/ ") or "?"


def _carried(entities: frozenset[str], options: Mapping[str, Any]) -> frozenset[str]:
    use = options.get("use_entities", True)
    if use is True:
        carried = set(entities)
    elif not use:
        carried = set()
    else:
        carried = set(use) & entities
    return frozenset(carried - set(options.get("ignore_entities") or []))


def _plain(value: Any) -> bool:
    return isinstance(value, (str, int, float)) and len(str(value)) <= MAX_VALUE_CHARS
