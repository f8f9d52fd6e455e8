"""Fixtures for the actions, run as the action server runs them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from actions.context import context
from tests.helpers import TUESDAY_10


@pytest.fixture
def action_env(monkeypatch: pytest.MonkeyPatch, redis_url: str) -> Iterator[None]:
    """The action server's environment: the tests' Redis, and a Tuesday morning."""
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("SVAR_CLOCK", TUESDAY_10.isoformat())
    context.cache_clear()
    yield
    context.cache_clear()
