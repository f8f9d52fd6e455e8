"""Closing time: the queue is told before the desk closes, and emptied at closing."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient
from redis.asyncio import Redis

from bot.app import create_app
from bot.desk.closing import Phase, closing_phase, closing_round
from bot.keys import PROFILE
from core.settings import Settings
from store.conversations import Conversations, Mode
from store.handoffs import Handoffs, State
from store.transcripts import Transcripts
from tests.helpers import queue, render_answer

SETTINGS = Settings()
PROFILE_ = SETTINGS.load_profile()
NOTICE = timedelta(minutes=15)
# Friday before Constitution Day and Whit Monday (Monday 17 May 2027): Tuesday is the next
# workday.
FRIDAY = "2027-05-14"
TUESDAY_08 = "tirsdag 18. mai kl. 08.00"


def at(clock: str, day: str = FRIDAY) -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}+02:00")


@pytest.mark.parametrize(
    ("now", "phase"),
    [
        (at("15:44:59"), None),
        (at("15:45:00"), Phase.CLOSING_SOON),
        (at("15:59:59"), Phase.CLOSING_SOON),
        (at("16:00:00"), Phase.CLOSED),
        (at("16:59:00"), Phase.CLOSED),
        (at("17:00:00"), None),
        (at("03:00"), None),
        (at("15:50", "2027-05-17"), None),  # a holiday: no closing that day
        (at("15:50", "2027-05-15"), None),  # Saturday
    ],
)
def test_the_closing_phase_follows_the_calendar(now: datetime, phase: Phase | None) -> None:
    found = closing_phase(PROFILE_.calendar(), now, NOTICE)
    assert (found.phase if found else None) == phase
    if found:
        assert found.closes == at("16:00")


@pytest.fixture
async def client(aiohttp_client, settings: Settings) -> TestClient:  # type: ignore[no-untyped-def]
    return await aiohttp_client(create_app(settings))


async def last_said(redis: Redis, conversation_id: str) -> str:
    return (await Transcripts(redis).read(conversation_id))[-1].text


async def test_before_closing_each_waiting_customer_is_offered_a_callback_once(
    client: TestClient, redis_client: Redis
) -> None:
    assert client.app[PROFILE].queue.closing_notice_minutes == 15
    first = await queue(redis_client, "web:late1")
    await queue(redis_client, "web:late2")
    assert await closing_round(client.app, at("15:50")) == 2
    said = await last_said(redis_client, "web:late1")
    assert "kl. 16.00" in said and "tirsdag 18. mai" in said, said
    assert await closing_round(client.app, at("15:55")) == 0  # told once
    found = await Handoffs(redis_client).get(first)
    assert found is not None and found.state is State.QUEUED


async def test_at_closing_the_waiting_customers_go_back_to_the_bot_and_are_told(
    client: TestClient, redis_client: Redis
) -> None:
    # Queued a minute ago, on a clock that now reads 16:00:30.
    handoff_id = await queue(redis_client, "web:closed", now=time.time() - 60)
    assert await closing_round(client.app, at("16:00:30")) == 1
    found = await Handoffs(redis_client).get(handoff_id)
    assert found is not None and (found.state, found.outcome) == (State.CLOSED, "returned")
    conversation = await Conversations(redis_client).get("web:closed")
    assert conversation is not None and conversation.mode is Mode.BOT
    said = await last_said(redis_client, "web:closed")
    # When we open after the holiday, and whom to call about danger.
    assert said == render_answer("utter_handoff_desk_closed", "nb", next_opening=TUESDAY_08)
    assert await Handoffs(redis_client).waiting() == []


async def test_a_queue_of_tonight_is_left_alone(client: TestClient, redis_client: Redis) -> None:
    """Queued after the closing (a test on the real clock at night): nothing happens."""
    handoff_id = await queue(redis_client, "web:tonight")
    assert await closing_round(client.app, at("16:30")) == 0
    assert await closing_round(client.app, datetime.now().astimezone()) in (0, 1)
    found = await Handoffs(redis_client).get(handoff_id)
    assert found is not None and found.state is State.QUEUED
