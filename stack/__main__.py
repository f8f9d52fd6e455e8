"""`python -m stack`: train if needed, start Redis, the action server, the front door and Rasa.

Prints where the chat is; Ctrl-C stops everything.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from pathlib import Path

from stack.processes import StackConfig, specs
from stack.supervisor import StartupError, Supervisor
from stack.train import ensure_model

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s stack: %(message)s", datefmt="%H:%M:%S"
    )
    config = StackConfig.from_env(ROOT, dict(os.environ))
    model = ensure_model(ROOT, config.state)
    return asyncio.run(_run(config, model))


async def _run(config: StackConfig, model: Path) -> int:
    supervisor = Supervisor(specs(config, model), config.logs, config.redis_url)
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
            _announce(config)
            await stop.wait()
        else:
            starting.cancel()
        return 0
    except StartupError as error:
        logging.error("%s", error)
        return 1
    finally:
        logging.info("stopping…")
        await supervisor.stop()
        logging.info("stopped; nothing is left running")


def _announce(config: StackConfig) -> None:
    redis = "a private Redis (data in .state/redis)" if config.private_redis else config.redis_url
    print(
        f"\n  Svar is running.\n"
        f"  Chat:    {config.front_door_url}/\n"
        f"  Health:  {config.front_door_url}/healthz\n"
        f'  API:     curl -s -X POST {config.front_door_url}/api/messages -d \'{{"sender":"u1","text":"hei"}}\'\n'
        f"  Redis:   {redis}\n"
        f"  Logs:    {config.logs}/\n"
        f"  Stop:    Ctrl-C\n",
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
