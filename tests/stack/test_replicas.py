"""What `SVAR_REPLICAS` makes the supervisor start: one of each process and no HAProxy by
default, as always; N of each behind a HAProxy configuration that HAProxy itself accepts."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from stack.balancer import haproxy_binary
from stack.ports import free_port
from stack.processes import StackConfig, specs
from tests.helpers import ROOT


def config(tmp_path: Path, replicas: str | None) -> StackConfig:
    env = {
        "SVAR_STATE": str(tmp_path),
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "SVAR_PORT": str(free_port()),
        "RASA_PORT": str(free_port()),
        "ACTIONS_PORT": str(free_port()),
    }
    return StackConfig.from_env(ROOT, env | ({"SVAR_REPLICAS": replicas} if replicas else {}))


def test_one_replica_is_one_of_each_at_the_stacks_own_ports_without_haproxy(
    tmp_path: Path,
) -> None:
    one = config(tmp_path, None)
    started = specs(one, tmp_path / "model.tar.gz")
    assert [s.name for s in started] == ["actions", "frontdoor", "rasa"]
    assert [s.health_url.split("/")[2] for s in started if s.health_url] == [
        f"127.0.0.1:{one.actions_port}",
        f"127.0.0.1:{one.port}",
        f"127.0.0.1:{one.rasa_port}",
    ]
    assert not list(tmp_path.glob("haproxy-*.cfg"))


def test_two_replicas_of_each_sit_behind_haproxy_at_the_stacks_addresses(tmp_path: Path) -> None:
    two = config(tmp_path, "2")
    started = specs(two, tmp_path / "model.tar.gz")
    names = [s.name for s in started]
    assert names == ["haproxy", "actions-1", "actions-2", "frontdoor-1", "frontdoor-2",
                     "rasa-1", "rasa-2"]  # fmt: skip
    assert [s.group for s in started][1:] == ["actions"] * 2 + ["frontdoor"] * 2 + ["rasa"] * 2
    (path,) = tmp_path.glob("haproxy-*.cfg")
    assert path.stat().st_mode & 0o777 == 0o600  # it holds Rasa's token
    text = path.read_text()
    checked = subprocess.run([haproxy_binary(), "-c", "-f", str(path)], capture_output=True)
    assert checked.returncode == 0, checked.stderr
    for kind, port, check in (
        ("frontdoor", two.port, "/livez"),
        ("rasa", two.rasa_port, f"/status?token={two.rasa_token}"),
        ("actions", two.actions_port, "/health"),
    ):
        section = text.split(f"frontend {kind}\n")[1].split("\nlisten ")[0]
        assert f"bind 127.0.0.1:{port}\n" in section
        assert f"option httpchk GET {check}\n" in section
        servers = re.findall(rf"server ({kind}-\d) 127\.0\.0\.1:(\d+) check", section)
        replicas = {s.name: s.health_url for s in started if s.group == kind}
        assert [name for name, _ in servers] == [f"{kind}-1", f"{kind}-2"]
        for name, replica_port in servers:  # each replica listens where HAProxy sends it
            assert f"127.0.0.1:{replica_port}/" in str(replicas[name])
    # Every replica reaches the others through HAProxy, never one replica directly.
    for spec in started[1:]:
        assert spec.env["RASA_URL"] == two.rasa_url
        assert spec.env["ACTIONS_URL"] == two.actions_url
    assert all(s.env["SVAR_NLG_URL"] == f"{two.front_door_url}/nlg" for s in started[-2:])


@pytest.mark.parametrize("replicas", ["0", "-1", "two"])
def test_a_replica_count_that_is_not_a_whole_number_from_one_is_refused(
    tmp_path: Path, replicas: str
) -> None:
    with pytest.raises(ValueError, match="SVAR_REPLICAS"):
        config(tmp_path, replicas)
