"""Power cuts: get the customer's postal code, then say what is known about their area."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.context import context
from actions.language import conversation_language
from core.content.values import date_time_value
from core.outages import Outage, find_outage
from core.postal_codes import normalise_postal_code

OPERATIONS_NOTICE = "utter_operations_notice"


class ValidateOutageForm(FormValidationAction):
    def name(self) -> str:
        return "validate_outage_form"

    async def validate_postal_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        code = normalise_postal_code(value, context().profile.postal_code_digits)
        if code is None:
            dispatcher.utter_message(response="utter_invalid_postal_code")
        return {"postal_code": code}


class ActionOutageLookup(Action):
    def name(self) -> str:
        return "action_outage_lookup"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        ctx = context()
        postal_code = str(tracker.get_slot("postal_code") or "")
        language = conversation_language(tracker, ctx.profile.default_language)
        outage = find_outage(ctx.profile.outage_feed, ctx.profile.timezone, postal_code, ctx.now())
        response, values = outage_answer(outage, postal_code, language)
        dispatcher.utter_message(response=response, **values)
        # What a supervisor published about a disturbance here (store/ops_notices.py).
        for notice in await ctx.stores().ops_notices.active(ctx.now(), postal_code):
            text = notice.text.get(language) or next(iter(notice.text.values()))
            dispatcher.utter_message(response=OPERATIONS_NOTICE, notice=text)
        return []


def outage_answer(
    outage: Outage | None, postal_code: str, language: str
) -> tuple[str, dict[str, Any]]:
    """Which answer tells the customer what is known, with its values."""
    if outage is None:
        return "utter_outage_none", {"postal_code": postal_code}
    values: dict[str, Any] = {
        "area": outage.area,
        "started": date_time_value(outage.started),
        "cause": outage.cause.get(language) or next(iter(outage.cause.values()), ""),
    }
    if outage.expected_end is None:
        return "utter_outage_found_no_end", values
    return "utter_outage_found", {**values, "expected_end": date_time_value(outage.expected_end)}
