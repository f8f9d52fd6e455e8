"""Which answers the assistant can send, and from where: the content check's reachability.

An answer is reached when a rule or story in `data/` runs it as an action, a form in
`domain.yml` asks for a slot with it (`utter_ask_<slot>`), or the code names it: the two
processes that send answers (`actions/`, `bot/`) and the rules they share (`core/`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

CODE_FOLDERS = ("actions", "bot", "core")
_NAMED_IN_CODE = re.compile(r"""["'](utter_\w+)["']""")
# Names in code that are not answers: the key Rasa stores a sent answer's name under.
NOT_ANSWERS = frozenset({"utter_action"})


def reached_answers(root: Path) -> dict[str, str]:
    """Answer name -> the first file (relative to `root`) that sends it."""
    reached: dict[str, str] = {}
    for path in sorted((root / "data").rglob("*.yml")):
        if "nlu" in path.relative_to(root / "data").parts:
            continue
        for name in _dialogue_actions(_load(path)):
            reached.setdefault(name, _relative(path, root))
    for name in _form_questions(_load(root / "domain.yml")):
        reached.setdefault(name, "domain.yml")
    for folder in CODE_FOLDERS:
        for path in sorted((root / folder).rglob("*.py")):
            for name in _NAMED_IN_CODE.findall(path.read_text(encoding="utf-8")):
                if name not in NOT_ANSWERS:
                    reached.setdefault(name, _relative(path, root))
    return reached


def _dialogue_actions(data: dict[str, Any]) -> list[str]:
    names = []
    for section in ("rules", "stories"):
        for flow in data.get(section) or []:
            for step in (flow.get("steps") or []) + (flow.get("condition") or []):
                action = step.get("action") if isinstance(step, dict) else None
                if isinstance(action, str) and action.startswith("utter_"):
                    names.append(action)
    return names


def _form_questions(domain: dict[str, Any]) -> list[str]:
    """The questions forms ask: `utter_ask_<slot>` for each required slot listed as an action."""
    actions = set(domain.get("actions") or [])
    asked = [
        f"utter_ask_{slot}"
        for form in (domain.get("forms") or {}).values()
        for slot in (form or {}).get("required_slots") or []
    ]
    return [name for name in asked if name in actions]


def _load(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return raw if isinstance(raw, dict) else {}


def _relative(path: Path, root: Path) -> str:
    return str(path.relative_to(root))
