"""Complaints: registered in the chat as a case, confirmed at once with the case number, the
written-answer date and what happens next.

Every complaint is answered in writing, in the channel it came in, and by e-mail too when the
customer wrote an address; the date comes from the business calendar and the company's
complaint promise. A person then takes over (the handoff rule runs next).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.callback import conversation_topic
from actions.context import context
from actions.language import conversation_language
from core.content.values import date_time_value
from store.complaints import new_complaint

# An address as customers write one in a sentence; the answer is also sent there.
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")


def email_address(text: str, entities: Iterable[dict[str, Any]]) -> str:
    """The e-mail address the customer gave: the NLU's `email` entity, else one in the text."""
    for entity in entities:
        if entity.get("entity") == "email" and EMAIL.fullmatch(str(entity.get("value") or "")):
            return str(entity["value"])
    found = EMAIL.search(text)
    return found.group() if found else ""


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
        text = str(tracker.latest_message.get("text") or "")
        # What the customer asked about before complaining (the complaint is no topic itself).
        topic = conversation_topic(e for e in tracker.events if _intent(e) != "complaint") or ""
        complaint = await ctx.stores().complaints.add(
            new_complaint(
                tracker.sender_id,
                str(metadata.get("channel") or ""),
                conversation_language(tracker, ctx.profile.default_language),
                text,
                now.timestamp(),
                deadline.timestamp(),
                topic=topic,
                email=email_address(text, tracker.latest_message.get("entities") or []),
            )
        )
        dispatcher.utter_message(
            response="utter_complaint_registered",
            case=complaint.case_number,
            deadline=date_time_value(deadline),
        )
        return []


def _intent(event: dict[str, Any]) -> str | None:
    return ((event.get("parse_data") or {}).get("intent") or {}).get("name")
