"""Complaints: registered in the chat and confirmed with the promised written-answer date.

Every complaint is answered in writing, in the channel it came in; the date comes from the
business calendar and the company's complaint promise. A person then takes over (the
handoff rule runs next).
"""

from __future__ import annotations

import json
import time
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.context import context
from core.content.values import date_time_value
from core.pii import mask
from store import keys


class ActionRegisterComplaint(Action):
    def name(self) -> str:
        return "action_register_complaint"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        ctx = context()
        now = ctx.now()
        deadline = ctx.calendar.workday_deadline(
            now, ctx.profile.promises.complaint_answer_workdays
        )
        metadata = tracker.latest_message.get("metadata") or {}
        record = complaint_record(
            tracker.sender_id,
            str(metadata.get("channel") or ""),
            str(tracker.get_slot("language") or ctx.profile.default_language),
            str(tracker.latest_message.get("text") or ""),
            now.timestamp(),
            deadline.timestamp(),
        )
        async with ctx.redis() as redis:
            await redis.xadd(keys.complaints(), {"record": json.dumps(record, ensure_ascii=False)})
        dispatcher.utter_message(
            response="utter_complaint_registered", deadline=date_time_value(deadline)
        )
        return []


def complaint_record(
    conversation_id: str,
    channel: str,
    language: str,
    text: str,
    registered_at: float,
    answer_by: float,
) -> dict[str, Any]:
    """The durable record of one complaint; the customer's words are masked."""
    return {
        "conversation_id": conversation_id,
        "channel": channel,
        "language": language,
        "text": mask(text),
        "registered_at": registered_at,
        "answer_by": answer_by,
        "answer_in": "writing, in the channel it came in",
        "logged_at": time.time(),
    }
