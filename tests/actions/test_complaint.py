"""A complaint made in the chat is kept, masked, with the day it must be answered in writing."""

from __future__ import annotations

from datetime import datetime

import pytest
from rasa_sdk.executor import CollectingDispatcher
from redis.asyncio import Redis

from actions.complaint import ActionRegisterComplaint
from store.complaints import Complaints
from tests.helpers import OSLO, tracker

pytestmark = pytest.mark.usefixtures("action_env")


async def test_a_complaint_is_kept_masked_with_its_written_answer_deadline(
    redis_client: Redis,
) -> None:
    latest = {
        "intent": {"name": "complaint"},
        "text": "Jeg vil klage! Fødselsnummeret mitt er 15076500565 og regningen er feil.",
        "metadata": {"language": "nb", "channel": "web"},
        "entities": [],
    }
    dispatcher = CollectingDispatcher()
    events = await ActionRegisterComplaint().run(dispatcher, tracker("web:klage", latest, []), {})
    assert events == []
    # Made on Tuesday 24 November at 10:00: three whole workdays, so by Friday at closing.
    friday_closing = datetime(2026, 11, 27, 16, 0, tzinfo=OSLO)
    (message,) = dispatcher.messages
    assert message["response"] == "utter_complaint_registered"
    assert message["deadline"] == {"type": "date_time", "value": "2026-11-27T16:00:00+01:00"}

    (complaint,) = await Complaints(redis_client).by_deadline()
    assert complaint.conversation_id == "web:klage"
    assert complaint.channel == "web" and complaint.language == "nb"
    assert complaint.answer_by == friday_closing.timestamp()
    assert "15076500565" not in complaint.text and "regningen er feil" in complaint.text
    assert complaint.answer_in == "writing, in the channel it came in"
    # The log for reports holds the same masked record.
    (logged,) = await redis_client.xrange("svar:complaints:log")
    assert logged[1]["complaint"] == complaint.id
    assert "15076500565" not in logged[1]["record"]
