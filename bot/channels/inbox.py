"""A durable inbox for webhook events: accepted once, processed at least once, in order.

A platform retries a delivery that is not answered 200 quickly, so a webhook only checks the
request, drops event ids it has already accepted, and appends the new events to a Redis
stream, all in one atomic step per event; then it answers. Every front door reads the stream
through one consumer group and processes the events in the background, one at a time per
conversation, several conversations at once. An event is removed from the stream only once it
is processed, so events a stopped front door had read are claimed again by a running one
after a while; a restart loses nothing that was accepted.

An event whose processing fails is tried again (ATTEMPTS in all, with growing pauses, still in
its conversation's order); one that fails every time goes, masked, to a dead-letter stream a
supervisor sees in the desk. When the failure was Redis's (or it cannot be written then), the
event stays pending and is claimed again after a while, once Redis is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError

from bot.tasks import cancel_and_wait
from core.pii import mask
from store import keys

log = logging.getLogger(__name__)

GROUP = "frontdoor"
# Platforms redeliver for hours at most; a day and a half covers every retry.
SEEN_TTL_SECONDS = 36 * 3600
# Longer than any processing takes (Rasa's timeout plus the send retries).
CLAIM_AFTER_SECONDS = 120.0
CLAIM_EVERY_SECONDS = 15.0
CONCURRENCY = 32
STOP_GRACE_SECONDS = 10.0
# Consumers of front doors gone this long are removed from the group once they hold nothing.
FORGET_AFTER_MS = 3600 * 1000
# Tries of one event before it goes to the dead letters, and the first pause between them.
ATTEMPTS = 4
RETRY_PAUSE_SECONDS = 0.5
DEAD_LETTERS_KEPT = 10_000
# Tries to mark an event done (about a minute in all): longer than a Redis restart takes.
MARK_ATTEMPTS = 15

# Adds the event unless its id was accepted before; returns the stream id or nil.
_ACCEPT = """
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  return redis.call('XADD', KEYS[2], '*', 'conversation', ARGV[2], 'event', ARGV[3])
end
return false
"""

Handler = Callable[[dict[str, Any]], Awaitable[None]]


@dataclass(frozen=True)
class Event:
    """One platform event, as the platform sent it, with what the inbox needs to know of it."""

    id: str  # the platform's own id: a Messenger message id, a Telegram update id
    conversation_id: str  # events of one conversation are processed in order
    data: dict[str, Any]


class Inbox:
    def __init__(
        self,
        redis: Redis,
        channel: str,
        handle: Handler,
        *,
        concurrency: int = CONCURRENCY,
        claim_after: float = CLAIM_AFTER_SECONDS,
    ) -> None:
        self._redis = redis
        self._channel = channel
        self._stream = keys.inbox(channel)
        self._handle = handle
        self._concurrency = concurrency
        self._claim_after_ms = int(claim_after * 1000)
        # The events in hand are kept fresh well within `claim_after` (the read loop may come
        # round a second late), or another front door would take over a slow turn's event.
        self._claim_every = min(CLAIM_EVERY_SECONDS, claim_after / 4)
        self._consumer = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self._accept = redis.register_script(_ACCEPT)
        self._running: dict[str, asyncio.Task[None]] = {}  # by stream entry id
        self._order = _KeyedLocks()
        self._reader: asyncio.Task[None] | None = None

    async def accept(self, events: Sequence[Event]) -> int:
        """Store each event not seen before; returns how many were new."""
        if not events:
            return 0
        async with self._redis.pipeline(transaction=False) as pipe:
            for event in events:
                await self._accept(
                    keys=[keys.seen(self._channel, event.id), self._stream],
                    args=[
                        SEEN_TTL_SECONDS,
                        event.conversation_id,
                        json.dumps(event.data, ensure_ascii=False),
                    ],
                    client=pipe,
                )
            results = await pipe.execute()
        return sum(1 for result in results if result)

    async def start(self) -> None:
        await self._create_group()
        self._reader = asyncio.create_task(self._read_forever())

    async def _create_group(self) -> None:
        try:
            await self._redis.xgroup_create(self._stream, GROUP, id="0", mkstream=True)
        except ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise

    async def stop(self, grace: float = STOP_GRACE_SECONDS) -> None:
        """Stop reading; give the events in hand `grace` seconds, then leave the rest pending
        for another front door to claim."""
        if self._reader is not None:
            await cancel_and_wait(self._reader)
        if self._running:
            _, late = await asyncio.wait(set(self._running.values()), timeout=grace)
            for task in late:
                await cancel_and_wait(task)
        with contextlib.suppress(RedisError, OSError):
            await self._forget_consumer(self._consumer)

    async def pending(self) -> int:
        """Events accepted and not yet processed (for tests and benchmarks)."""
        return int(await self._redis.xlen(self._stream))

    async def _read_forever(self) -> None:
        loop = asyncio.get_running_loop()
        next_claim = 0.0
        lost = False
        while True:
            try:
                if lost:
                    await self._create_group()
                    lost = False
                free = self._concurrency - len(self._running)
                if loop.time() >= next_claim:
                    next_claim = loop.time() + self._claim_every
                    await self._keep_in_hand()
                    for entry in await self._claim_stale(max(free, 1)):
                        self._start(*entry)
                    continue
                if free <= 0:
                    await asyncio.wait(
                        set(self._running.values()),
                        timeout=1,
                        return_when=asyncio.FIRST_COMPLETED,
                    )
                    continue
                answer = await self._redis.xreadgroup(
                    GROUP, self._consumer, {self._stream: ">"}, count=free, block=1000
                )
                for _, entries in answer or []:
                    for entry in entries:
                        self._start(*entry)
            except asyncio.CancelledError:
                raise
            except ResponseError as error:
                if "NOGROUP" not in str(error):
                    log.exception("%s inbox: reading failed; retrying", self._channel)
                    await asyncio.sleep(1)
                    continue
                # Redis lost the stream (restarted without its data, or flushed).
                log.warning("%s inbox: the stream was gone; making it anew", self._channel)
                lost = True
            except Exception:  # a Redis restart must not end processing for good
                log.exception("%s inbox: reading failed; retrying", self._channel)
                await asyncio.sleep(1)

    async def _keep_in_hand(self) -> None:
        """Reset the idle time of the events this front door holds (some wait behind earlier
        messages of their conversation), so that no other front door claims them."""
        if self._running:
            await self._redis.xclaim(
                self._stream, GROUP, self._consumer, 0, list(self._running), justid=True
            )

    async def _claim_stale(self, count: int) -> list[tuple[str, dict[str, str]]]:
        """Events another front door read and never finished (it stopped or crashed)."""
        answer = await self._redis.xautoclaim(
            self._stream, GROUP, self._consumer, self._claim_after_ms, "0-0", count=count
        )
        for consumer in await self._redis.xinfo_consumers(self._stream, GROUP):
            if consumer["name"] != self._consumer and consumer["idle"] > FORGET_AFTER_MS:
                await self._forget_consumer(consumer["name"])
        claimed: list[tuple[str, dict[str, str]]] = [
            (entry_id, fields)
            for entry_id, fields in answer[1]
            if fields and entry_id not in self._running
        ]
        if claimed:
            log.warning("%s inbox: took over %d unfinished events", self._channel, len(claimed))
        return claimed

    async def _forget_consumer(self, name: str) -> None:
        """Remove a consumer from the group, unless it holds events (they would be lost)."""
        if not await self._redis.xpending_range(
            self._stream, GROUP, min="-", max="+", count=1, consumername=name
        ):
            await self._redis.xgroup_delconsumer(self._stream, GROUP, name)

    def _start(self, entry_id: str, fields: dict[str, str]) -> None:
        if entry_id in self._running:
            return
        task = asyncio.create_task(self._process(entry_id, fields))
        self._running[entry_id] = task
        task.add_done_callback(lambda _: self._running.pop(entry_id, None))

    async def _process(self, entry_id: str, fields: dict[str, str]) -> None:
        conversation_id = fields.get("conversation", "")
        error: Exception | None = None
        async with self._order.hold(conversation_id):
            for attempt in range(1, ATTEMPTS + 1):
                try:
                    await self._handle(json.loads(fields["event"]))
                    error = None
                    break
                except asyncio.CancelledError:
                    raise  # left pending: claimed again later
                except Exception as failure:
                    error = failure
                    log.warning(
                        "%s inbox: event %s failed (attempt %d of %d): %r",
                        self._channel,
                        entry_id,
                        attempt,
                        ATTEMPTS,
                        failure,
                    )
                    if attempt < ATTEMPTS:
                        await asyncio.sleep(RETRY_PAUSE_SECONDS * 2 ** (attempt - 1))
        if isinstance(error, (RedisError, OSError)):
            # Redis (or the network) was away, not the event's fault: left pending, it is
            # claimed and tried again later.
            log.error("%s inbox: event %s left for later: %r", self._channel, entry_id, error)
            return
        if error is not None:
            log.error("%s inbox: event %s to the dead letters", self._channel, entry_id)
        # Done (or dead): marked so while Redis may be restarting, for a while, since an event
        # left pending after it was answered would be answered again once claimed.
        pause = RETRY_PAUSE_SECONDS
        for _ in range(MARK_ATTEMPTS):
            try:
                await self._mark_done(entry_id, conversation_id, fields, error)
                return
            except (RedisError, OSError) as failure:
                log.warning(
                    "%s inbox: event %s not marked done yet: %r", self._channel, entry_id, failure
                )
                await asyncio.sleep(pause)
                pause = min(pause * 2, 5.0)
        log.error(
            "%s inbox: could not mark event %s done; it may be answered again",
            self._channel,
            entry_id,
        )

    async def _mark_done(
        self, entry_id: str, conversation_id: str, fields: dict[str, str], error: Exception | None
    ) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            if error is not None:
                pipe.xadd(
                    keys.inbox_dead(self._channel),
                    {
                        "conversation": conversation_id,
                        "event": mask(fields.get("event", "")),
                        "error": mask(repr(error))[:500],
                        "attempts": str(ATTEMPTS),
                    },
                    maxlen=DEAD_LETTERS_KEPT,
                    approximate=True,
                )
            pipe.xack(self._stream, GROUP, entry_id)
            pipe.xdel(self._stream, entry_id)  # the customer's words do not linger here
            await pipe.execute()


class _KeyedLocks:
    """One FIFO lock per key, kept only while someone holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)
