"""Background tasks that stop for sure."""

from __future__ import annotations

import asyncio
import logging

log = logging.getLogger(__name__)


async def cancel_and_wait(task: asyncio.Task[None]) -> None:
    """Cancel `task` and wait until it ends, cancelling again if the cancellation was lost:
    redis-py 4.6 on Python 3.10 can swallow one (an `async_timeout(0)` in its connection
    pool turns it into a timeout), and the task would then block on its next command."""
    while not task.done():
        task.cancel()
        await asyncio.wait({task}, timeout=0.5)
    if not task.cancelled() and task.exception() is not None:
        log.error("a background task failed", exc_info=task.exception())
