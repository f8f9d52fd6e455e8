"""Desk agents and their role: supervisors may export and erase a customer's data."""

from __future__ import annotations

import io
import sys

import pytest
import redis
from redis.asyncio import Redis

from bot.desk.agents import main
from store import keys
from store.agents import Agent, Agents

PASSWORD = "correct horse battery"


async def test_a_supervisor_is_stored_with_the_agent_and_keeps_the_role_on_a_new_password(
    redis_client: Redis,
) -> None:
    agents = Agents(redis_client)
    assert await agents.add("sara", "Sara", PASSWORD, supervisor=True) == Agent(
        "sara", "Sara", supervisor=True
    )
    assert await agents.add("kari", "Kari", PASSWORD) == Agent("kari", "Kari", supervisor=False)
    assert await redis_client.hget(keys.agent("sara"), "supervisor") == "1"
    # A new password does not take the role away; only `set_supervisor` does.
    assert (await agents.add("sara", "Sara N.", "another long password")).supervisor is True
    assert await agents.set_supervisor("sara", False)
    assert await agents.get("sara") == Agent("sara", "Sara N.", supervisor=False)
    assert await agents.set_supervisor("kari", True)
    assert [a.username for a in await agents.all() if a.supervisor] == ["kari"]


async def test_the_role_of_an_agent_that_does_not_exist_is_not_set(redis_client: Redis) -> None:
    assert not await Agents(redis_client).set_supervisor("nobody", True)
    assert not await redis_client.exists(keys.agent("nobody"))


def test_the_agents_command_adds_a_supervisor_lists_roles_and_changes_them(
    redis_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    redis.Redis.from_url(redis_url).flushdb()
    monkeypatch.setenv("REDIS_URL", redis_url)
    for username, flags in (("sara", ["--supervisor"]), ("kari", [])):
        monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
        assert main(["add", username, "--name", username.title(), *flags]) == 0
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "supervisor sara (Sara) can log in at /desk" in out
    assert "agent kari (Kari) can log in at /desk" in out
    assert "kari\tKari\tagent\tevery language\nsara\tSara\tsupervisor\tevery language\n" in out

    assert main(["role", "kari", "supervisor"]) == 0
    assert main(["role", "sara", "agent"]) == 0
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert out.endswith(
        "kari\tKari\tsupervisor\tevery language\nsara\tSara\tagent\tevery language\n"
    )
    assert main(["role", "nobody", "agent"]) == 1
    assert "error: no agent nobody" in capsys.readouterr().err


def test_the_agents_command_sets_the_languages_an_agent_serves(
    redis_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    redis.Redis.from_url(redis_url).flushdb()
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["add", "kari", "--name", "Kari"]) == 0
    assert main(["languages", "kari", "nb", "en"]) == 0
    assert "kari serves nb en" in capsys.readouterr().out
    assert main(["list"]) == 0
    assert capsys.readouterr().out.endswith("kari\tKari\tagent\tnb en\n")
    assert main(["languages", "kari"]) == 0
    assert "kari serves every language" in capsys.readouterr().out
    assert main(["languages", "nobody", "nb"]) == 1
