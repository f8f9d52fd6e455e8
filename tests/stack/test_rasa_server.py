"""Rasa as the stack starts it: its action server and NLG response checks, each with a
validator built once, refusing what Rasa's own checks refuse, with Rasa's own errors."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.core.nlg.callback import CallbackNaturalLanguageGenerator
from rasa.shared.exceptions import RasaException

from stack import rasa_server
from stack.processes import StackConfig, specs
from tests.helpers import ROOT

VALID_ACTION_RESPONSE = {
    "events": [{"event": "slot", "timestamp": None, "name": "postal_code", "value": "0552"}],
    "responses": [{"response": "utter_outage_none", "postal_code": "0552"}],
}
VALID_ANSWER = {"text": "Hei! Hva kan jeg hjelpe deg med?", "buttons": [{"title": "Regning"}]}


@pytest.fixture
def fast_checks(monkeypatch: pytest.MonkeyPatch) -> RemoteAction:
    """Rasa with the stack's checks; Rasa's own are put back after the test."""
    monkeypatch.setattr(
        RemoteAction, "_validate_action_result", RemoteAction._validate_action_result
    )
    monkeypatch.setattr(
        CallbackNaturalLanguageGenerator,
        "validate_response",
        CallbackNaturalLanguageGenerator.__dict__["validate_response"],
    )
    rasa_server.validator.cache_clear()
    assert rasa_server.validate_action_responses_once()
    assert rasa_server.validate_nlg_responses_once()
    return RemoteAction("action_outage_lookup", None)


def test_valid_responses_are_accepted_without_checking_the_schema_again(
    fast_checks: RemoteAction, monkeypatch: pytest.MonkeyPatch
) -> None:
    def checks_the_schema_again(*args: object, **kwargs: object) -> None:
        raise AssertionError("jsonschema.validate() was called")

    monkeypatch.setattr(jsonschema, "validate", checks_the_schema_again)
    for _ in range(3):
        assert fast_checks._validate_action_result(VALID_ACTION_RESPONSE) is True
        assert fast_checks._validate_action_result({"events": [], "responses": []}) is True
        assert CallbackNaturalLanguageGenerator.validate_response(VALID_ANSWER) is True
        assert CallbackNaturalLanguageGenerator.validate_response(None) is True
    assert rasa_server.validator.cache_info().misses == 2, "one validator for each schema"


@pytest.mark.parametrize(
    "response",
    [
        {"events": [{"name": "postal_code", "value": "0552"}]},  # an event without its type
        {"events": [{"event": "slot", "name": 7}]},  # a slot named by a number
        {"events": "slot"},
        {"responses": ["utter_greet"]},
    ],
)
def test_an_invalid_action_response_is_refused_with_rasas_own_error(
    fast_checks: RemoteAction, response: dict[str, object]
) -> None:
    with pytest.raises(jsonschema.ValidationError) as refused:
        fast_checks._validate_action_result(response)
    assert "Failed to validate Action server response" in refused.value.message


@pytest.mark.parametrize(
    "answer", [{"text": 7}, {"text": "Hei", "buttons": "Regning"}, {"custom": "x"}]
)
def test_an_invalid_nlg_response_is_refused_with_rasas_own_error(
    fast_checks: RemoteAction, answer: dict[str, object]
) -> None:
    with pytest.raises(RasaException, match="Failed to validate NLG response"):
        CallbackNaturalLanguageGenerator.validate_response(answer)


def test_applying_them_twice_changes_nothing(fast_checks: RemoteAction) -> None:
    action_check = RemoteAction._validate_action_result
    nlg_check = CallbackNaturalLanguageGenerator.validate_response
    assert rasa_server.validate_action_responses_once()
    assert rasa_server.validate_nlg_responses_once()
    assert RemoteAction._validate_action_result is action_check
    assert CallbackNaturalLanguageGenerator.validate_response is nlg_check


def test_the_stack_starts_rasa_through_it(tmp_path: Path) -> None:
    config = StackConfig.from_env(ROOT, {"REDIS_URL": "redis://127.0.0.1:6379/0"})
    (rasa,) = [p for p in specs(config, tmp_path / "model.tar.gz") if p.name == "rasa"]
    assert rasa.command[1:4] == ["-m", "stack.rasa_server", "run"]
