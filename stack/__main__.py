"""`python -m stack`: train if needed, start Redis, the action server, the front door and Rasa.

Prints where the chat is; Ctrl-C stops everything.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import signal
import sys
from pathlib import Path
from urllib.parse import urlsplit

from core.settings import CONVERSATION_SECRET_FILE, RUNNING_REDIS_FILE
from stack.balancer import BalancerMissing
from stack.logs import RedactingFilter, redact_url, secrets_in
from stack.processes import ProcessSpec, StackConfig, specs
from stack.supervisor import StartupError, Supervisor
from stack.train import ensure_model

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    config = StackConfig.from_env(ROOT, dict(os.environ))
    # Models, Redis data and logs are the owner's alone.
    config.state.mkdir(mode=0o700, parents=True, exist_ok=True)
    config.state.chmod(0o700)
    if not os.environ.get("SVAR_CONVERSATION_SECRET"):
        _keep_conversation_secret(config.state)
    handler = logging.StreamHandler()
    redis_password = urlsplit(config.redis_url).password or ""
    handler.addFilter(
        RedactingFilter(
            [config.rasa_token, config.nlg_token, redis_password, *secrets_in(dict(os.environ))]
        )
    )
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s stack: %(message)s",
        datefmt="%H:%M:%S",
        handlers=[handler],
    )
    model = ensure_model(ROOT, config.state)
    try:
        processes = specs(config, model)
    except BalancerMissing as error:
        logging.error("%s", error)
        return 1
    return asyncio.run(_run(config, processes))


async def _run(config: StackConfig, processes: list[ProcessSpec]) -> int:
    supervisor = Supervisor(processes, config.logs, config.redis_url, config.retention.log_days)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        starting = asyncio.create_task(supervisor.start())
        stopped = asyncio.create_task(stop.wait())
        await asyncio.wait({starting, stopped}, return_when=asyncio.FIRST_COMPLETED)
        if starting.done():
            starting.result()
            if config.private_redis:
                _leave_redis_url(config)
            print(banner(config), flush=True)
            await stop.wait()
        else:
            starting.cancel()
        return 0
    except StartupError as error:
        logging.error("%s", error)
        return 1
    finally:
        logging.info("stopping…")
        (config.state / RUNNING_REDIS_FILE).unlink(missing_ok=True)
        await supervisor.stop()
        logging.info("stopped; nothing is left running")


def _keep_conversation_secret(state: Path) -> None:
    """Make the web chat's token secret at first start; the front doors read it from here, so
    tokens stay valid across restarts and replicas on this machine."""
    path = state / CONVERSATION_SECRET_FILE
    if path.exists() and path.read_text(encoding="utf-8").strip():
        path.chmod(0o600)
        return
    path.touch(mode=0o600)
    path.chmod(0o600)
    path.write_text(secrets.token_urlsafe(32) + "\n", encoding="utf-8")


def _leave_redis_url(config: StackConfig) -> None:
    """Tell the project's commands (agents, privacy, reports) where the private Redis is."""
    path = config.state / RUNNING_REDIS_FILE
    path.touch(mode=0o600)
    path.chmod(0o600)
    path.write_text(config.redis_url + "\n", encoding="utf-8")


def banner(config: StackConfig) -> str:
    """What `make run` prints once everything is ready; a Redis password is not shown."""
    redis = (
        "a private Redis (data in .state/redis)"
        if config.private_redis
        else redact_url(config.redis_url)
    )
    replicas = (
        f"  Replicas: {config.replicas} of each process behind HAProxy "
        f"({config.state}/haproxy-{config.port}.cfg)\n"
        if config.replicas > 1
        else ""
    )
    return (
        f"\n  Svar is running.\n"
        f"  Chat:    {config.front_door_url}/\n"
        f"  Health:  {config.front_door_url}/healthz\n"
        f'  API:     curl -s -X POST {config.front_door_url}/api/messages -d \'{{"sender":"u1","text":"hei"}}\'\n'
        f"  Redis:   {redis}\n"
        f"  Logs:    {config.logs}/\n"
        f"{replicas}"
        f"  Stop:    Ctrl-C\n"
    )


if __name__ == "__main__":
    sys.exit(main())
