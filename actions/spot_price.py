"""What power costs now: the spot price of the current interval in every price area."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.context import context
from core.content.values import area_prices_value, time_value
from core.spot_prices import SpotPrices, spot_prices_at


class ActionSpotPrice(Action):
    def name(self) -> str:
        return "action_spot_price"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        ctx = context()
        profile = ctx.profile
        prices = spot_prices_at(
            profile.spot_price_feed, tuple(profile.price_areas), profile.timezone, ctx.now()
        )
        response, values = spot_price_answer(prices)
        dispatcher.utter_message(response=response, **values)
        return []


def spot_price_answer(prices: SpotPrices | None) -> tuple[str, dict[str, Any]]:
    """The answer with each area's price and the time it is for; another when none is known."""
    if prices is None:
        return "utter_spot_price_unknown", {}
    return "utter_spot_price", {
        "starts": time_value(prices.starts),
        "ends": time_value(prices.ends),
        "area_prices": area_prices_value(prices.by_area),
    }
