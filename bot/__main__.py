"""Run the front door: `python -m bot` (settings from the environment)."""

from __future__ import annotations

import logging
import os

from aiohttp import web

from bot.access_log import AccessLogger
from bot.app import create_app
from core.pii import MaskingFilter
from core.settings import Settings


def main() -> None:
    handler = logging.StreamHandler()
    handler.addFilter(MaskingFilter())
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=[handler],
    )
    # httpx (python-telegram-bot's HTTP client) logs each request URL, which holds the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # python-telegram-bot: time periods as timedelta already (our code reads both kinds).
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    settings = Settings.from_env()
    web.run_app(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        print=None,
        access_log_class=AccessLogger,  # no query strings: they carry tokens and ids
    )


if __name__ == "__main__":
    main()
