"""Complaints: registered in the chat and confirmed with the promised written-answer date.

Every complaint is answered in writing, in the channel it came in; the date comes from the
business calendar and the company's complaint promise. A person then takes over (the
handoff rule runs next).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.context import context
from actions.language import conversation_language
from core.content.values import date_time_value
from store.complaints import new_complaint


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
        complaint = new_complaint(
            tracker.sender_id,
            str(metadata.get("channel") or ""),
            conversation_language(tracker, ctx.profile.default_language),
            str(tracker.latest_message.get("text") or ""),
            now.timestamp(),
            deadline.timestamp(),
        )
        await ctx.stores().complaints.add(complaint)
        dispatcher.utter_message(
            response="utter_complaint_registered", deadline=date_time_value(deadline)
        )
        return []
