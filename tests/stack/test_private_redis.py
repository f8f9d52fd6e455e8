"""The private Redis of `make run` lets in only the stack: a fresh password each run, kept out
of command lines, in files only the owner can read; the project's commands find it."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis

from core.settings import RUNNING_REDIS_FILE, Settings
from stack.processes import StackConfig, specs
from stack.scratch_redis import free_port


def config(tmp_path: Path, port: int) -> StackConfig:
    env = {"SVAR_STATE": str(tmp_path / "state"), "SVAR_REDIS_PORT": str(port)}
    return StackConfig.from_env(Path(__file__).resolve().parents[2], env)


def test_each_run_gets_its_own_password(tmp_path: Path) -> None:
    first, second = config(tmp_path, 6390), config(tmp_path, 6390)
    assert first.private_redis
    passwords = {urlsplit(c.redis_url).password for c in (first, second)}
    assert len(passwords) == 2 and None not in passwords


def test_the_private_redis_refuses_anyone_without_the_password(tmp_path: Path) -> None:
    port = free_port()
    stack = config(tmp_path, port)
    (spec,) = [s for s in specs(stack, tmp_path / "model.tar.gz") if s.name == "redis"]
    password = urlsplit(stack.redis_url).password
    assert password and not any(password in part for part in spec.command)
    conf = Path(spec.command[1])
    assert conf.stat().st_mode & 0o777 == 0o600
    assert (conf.parent.stat().st_mode & 0o777) == 0o700
    server = subprocess.Popen(spec.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with_password = redis.Redis.from_url(stack.redis_url, socket_timeout=2)
        deadline = time.monotonic() + 10
        while True:
            try:
                assert with_password.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        stranger = redis.Redis(host="127.0.0.1", port=port, socket_timeout=2)
        with pytest.raises(redis.AuthenticationError):
            stranger.ping()
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_commands_reach_the_redis_the_running_stack_left_word_of(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir()
    (state / RUNNING_REDIS_FILE).write_text("redis://:s3cret-pw@127.0.0.1:6390/0\n")
    assert Settings.from_env({"SVAR_STATE": str(state)}).redis_url == (
        "redis://:s3cret-pw@127.0.0.1:6390/0"
    )
    # An explicit REDIS_URL wins, and with no stack running the default stays.
    given = {"SVAR_STATE": str(state), "REDIS_URL": "redis://127.0.0.1:6379/2"}
    assert Settings.from_env(given).redis_url == "redis://127.0.0.1:6379/2"
    assert Settings.from_env({"SVAR_STATE": str(tmp_path / "none")}).redis_url == (
        "redis://127.0.0.1:6379/0"
    )
