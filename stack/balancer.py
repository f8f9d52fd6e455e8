"""HAProxy in front of the replicas (`SVAR_REPLICAS=N`): its configuration and where it is.

Each kind of process (front door, Rasa, action server) is a pool: HAProxy listens at the
address one process of that kind has with one replica, and passes each request, or WebSocket,
to a replica its health check finds up. Everything listens on loopback only. HAProxy logs only
a replica going down or up (never requests: their query strings hold tokens).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

# Debian installs it in /usr/sbin, which an ordinary user's PATH may lack.
SEARCH_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
READY_PATH = "/ready"


class BalancerMissing(RuntimeError):
    """Replicas were asked for, and HAProxy is not installed."""


@dataclass(frozen=True)
class Pool:
    """One kind of process behind one address."""

    name: str  # frontdoor, rasa, actions
    port: int  # where HAProxy listens for it
    check: str  # the path (and query) that answers 200 when a replica can take requests
    servers: tuple[tuple[str, int], ...]  # (replica name, its port)


def haproxy_binary() -> str:
    found = shutil.which("haproxy", path=SEARCH_PATH)
    if found is None:
        raise BalancerMissing(
            "SVAR_REPLICAS above 1 needs HAProxy: `sudo apt-get install haproxy` "
            "(`make haproxy` does it as root)"
        )
    return found


def haproxy_config(pools: list[Pool], stats_port: int) -> str:
    """The whole configuration: a frontend and a backend per pool, and a stats page whose
    `/ready` says HAProxy itself runs."""
    lines = [
        "# Written by the supervisor at each start (stack/balancer.py); edits are lost.",
        "global",
        "    log stdout format raw local0 notice",
        # No maxconn: HAProxy takes as many connections as the open-file limit allows.
        "",
        "defaults",
        "    mode http",
        "    log global",
        "    timeout connect 2s",
        # A front door may wait minutes for a busy Rasa (SVAR_RASA_TIMEOUT).
        "    timeout client 10m",
        "    timeout server 10m",
        # An open chat socket is idle between messages; the widget's heartbeat keeps it open.
        "    timeout tunnel 1h",
        # A replica that refuses the connection (dead, restarting) is skipped for another;
        # a request it already took is not sent twice (it may have been answered).
        "    retries 3",
        "    option redispatch",
        # A replica is out after three failed checks. A check may wait: Rasa answers it between
        # turns, and a busy Rasa's turns queue up.
        "    timeout check 5s",
        "    default-server inter 2s fall 3 rise 2",
        "",
    ]
    for pool in pools:
        lines += [
            f"frontend {pool.name}",
            f"    bind 127.0.0.1:{pool.port}",
            f"    default_backend {pool.name}",
            "",
            f"backend {pool.name}",
            # Requests and sockets last long and vary: the replica with the fewest goes next.
            "    balance leastconn",
            f"    option httpchk GET {pool.check}",
            "    http-check expect status 200",
            *(f"    server {name} 127.0.0.1:{port} check" for name, port in pool.servers),
            "",
        ]
    lines += [
        "listen stats",
        f"    bind 127.0.0.1:{stats_port}",
        f"    monitor-uri {READY_PATH}",
        "    stats enable",
        "    stats uri /",
        "    stats refresh 5s",
        "",
    ]
    return "\n".join(lines)


def write_config(path: Path, pools: list[Pool], stats_port: int) -> Path:
    """Written readable by its owner only: Rasa's check carries Rasa's token."""
    path.touch(mode=0o600)
    path.chmod(0o600)
    path.write_text(haproxy_config(pools, stats_port), encoding="utf-8")
    return path


def haproxy_command(config: Path) -> list[str]:
    """HAProxy in the foreground (`-db`), so the supervisor watches and stops it."""
    return [haproxy_binary(), "-db", "-f", str(config)]
