"""The spot price feed as the company profile names it: a file (the default), or an http(s) URL
in production, fetched with a timeout and kept for a few minutes.

A file is read on each question, so an editor's change shows at once. A URL is fetched at most
once per `keep_for`: the prices change once a day, and a customer should not wait on the market
data server for every question. When the server cannot be reached, the last prices fetched are
used while they last (they cover the whole day), else None: the bot then says politely that it
has no price right now.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import yaml

log = logging.getLogger(__name__)

# A customer is waiting for the answer: past this, the polite answer beats a longer wait.
FETCH_TIMEOUT_SECONDS = 3.0
KEEP_FOR = timedelta(minutes=5)


class PriceFeed:
    """Reads the feed; one per action server process, so what was fetched is shared."""

    def __init__(
        self,
        source: Path | str,
        timeout: float = FETCH_TIMEOUT_SECONDS,
        keep_for: timedelta = KEEP_FOR,
    ) -> None:
        self.source = source
        self.timeout = timeout
        self.keep_for = keep_for
        self._fetched: Mapping[str, Any] | None = None
        self._fetched_at: datetime | None = None

    async def read(self, now: datetime) -> Mapping[str, Any] | None:
        """The feed's content, or None when it cannot be had."""
        if isinstance(self.source, Path):
            return _parse(self.source.read_text(encoding="utf-8"))
        if self._fetched_at is not None and now - self._fetched_at < self.keep_for:
            return self._fetched
        try:
            feed = _parse(await self._fetch(self.source))
        except (aiohttp.ClientError, asyncio.TimeoutError, yaml.YAMLError) as error:
            log.warning("spot price feed unreachable: %s", type(error).__name__)
            return self._fetched
        self._fetched, self._fetched_at = feed, now
        return feed

    async def _fetch(self, url: str) -> str:
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.get(url) as response,
        ):
            response.raise_for_status()
            return await response.text()


def _parse(text: str) -> Mapping[str, Any]:
    """The feed is YAML, or JSON, which YAML reads too."""
    feed = yaml.safe_load(text)
    if not isinstance(feed, dict):
        raise yaml.YAMLError("the spot price feed is not a mapping")
    return feed
