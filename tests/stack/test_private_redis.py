"""The private Redis of `make run` lets in only the stack: a fresh password each run, kept out
of command lines, in files only the owner can read; the project's commands find it; what the
stack stored is there again after a real restart of that Redis."""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis
from redis.asyncio import Redis

from core.transcript import Entry
from stack.ports import free_port
from stack.processes import ProcessSpec, StackConfig, specs
from store.handoffs import Handoffs, State
from store.transcripts import Transcripts
from tests.helpers import eventually_sync, make_card


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
    with running(spec, stack.redis_url):
        stranger = redis.Redis(host="127.0.0.1", port=port, socket_timeout=2)
        with pytest.raises(redis.AuthenticationError):
            stranger.ping()


async def test_after_a_real_restart_of_the_private_redis_handoffs_are_as_they_were(
    tmp_path: Path,
) -> None:
    """Every process stops, Redis too (as Ctrl-C stops `make run`), and starts again."""
    stack = config(tmp_path, free_port())
    (spec,) = [s for s in specs(stack, tmp_path / "model.tar.gz") if s.name == "redis"]
    with running(spec, stack.redis_url):
        before = Redis.from_url(stack.redis_url, decode_responses=True)
        store = Handoffs(before)
        claimed = (await store.enqueue(make_card("web:claimed"))).handoff_id
        waiting = (await store.enqueue(make_card("web:waiting"))).handoff_id
        await store.claim(claimed, "kari")
        await store.add_note(claimed, "kari", "ringer tilbake i morgen")
        await Transcripts(before).append("web:claimed", Entry("customer", "hallo?"))
        await before.close()

    with running(spec, stack.redis_url):
        client = Redis.from_url(stack.redis_url, decode_responses=True)
        after = Handoffs(client)
        assert [h.id for h in await after.waiting()] == [waiting]
        assert [(h.id, h.agent, h.state) for h in await after.claimed()] == [
            (claimed, "kari", State.CLAIMED)
        ]
        assert [n.text for n in await after.notes(claimed)] == ["ringer tilbake i morgen"]
        found = await after.get(claimed)
        assert found is not None and found.card == make_card("web:claimed")
        assert [e.text for e in await Transcripts(client).read("web:claimed")] == ["hallo?"]
        await client.close()


@contextlib.contextmanager
def running(spec: ProcessSpec, url: str) -> Iterator[None]:
    """The Redis of `spec` running until the block ends; then stopped as the supervisor stops
    it (SIGTERM), so it writes its data out as it would at Ctrl-C."""
    server = subprocess.Popen(spec.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        client = redis.Redis.from_url(url, socket_timeout=2)
        eventually_sync(
            lambda: pings(client),
            10,
            "the private Redis",
            give_up=lambda: server.poll() is not None,
        )
        yield
    finally:
        server.terminate()
        assert server.wait(timeout=10) == 0


def pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.ConnectionError:
        return False
