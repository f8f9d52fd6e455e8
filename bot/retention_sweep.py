"""The front door applies the company's retention once an hour (store/retention.py).

Every front door sweeps: a sweep is idempotent and cheap (a few trims), so no lock is needed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator

from aiohttp import web

from bot.keys import PROFILE, STORES
from bot.tasks import cancel_and_wait
from store.retention import bound_the_unbounded, sweep

log = logging.getLogger(__name__)

SWEEP_EVERY_SECONDS = 3600.0


async def sweeper(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx: sweep now and then every hour, for as long as the front door runs."""
    task = asyncio.create_task(_sweep_forever(app))
    yield
    await cancel_and_wait(task)


async def _sweep_forever(app: web.Application) -> None:
    try:
        bounded = await bound_the_unbounded(app[STORES].redis, app[PROFILE].retention)
        if bounded:
            log.info("retention: %d records written without one have it now", bounded)
    except Exception:  # Redis not there yet: the next start tries again
        log.exception("retention: could not bound the records without one")
    while True:
        try:
            # The real time, never SVAR_CLOCK's: stream ids and index scores are real times.
            swept = await sweep(app[STORES].redis, app[PROFILE].retention, time.time())
            if swept.stream_entries or swept.index_members:
                log.info(
                    "retention: removed %d log entries and %d index members",
                    swept.stream_entries,
                    swept.index_members,
                )
        except asyncio.CancelledError:
            raise
        except Exception:  # Redis restarting: try again at the next round
            log.exception("retention sweep failed")
        await asyncio.sleep(SWEEP_EVERY_SECONDS)
