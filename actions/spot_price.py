"""What power costs now: the spot price in the customer's own price area (the profile's: NO1–NO5,
SE1–SE4).

The area comes from what the customer wrote (a postal code, a place, "NO5", "elområde 3"), from
earlier in the conversation, or is asked once (price_area_form). A reply the bot cannot place
still gets an answer: every area's price, so the customer is never asked twice. Only the
profile's areas count: "NO3" places no customer of a Swedish company.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.context import context
from core.content.values import area_prices_value, minor_value, time_value
from core.price_areas import PriceAreas
from core.spot_prices import AreaPrices, SpotPrices, area_prices_at, spot_prices_at

SLOT = "price_area"
# The price area slot when the customer was asked and the reply named no area.
EVERY_AREA = "all"


class ActionPriceArea(Action):
    def name(self) -> str:
        return "action_price_area"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        ctx = context()
        if len(ctx.profile.price_areas) == 1:  # one area (Finland): nothing to find or ask
            return [SlotSet(SLOT, next(iter(ctx.profile.price_areas)))]
        area = price_area(
            PriceAreas.for_company(ctx.profile),
            text=tracker.latest_message.get("text") or "",
            postal_code_entity=next(tracker.get_latest_entity_values("postal_code"), None),
            remembered=tracker.get_slot(SLOT),
            postal_code_slot=tracker.get_slot("postal_code"),
        )
        return [SlotSet(SLOT, area)] if area else []


class ValidatePriceAreaForm(FormValidationAction):
    def name(self) -> str:
        return "validate_price_area_form"

    async def validate_price_area(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "")
        if text in (*context().profile.price_areas, EVERY_AREA):  # found by action_price_area
            return {SLOT: text}
        area = PriceAreas.for_company(context().profile).in_text(text)
        return {SLOT: area or EVERY_AREA}


class ActionSpotPrice(Action):
    def name(self) -> str:
        return "action_spot_price"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        ctx = context()
        now = ctx.now()
        feed = await ctx.price_feed.read(now)
        area = tracker.get_slot(SLOT)
        if feed is None:
            response, values = spot_price_answer(None)
        elif area in ctx.profile.price_areas:
            prices = area_prices_at(feed, area, ctx.profile.timezone, now)
            response, values = area_price_answer(prices)
        else:
            areas = tuple(ctx.profile.price_areas)
            response, values = spot_price_answer(
                spot_prices_at(feed, areas, ctx.profile.timezone, now)
            )
        dispatcher.utter_message(response=response, **values)
        return []


def price_area(
    areas: PriceAreas,
    *,
    text: str,
    postal_code_entity: str | None,
    remembered: str | None,
    postal_code_slot: str | None,
) -> str | None:
    """The customer's area: what this message says first, then what the conversation knows."""
    return (
        (areas.for_postal_code(postal_code_entity) if postal_code_entity else None)
        or areas.in_text(text)
        or (remembered if remembered in areas.areas else None)
        or (areas.for_postal_code(postal_code_slot) if postal_code_slot else None)
        or remembered  # asked before, and the reply named no area: not asked again
    )


def area_price_answer(prices: AreaPrices | None) -> tuple[str, dict[str, Any]]:
    """One area's price now, today and tomorrow, with the time the figure is for."""
    if prices is None:
        return "utter_spot_price_unknown", {}
    values: dict[str, Any] = {
        "area": prices.area,
        "starts": time_value(prices.starts),
        "ends": time_value(prices.ends),
        "price_now": minor_value(prices.now),
        "today_average": minor_value(prices.today),
    }
    if prices.tomorrow is None:
        return "utter_spot_price_area_today", values
    return "utter_spot_price_area", {**values, "tomorrow_average": minor_value(prices.tomorrow)}


def spot_price_answer(prices: SpotPrices | None) -> tuple[str, dict[str, Any]]:
    """The answer with each area's price and the time it is for; another when none is known."""
    if prices is None:
        return "utter_spot_price_unknown", {}
    return "utter_spot_price", {
        "starts": time_value(prices.starts),
        "ends": time_value(prices.ends),
        "area_prices": area_prices_value(prices.by_area),
    }
