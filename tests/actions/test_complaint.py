"""A complaint made in the chat is a case: kept masked, with its case number, the day it must
be answered in writing, where the answer goes, and confirmed to the customer at once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher
from redis.asyncio import Redis

from actions.complaint import ActionRegisterComplaint, email_address
from store.complaints import Complaints, Status
from tests.helpers import OSLO, tracker

pytestmark = pytest.mark.usefixtures("action_env")

# Made on Tuesday 24 November at 10:00: three whole workdays, so by Friday at closing.
FRIDAY_CLOSING = datetime(2026, 11, 27, 16, 0, tzinfo=OSLO)


def said(
    text: str, channel: str = "web", entities: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {
        "intent": {"name": "complaint"},
        "text": text,
        "metadata": {"language": "nb", "channel": channel},
        "entities": entities or [],
    }


async def register(
    conversation_id: str, latest: dict[str, Any], events: list[dict[str, Any]] | None = None
) -> CollectingDispatcher:
    dispatcher = CollectingDispatcher()
    result = await ActionRegisterComplaint().run(
        dispatcher, tracker(conversation_id, latest, events or []), {}
    )
    assert result == []
    return dispatcher


async def test_a_complaint_is_kept_masked_with_its_written_answer_deadline(
    redis_client: Redis,
) -> None:
    dispatcher = await register(
        "web:klage",
        said("Jeg vil klage! Fødselsnummeret mitt er 15076500565 og regningen er feil."),
    )
    (message,) = dispatcher.messages
    assert message["response"] == "utter_complaint_registered"
    assert message["deadline"] == {"type": "date_time", "value": "2026-11-27T16:00:00+01:00"}

    (complaint,) = await Complaints(redis_client).by_deadline()
    assert complaint.conversation_id == "web:klage"
    assert complaint.channel == "web" and complaint.language == "nb"
    assert complaint.answer_by == FRIDAY_CLOSING.timestamp()
    assert complaint.status is Status.OPEN and complaint.agent is None
    assert "15076500565" not in complaint.text and "regningen er feil" in complaint.text
    assert complaint.answer_in == "writing, in the channel it came in"
    # The log for reports holds the same masked record.
    (logged,) = await redis_client.xrange("svar:complaints:log")
    assert logged[1]["complaint"] == complaint.id and logged[1]["event"] == "registered"
    assert "15076500565" not in logged[1]["record"]


async def test_the_customer_is_told_the_case_number_at_once_and_numbers_do_not_repeat(
    redis_client: Redis,
) -> None:
    first = await register("fb:111", said("klage på måleren", channel="messenger"))
    second = await register("tg:222", said("klage på fakturaen", channel="telegram"))
    assert first.messages[0]["case"] == "K-000001"
    assert second.messages[0]["case"] == "K-000002"
    kept = {c.conversation_id: c for c in await Complaints(redis_client).by_deadline()}
    assert kept["fb:111"].case_number == "K-000001" and kept["fb:111"].channel == "messenger"
    assert kept["tg:222"].case_number == "K-000002" and kept["tg:222"].channel == "telegram"


async def test_an_address_in_the_complaint_is_kept_for_the_written_answer(
    redis_client: Redis,
) -> None:
    await register("web:epost", said("Jeg klager på regningen, svar meg på kari.n@example.no takk"))
    (complaint,) = await Complaints(redis_client).by_deadline()
    assert complaint.email == "kari.n@example.no"


async def test_the_topic_asked_about_before_the_complaint_goes_with_it(
    redis_client: Redis,
) -> None:
    earlier = [
        {"event": "user", "text": "strømmen er borte", "parse_data": {"intent": {"name": "power_outage"}}},
        {"event": "user", "text": "dette er for dårlig", "parse_data": {"intent": {"name": "complaint"}}},
    ]  # fmt: skip
    await register("web:tema", said("dette er for dårlig"), earlier)
    (complaint,) = await Complaints(redis_client).by_deadline()
    assert complaint.topic == "power_outage"


def test_the_address_comes_from_the_entity_when_the_nlu_found_one() -> None:
    entities = [{"entity": "email", "value": "ola@example.com"}]
    assert email_address("skriv til ola@example.com", entities) == "ola@example.com"
    assert email_address("skriv til meg på per@firma.no.", []) == "per@firma.no"
    assert email_address("ingen adresse her @ i dag", []) == ""
