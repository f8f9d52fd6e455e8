"""Run the front door: `python -m bot` (settings from the environment)."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.app import create_app
from bot.pii import MaskingFilter
from bot.settings import Settings


def main() -> None:
    handler = logging.StreamHandler()
    handler.addFilter(MaskingFilter())
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=[handler],
    )
    settings = Settings.from_env()
    web.run_app(create_app(settings), host=settings.host, port=settings.port, print=None)


if __name__ == "__main__":
    main()
