"""Opening hours: whether customer service is open right now, and when it opens next."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.context import context
from core.calendar import BusinessCalendar
from core.content.values import date_time_value, time_value


class ActionOpeningHours(Action):
    def name(self) -> str:
        return "action_opening_hours"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        ctx = context()
        response, values = opening_hours_answer(ctx.calendar, ctx.now())
        dispatcher.utter_message(response=response, **values)
        return []


def opening_hours_answer(
    calendar: BusinessCalendar, now: datetime
) -> tuple[str, dict[str, dict[str, str]]]:
    """The answer to give and its values: open until when, or closed until when."""
    if calendar.is_open(now):
        closes = calendar.closing_time(calendar.local(now).date())
        assert closes is not None  # open now means today has a closing time
        return "utter_opening_hours_open", {"closes": time_value(closes)}
    return "utter_opening_hours_closed", {
        "next_opening": date_time_value(calendar.next_opening(now))
    }
