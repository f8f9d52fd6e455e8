"""The fallback, run as the action server runs it: one answer, then the turn ends."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionFallback, earlier_misses, fallback_answer

DOMAIN = {"slots": {"customer_number": {}, "postal_code": {}, "language": {}}}
LISTEN = {"event": "followup", "timestamp": None, "name": "action_listen"}
TAKE_BACK = {"event": "rewind", "timestamp": None}


def user(intent: str, text: str = "something I typed", **parse: Any) -> dict[str, Any]:
    return {
        "event": "user",
        "text": text,
        "parse_data": {"intent": {"name": intent}, "text": text, **parse},
    }


def bot(answer: str) -> dict[str, Any]:
    return {"event": "bot", "text": "…", "metadata": {"utter_action": answer}}


def tracker(events: list[dict[str, Any]], slots: dict[str, Any] | None = None) -> Tracker:
    latest = next(e["parse_data"] for e in reversed(events) if e["event"] == "user")
    return Tracker("web:t1", slots or {}, latest, events, False, None, None, "action_listen")


async def run(events: list[dict[str, Any]], slots: dict[str, Any] | None = None) -> Any:
    dispatcher = CollectingDispatcher()
    returned = await ActionFallback().run(dispatcher, tracker(events, slots), DOMAIN)
    return [m["response"] for m in dispatcher.messages], returned


def test_first_miss_offers_the_likeliest_topics_without_small_talk() -> None:
    ranking = [
        {"name": "nlu_fallback", "confidence": 1.0},
        {"name": "greet", "confidence": 0.3},
        {"name": "invoice_explain", "confidence": 0.25},
        {"name": "moving", "confidence": 0.2},
        {"name": "price_plans", "confidence": 0.1},
        {"name": "login_help", "confidence": 0.06},
        {"name": "complaint", "confidence": 0.01},
    ]
    assert fallback_answer("nlu_fallback", ranking, earlier=0) == (
        "utter_ask_rephrase",
        {"topics": ["invoice_explain", "moving", "price_plans"]},
    )


def test_a_miss_with_no_likely_topic_offers_the_common_topics() -> None:
    # Keyboard mash: the NLU ranks nothing but the fallback, yet the answer says "pick a topic
    # below", so there must be topics below it.
    mash = [{"name": "nlu_fallback", "confidence": 1.0}]
    assert fallback_answer("nlu_fallback", mash, earlier=0) == (
        "utter_ask_rephrase",
        {"topics": ["invoice_explain", "power_outage", "moving"]},
    )


async def test_not_understood_by_the_nlu_asks_again_and_leaves_the_listening_to_the_rule() -> None:
    said, returned = await run([user("greet"), bot("utter_greet"), user("nlu_fallback")])
    assert said == ["utter_ask_rephrase"]
    assert returned == []


async def test_a_first_word_the_bot_does_not_know_gets_how_can_i_help_and_is_no_miss() -> None:
    said, _ = await run([user("nlu_fallback", text="öppet")])
    assert said == ["utter_how_can_i_help"]
    said, _ = await run([user("nlu_fallback", text="moi moi")])
    assert said == ["utter_how_can_i_help"]


async def test_a_longer_first_message_or_a_later_short_one_not_understood_is_a_miss() -> None:
    assert (await run([user("nlu_fallback", text="fjdksla qwpoe zmxn")]))[0] == [
        "utter_ask_rephrase"
    ]
    later = [user("greet", text="hei"), bot("utter_greet"), user("nlu_fallback", text="öppet")]
    assert (await run(later))[0] == ["utter_ask_rephrase"]
    new_session = [user("greet"), bot("utter_greet"), {"event": "session_started"}]
    assert (await run([*new_session, user("nlu_fallback", text="öppet")]))[0] == [
        "utter_how_can_i_help"
    ]


async def test_second_miss_in_a_row_offers_a_person_instead_of_asking_again() -> None:
    events = [user("nlu_fallback"), bot("utter_ask_rephrase"), user("nlu_fallback")]
    assert (await run(events))[0] == ["utter_fallback_offer_human"]


async def test_third_miss_in_a_row_hands_the_conversation_to_a_person() -> None:
    events = [
        user("nlu_fallback"),
        bot("utter_ask_rephrase"),
        user("nlu_fallback"),
        bot("utter_fallback_offer_human"),
        user("nlu_fallback"),
    ]
    said, returned = await run(events)
    assert said == []
    assert returned == [{"event": "followup", "timestamp": None, "name": "action_handoff"}]


async def test_a_message_the_dialogue_could_not_place_is_taken_back_and_the_turn_ends() -> None:
    said, returned = await run([user("greet"), bot("utter_greet"), user("price_plans")])
    assert said == ["utter_ask_rephrase"]
    assert returned == [TAKE_BACK, LISTEN]


async def test_misses_taken_back_still_count_in_a_row() -> None:
    events = [
        user("price_plans"),
        bot("utter_ask_rephrase"),
        TAKE_BACK,
        LISTEN,
        user("nlu_fallback"),
    ]
    assert (await run(events))[0] == ["utter_fallback_offer_human"]


def test_misses_are_counted_only_in_a_row_and_only_in_this_session() -> None:
    miss = [user("nlu_fallback"), bot("utter_ask_rephrase")]
    assert earlier_misses([*miss, user("greet"), bot("utter_greet"), *miss, user("x")]) == 1
    assert earlier_misses([*miss, *miss, user("x")]) == 2
    assert earlier_misses([*miss, {"event": "session_started"}, user("x")]) == 0
    assert earlier_misses([user("x")]) == 0


async def test_ok_with_no_question_pending_gets_how_can_i_help_and_is_no_miss() -> None:
    events = [user("nlu_fallback"), bot("utter_ask_rephrase"), user("affirm")]
    said, returned = await run(events)
    assert said == ["utter_how_can_i_help"]
    assert returned == [TAKE_BACK, LISTEN]


async def test_a_bare_customer_number_asks_what_it_is_about_and_keeps_the_number() -> None:
    entities = [{"entity": "customer_number", "value": "12345678"}]
    events = [user("greet"), bot("utter_greet"), user("inform", entities=entities)]
    said, returned = await run(events, slots={"customer_number": "12345678"})
    assert said == ["utter_what_is_it_about"]
    assert returned == [
        TAKE_BACK,
        {"event": "slot", "timestamp": None, "name": "customer_number", "value": "12345678"},
        LISTEN,
    ]


async def test_after_an_answer_this_turn_the_fallback_says_nothing_more_and_listens() -> None:
    events = [user("nlu_fallback"), bot("utter_handoff_closed_offer_callback")]
    said, returned = await run(events)
    assert said == []
    assert returned == [LISTEN]
