"""Rasa's lock, as our lock store keeps it: one turn of a conversation at a time, and a turn
behind a killed Rasa server's never waits for good."""

from __future__ import annotations

import asyncio
import secrets

from rasa.utils.endpoints import EndpointConfig

from rasa_plugins.lock_store import RedisUrlLockStore

LIFETIME = 1.0  # of a ticket, here; Rasa's is 60 s
LOOK_EVERY = 3.0  # longer than a ticket lives: the waiter's first look back finds both expired


def store(redis_url: str) -> RedisUrlLockStore:
    return RedisUrlLockStore(EndpointConfig(redis_url=redis_url, key_prefix="svar"))


async def test_a_turn_behind_a_killed_servers_ticket_is_served_when_its_own_ticket_expired_too(
    redis_url: str,
) -> None:
    locks = store(redis_url)
    conversation = f"web:{secrets.token_hex(8)}"
    locks.issue_ticket(conversation, LIFETIME)  # the killed server's turn: never done
    served = []

    async def turn() -> None:
        async with locks.lock(conversation, LIFETIME, LOOK_EVERY):
            served.append(conversation)

    await asyncio.wait_for(turn(), 10 * LOOK_EVERY)  # Rasa's own lock waits here for good
    assert served == [conversation]
    assert locks.get_lock(conversation) is None, "nothing left behind"


async def test_a_turn_waits_for_the_one_before_it_to_finish(redis_url: str) -> None:
    locks = store(redis_url)
    conversation = f"web:{secrets.token_hex(8)}"
    order = []
    first_holds = asyncio.Event()

    async def first() -> None:
        async with locks.lock(conversation, 60, 0.05):
            first_holds.set()
            await asyncio.sleep(0.5)  # the second looks meanwhile and waits
            order.append("first")

    async def second() -> None:
        await first_holds.wait()
        async with locks.lock(conversation, 60, 0.05):
            order.append("second")

    await asyncio.gather(first(), second())
    assert order == ["first", "second"]
    assert locks.get_lock(conversation) is None
