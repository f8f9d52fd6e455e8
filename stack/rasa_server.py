"""`python -m stack.rasa_server run …`: Rasa's own CLI, with two checks made cheap first.

Rasa 3.6 checks every action server response (`RemoteAction._validate_action_result`) and every
NLG endpoint response (`CallbackNaturalLanguageGenerator.validate_response`) with
`jsonschema.validate()`, which checks the schema itself against its meta-schema first, every
time: 30-odd ms a call, the most expensive part of a turn. Here each validator is built (and
its schema checked) once. A valid response passes with the same schema and the same jsonschema
validator class; a response it refuses goes to Rasa's own method, so an invalid one fails
exactly as it always did, with Rasa's message.

Each check is replaced only when it and the schema it reads are where Rasa 3.6 keeps them;
otherwise Rasa runs that check unchanged and says so in its log (tests/stack/ notices first).
"""

from __future__ import annotations

import ctypes
import functools
import logging
import os
import signal
import sys
from collections.abc import Callable
from typing import Any

from stack.rasa_auth import auth_token_from_environment

log = logging.getLogger(__name__)

APPLIED = "action server responses are checked by a validator built once (stack/rasa_server.py)"
NLG_APPLIED = "NLG responses are checked by a validator built once (stack/rasa_server.py)"
_PR_SET_PDEATHSIG = 1


@functools.cache
def validator(format_spec: Callable[[], dict[str, Any]], applied: str) -> Any:
    """The jsonschema validator `jsonschema.validate()` would build for the spec's schema."""
    from jsonschema.validators import validator_for

    schema = format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    log.info(applied)
    return cls(schema)


def validate_action_responses_once() -> bool:
    """Make RemoteAction build its response validator once; True when it now does."""
    from rasa.core.actions.action import RemoteAction

    original = getattr(RemoteAction, "_validate_action_result", None)
    spec = getattr(RemoteAction, "action_response_format_spec", None)
    if original is None or spec is None:
        log.warning("Rasa has moved its action response check: it is not sped up")
        return False
    if getattr(original, "built_once", False):
        return True

    def _validate_action_result(self: Any, result: dict[str, Any]) -> bool:
        if validator(self.action_response_format_spec, APPLIED).is_valid(result):
            return True
        return bool(original(self, result))  # Rasa's own check raises Rasa's own error

    _validate_action_result.built_once = True  # type: ignore[attr-defined]
    RemoteAction._validate_action_result = _validate_action_result
    return True


def validate_nlg_responses_once() -> bool:
    """Make the NLG endpoint's client build its response validator once; True when it does."""
    from rasa.core.nlg import callback

    generator = callback.CallbackNaturalLanguageGenerator
    original = generator.__dict__.get("validate_response")
    spec = getattr(callback, "nlg_response_format_spec", None)
    if not isinstance(original, staticmethod) or spec is None:
        log.warning("Rasa has moved its NLG response check: it is not sped up")
        return False
    check = original.__func__
    if getattr(check, "built_once", False):
        return True

    def validate_response(content: Any) -> bool:
        if content is None or content == "" or validator(spec, NLG_APPLIED).is_valid(content):
            return True
        return bool(check(content))  # Rasa's own check raises Rasa's own error

    validate_response.built_once = True  # type: ignore[attr-defined]
    generator.validate_response = staticmethod(validate_response)
    return True


def workers_die_with_the_server() -> None:
    """With SANIC_WORKERS > 1 (Rasa's own setting; it needs the Redis lock store we use),
    Sanic forks the workers that answer: each dies with the server process, as every process of
    the stack dies with the supervisor (stack/supervisor.py), so a killed Rasa leaves none."""
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    os.register_at_fork(after_in_child=lambda: libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM))


def main() -> None:
    from rasa.__main__ import main as rasa_main

    sys.argv = auth_token_from_environment(sys.argv, os.environ)
    validate_action_responses_once()
    validate_nlg_responses_once()
    workers_die_with_the_server()
    rasa_main()


if __name__ == "__main__":
    main()
