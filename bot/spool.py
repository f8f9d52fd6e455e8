"""Customer messages kept on local disk while Redis cannot be reached, answered once it is back.

When Redis is away, the router cannot keep a message or read the conversation, so the channel
answers with the polite "I can't answer right now" (in the message's language) and appends the
message, masked, to this front door's spool file (owner-only, a bounded number of lines). A
background task tries the spool again every second: the messages go through the router in the
order they came, each answer is published to the customer's open sockets and kept in the
transcript; the first that fails stops the round, so the order holds.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

from aiohttp import web
from redis.exceptions import RedisError

from bot.keys import OUTBOX_READY, ROUTER, SETTINGS
from bot.messages import Inbound, Outbound
from bot.tasks import cancel_and_wait
from core.pii import mask

log = logging.getLogger(__name__)

RETRY_SECONDS = 1.0
# Redis being away (the client's own retries with backoff are spent by then).
REDIS_AWAY = (RedisError,)


class SpoolFull(RuntimeError):
    """The spool holds its most; the message cannot be kept."""


class Spool:
    def __init__(self, path: Path, max_messages: int) -> None:
        self._path = path
        self._max = max_messages
        self._lock = asyncio.Lock()

    def __len__(self) -> int:
        try:
            with self._path.open(encoding="utf-8") as lines:
                return sum(1 for _ in lines)
        except FileNotFoundError:
            return 0

    async def keep(self, message: Inbound) -> None:
        record = {
            "conversation_id": message.conversation_id,
            "channel": message.channel,
            "text": mask(message.text),
            "payload": message.payload,
        }
        async with self._lock:
            if len(self) >= self._max:
                raise SpoolFull(f"the spool holds {self._max} messages")
            self._path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            with os.fdopen(fd, "a", encoding="utf-8") as out:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                out.flush()
                os.fsync(out.fileno())

    async def replay(self, handle: Callable[[Inbound], Awaitable[None]]) -> int:
        """Hand each kept message to `handle` in order, dropping it once handled; stops at the
        first failure. Returns how many were handled. (One replay at a time; messages kept
        meanwhile are added behind and wait for the next.)"""
        async with self._lock:
            try:
                lines = self._path.read_text(encoding="utf-8").splitlines()
            except FileNotFoundError:
                return 0
        done = 0
        try:
            for line in lines:
                data = json.loads(line)
                await handle(
                    Inbound(data["conversation_id"], data["channel"], data["text"], data["payload"])
                )
                done += 1
        finally:
            if done:
                async with self._lock:
                    rest = self._path.read_text(encoding="utf-8").splitlines()[done:]
                    if rest:
                        self._path.write_text("".join(f"{r}\n" for r in rest), encoding="utf-8")
                    else:
                        self._path.unlink(missing_ok=True)
        return done


SPOOL = web.AppKey("spool", Spool)


async def spool_ctx(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx: this front door's spool, and the task that empties it."""
    settings = app[SETTINGS]
    app[SPOOL] = Spool(settings.spool_dir / f"frontdoor-{settings.port}.jsonl", settings.spool_max)
    task = asyncio.create_task(_replay_forever(app))
    yield
    await cancel_and_wait(task)


async def kept_for_later(app: web.Application, message: Inbound) -> Outbound:
    """Keep `message` in the spool; the polite answer to give now, in its language."""
    router = app[ROUTER]
    try:
        await app[SPOOL].keep(message)
        log.warning("redis away: %s's message kept in the spool", message.conversation_id)
    except (SpoolFull, OSError) as error:
        log.error("redis away and %s: %s's message not kept", error, message.conversation_id)
    return router.system_message("utter_unavailable", router.language_of(message.text))


async def _replay_forever(app: web.Application) -> None:
    spool, router = app[SPOOL], app[ROUTER]

    async def answer(message: Inbound) -> None:
        for reply in await router.handle(message):
            await router.publish(message.conversation_id, reply)

    while True:
        await asyncio.sleep(RETRY_SECONDS)
        if not app[OUTBOX_READY].is_set():
            continue  # the answers would reach no socket yet
        try:
            if done := await spool.replay(answer):
                log.info("spool: %d messages answered now that Redis is back", done)
        except REDIS_AWAY:
            continue  # still away
        except Exception:
            log.exception("spool: replay failed; trying again")
