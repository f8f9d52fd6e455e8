"""The bill, part by part: the customer picks a part under the bill explanation."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

ANSWERS = {
    "energy": "utter_invoice_part_energy",
    "grid_rent": "utter_invoice_part_grid_rent",
    "fees": "utter_invoice_part_fees",
    "high": "utter_invoice_high",
}


class ActionInvoicePart(Action):
    def name(self) -> str:
        return "action_invoice_part"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(response=invoice_part_answer(tracker.get_slot("invoice_part")))
        return []


def invoice_part_answer(part: Any) -> str:
    """The answer for one part of the bill; the whole explanation for a part we do not know."""
    return ANSWERS.get(str(part), "utter_invoice_explain")
