"""Callbacks: collect name, phone, topic and a time window, then promise a call by a deadline.

The deadline comes from the business calendar: by closing time of the N-th workday that
opens after the request (core/calendar.py), N from the company profile's callback promise.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import phonenumbers
from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.context import context
from actions.language import conversation_client, conversation_language
from core.content.values import date_time_value
from core.pii import mask_phone
from store.callbacks import Callback

log = logging.getLogger(__name__)

MAX_NAME = 80
MAX_TEXT = 300
ANY_TIME = "any"
# Intents that name what a callback is about (the topic is prefilled from the latest one).
TOPIC_INTENTS = frozenset(
    {
        "opening_hours",
        "contact_info",
        "response_time",
        "invoice_explain",
        "invoice_missing",
        "payment_plan",
        "payment_trouble",
        "fees",
        "spot_price_now",
        "power_support",
        "bereavement",
        "sign_up",
        "grid_or_supplier",
        "einvoice_setup",
        "meter_reading",
        "power_outage",
        "power_danger",
        "moving",
        "price_plans",
        "cancel_contract",
        "broadband_issue",
        "complaint",
        "update_details",
        "login_help",
        "invoice_part",
    }
)


class ValidateCallbackForm(FormValidationAction):
    def name(self) -> str:
        return "validate_callback_form"

    async def extract_callback_topic(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Prefill the topic from the conversation, so the customer need not repeat it."""
        if tracker.get_slot("callback_topic") or tracker.get_slot("requested_slot"):
            return {}
        topic = conversation_topic(tracker.events)
        return {"callback_topic": topic} if topic else {}

    async def validate_callback_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"callback_name": clean_text(value, MAX_NAME)}

    async def validate_callback_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        phone = normalise_phone(value, context().profile.country)
        if phone is None:
            dispatcher.utter_message(response="utter_invalid_phone")
        return {"callback_phone": phone}

    async def validate_callback_topic(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"callback_topic": clean_text(value, MAX_TEXT)}

    async def validate_callback_time_window(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"callback_time_window": clean_text(value, MAX_TEXT)}


class ActionRegisterCallback(Action):
    def name(self) -> str:
        return "action_register_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        ctx = context()
        now = ctx.now()
        deadline = ctx.calendar.workday_deadline(now, ctx.profile.promises.callback_workdays)
        # Name and phone stay for a later request; the topic and time are this call's.
        done = [SlotSet("callback_topic", None), SlotSet("callback_time_window", None)]
        if not await ctx.limits().allow("callbacks_per_client", conversation_client(tracker)):
            dispatcher.utter_message(response="utter_callback_cap")
            return done
        metadata = tracker.latest_message.get("metadata") or {}
        callback = Callback.new(
            conversation_id=tracker.sender_id,
            channel=str(metadata.get("channel") or ""),
            language=conversation_language(tracker, ctx.profile.default_language),
            name=str(tracker.get_slot("callback_name")),
            phone=str(tracker.get_slot("callback_phone")),
            topic=str(tracker.get_slot("callback_topic")),
            time_window=str(tracker.get_slot("callback_time_window")),
            requested_at=now,
            deadline=deadline,
        )
        await ctx.stores().callbacks.add(callback)
        log.info(
            "callback %s for %s promised by %s", callback.id, mask_phone(callback.phone), deadline
        )
        dispatcher.utter_message(
            response=confirmation(callback.time_window),
            customer_phone=display_phone(callback.phone, ctx.profile.country),
            deadline=date_time_value(deadline),
            time_window=callback.time_window,
        )
        return done


def confirmation(time_window: str) -> str:
    """The promise names the time the customer asked for, unless any time suits them."""
    if time_window in (ANY_TIME, "None", ""):
        return "utter_callback_confirmed"
    return "utter_callback_confirmed_window"


def normalise_phone(value: Any, country: str) -> str | None:
    """A valid phone number in E.164 ('+4741234567'), or None; national numbers use `country`."""
    if value is None:
        return None
    try:
        number = phonenumbers.parse(str(value), country)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str, country: str) -> str:
    """How the customer writes their own number: national format at home, international abroad."""
    number = phonenumbers.parse(e164, country)
    home = phonenumbers.region_code_for_number(number) == country
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if home
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def clean_text(value: Any, limit: int) -> str | None:
    text = " ".join(str(value or "").split())[:limit]
    return text or None


def conversation_topic(events: Iterable[dict[str, Any]]) -> str | None:
    """The latest customer-service topic the customer asked about, if any."""
    topic = None
    for event in events:
        if event.get("event") == "user":
            name = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            if name in TOPIC_INTENTS:
                topic = str(name)
    return topic
