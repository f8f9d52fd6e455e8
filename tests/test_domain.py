"""The Rasa domain, the answers and the actions agree with each other."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from core.content.answers import AnswerBook
from tests.helpers import ROOT

DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
ANSWERS = AnswerBook.load(ROOT / "content" / "answers")


def test_every_utter_action_in_the_domain_has_an_answer() -> None:
    utters = {a for a in DOMAIN["actions"] if a.startswith("utter_")}
    assert utters - ANSWERS.names() == set()


# Rasa's own key for the answer name in a bot event's metadata, not an answer.
RASA_KEYS = {"utter_action"}


def test_every_answer_an_action_sends_exists() -> None:
    sent = set()
    for path in (ROOT / "actions").glob("*.py"):
        sent |= set(re.findall(r"[\"'](utter_[a-z_]+)[\"']", path.read_text(encoding="utf-8")))
    assert sent - RASA_KEYS - ANSWERS.names() == set()


def test_every_form_slot_can_be_asked_for() -> None:
    actions = set(DOMAIN["actions"])
    for form, spec in DOMAIN["forms"].items():
        for slot in spec["required_slots"]:
            asks = {f"utter_ask_{slot}", f"utter_ask_{form}_{slot}", f"action_ask_{slot}"}
            assert asks & actions, f"{form} cannot ask for {slot}: add utter_ask_{slot} to actions"


def test_every_custom_action_in_the_domain_is_implemented() -> None:
    implemented = set()
    for path in Path(ROOT / "actions").glob("*.py"):
        implemented |= set(re.findall(r'return "((?:action|validate)_[a-z_]+)"', path.read_text()))
    custom = {a for a in DOMAIN["actions"] if a.startswith(("action_", "validate_"))}
    assert custom - implemented == set()
