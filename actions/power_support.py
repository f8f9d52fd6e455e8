"""The state's support for power prices: Norway's schemes from the profile, or none where the
company's country has no such scheme (the profile's `state_schemes: none`)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.context import context
from core.company import CompanyProfile


class ActionPowerSupport(Action):
    def name(self) -> str:
        return "action_power_support"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(response=power_support_answer(context().profile))
        return []


def power_support_answer(profile: CompanyProfile) -> str:
    """The schemes and their dated facts, or that the state gives no such support here."""
    return "utter_power_support" if profile.state_schemes else "utter_power_support_none"
