"""Closing time end to end: the whole stack lives on a Friday afternoon before Constitution
Day and Whit Monday (Monday 17 May 2027), its clock reaching 16:00 a few minutes after it
starts. Two customers wait at the desk: one is offered a callback before closing and, on a
tap, gets Tuesday's promise; the other is still waiting at 16:00, is told what happens next,
and gets no wait update after that."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from core.clock import system_clock
from store.conversations import Mode
from store.handoffs import State
from store.presence import Status
from store.stores import Stores
from tests.helpers import (
    AGENT_PASSWORD,
    PROFILE,
    RunningStack,
    eventually,
    post,
    render_answer,
    start_stack,
    texts,
)

pytestmark = pytest.mark.stack

# Far enough before 16:00 that the stack starts and both customers queue before the desk
# closes; 15 minutes before closing (the profile's notice) is long past by then.
BEFORE_CLOSING = "2027-05-14T15:56:00+02:00"
CLOSING_DB = 14
TUESDAY_16 = "tirsdag 18. mai kl. 16.00"
TUESDAY_08 = "tirsdag 18. mai kl. 08.00"
ASKING = "Jeg vil snakke med et menneske"
CALLBACK_TURNS = ["Kari Nordmann", "412 34 567", "flytting til ny leilighet"]


@pytest.fixture(scope="module")
def friday_afternoon(
    redis_server: str, trained_model: object, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningStack]:
    logs = tmp_path_factory.mktemp("closing-logs")
    yield from start_stack(redis_server, CLOSING_DB, logs, {"SVAR_CLOCK": BEFORE_CLOSING})


@pytest.fixture
async def stores(friday_afternoon: RunningStack) -> AsyncIterator[Stores]:
    stores = Stores.connect(friday_afternoon.redis_url, system_clock, PROFILE.retention)
    # Kari at the desk, so customers are queued (store/presence.py: chosen and a desk open).
    await stores.agents.add("kari", "Kari", AGENT_PASSWORD)
    await stores.presence.choose("kari", Status.ONLINE)
    await stores.presence.desk_open("kari")
    yield stores
    await stores.close()


async def last_text(stores: Stores, conversation_id: str) -> str:
    entries = await stores.transcripts.read(conversation_id, 1)
    return entries[-1].text if entries else ""


async def test_at_closing_time_the_queue_is_offered_a_callback_and_then_told_we_are_closed(
    friday_afternoon: RunningStack, stores: Stores
) -> None:
    queued = render_answer("utter_handoff_queued", "nb", position="1", wait_minutes="5")
    for sender in ("closing-a", "closing-b"):
        body = await post(friday_afternoon, sender, ASKING, payload="/request_human")
        assert texts(body)[-1].split(".")[0] == queued.split(".")[0], texts(body)
    assert len(await stores.handoffs.waiting()) == 2

    # The sweep (15 minutes before closing) offers each a callback by Tuesday, after the
    # holiday and the weekend.
    soon = render_answer("utter_handoff_closing_soon", "nb", closes="16.00", deadline=TUESDAY_16)

    async def offered() -> bool:
        return all(
            [await last_text(stores, f"api:{s}") == soon for s in ("closing-a", "closing-b")]
        )

    await eventually(offered, 60, "the closing notice")

    # One tap on "Ja, ring meg": the bot takes the callback and promises Tuesday.
    body = await post(friday_afternoon, "closing-a", "Ja, ring meg", payload="/request_callback")
    assert texts(body)[-1] == render_answer("utter_ask_callback_name", "nb")
    for turn in CALLBACK_TURNS:
        body = await post(friday_afternoon, "closing-a", turn)
    any_time = body["messages"][-1]["buttons"][0]
    body = await post(friday_afternoon, "closing-a", any_time["title"], payload=any_time["payload"])
    promise = render_answer(
        "utter_callback_confirmed", "nb", customer_phone="41 23 45 67", deadline=TUESDAY_16
    )
    assert texts(body)[-1] == promise

    # The other still waits at 16:00: out of the queue, told when we open and how to reach us.
    closed = render_answer("utter_handoff_desk_closed", "nb", next_opening=TUESDAY_08)

    async def told_closed() -> bool:
        return await last_text(stores, "api:closing-b") == closed

    await eventually(told_closed, 300, "the closing message")
    handoff = await stores.handoffs.latest_for("api:closing-b")
    assert handoff is not None and (handoff.state, handoff.outcome) == (State.CLOSED, "returned")
    assert await stores.handoffs.waiting() == []

    # Out of the queue: the rounds of wait updates, which go to waiting customers only, have
    # no one left to tell.
    conversation = await stores.conversations.get("api:closing-b")
    assert conversation is not None and conversation.mode is Mode.BOT
