"""The context card an agent gets: built from tracker events and the transcript, masked."""

from __future__ import annotations

import json
from typing import Any

from core.card import CardTexts, ContextCard, Reason, build_card, handoff_reason, summary
from core.content.locale import Locale
from core.settings import Settings
from core.transcript import Entry

FNR = "15076500565"  # a valid Norwegian national ID number
CARD = "4111 1111 1111 1111"  # a valid Visa test card number
ACCOUNT = "1234.56.78903"  # a valid Norwegian bank account number
TITLES = {"payment_plan": {"nb": "Hjelp til å betale", "en": "Help with paying"}}
# What the card says, from content/locale.yml: the agent's language is the company's first.
LOCALES = Locale.load_all(Settings().content_dir / "locale.yml")
NB, EN = LOCALES["nb"].card, LOCALES["en"].card


def user(
    intent: str, text: str = "", entities: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {
        "event": "user",
        "text": text or f"/{intent}",
        "parse_data": {"intent": {"name": intent}, "entities": entities or []},
    }


def bot(name: str, text: str) -> dict[str, Any]:
    return {"event": "bot", "text": text, "metadata": {"utter_action": name}}


EVENTS = [
    {"event": "action", "name": "action_listen"},
    user("greet", "hei"),
    bot("utter_greet", "Hei! Jeg er Svar."),
    user("payment_plan", "jeg klarer ikke å betale regningen"),
    bot("utter_payment_plan", "Er det vanskelig å betale nå? Vil du snakke med en person?"),
    user(
        "inform",
        f"kundenummer 12345678, fnr {FNR}",
        [{"entity": "customer_number", "value": "12345678"}, {"entity": "fnr", "value": FNR}],
    ),
    user("request_human", "ja, en person takk"),
]
TRANSCRIPT = [
    Entry("customer", "hei", 1.0),
    Entry("bot", "Hei! Jeg er Svar.", 2.0),
    Entry("customer", f"kortet mitt {CARD} ble belastet, konto {ACCOUNT}", 3.0),
    Entry("customer", f"fødselsnummeret mitt er {FNR}", 4.0),
]


def card(**overrides: Any) -> ContextCard:
    arguments: dict[str, Any] = {
        "conversation_id": "web:abc",
        "channel": "web",
        "language": "nb",
        "events": EVENTS,
        "slots": {
            "customer_number": "12345678",
            "postal_code": "0150",
            "language": "nb",
            "requested_slot": None,
        },
        "transcript": TRANSCRIPT,
        "topic_titles": TITLES,
        "texts": NB,
        "now": 1000.0,
    }
    return build_card(**{**arguments, **overrides})


def test_card_holds_the_conversation_its_path_facts_and_what_the_bot_answered() -> None:
    built = card()
    assert built.conversation_id == "web:abc" and built.channel == "web" and built.language == "nb"
    assert built.intents == ("greet", "payment_plan", "inform", "request_human")
    assert built.topic == "payment_plan" and built.topic_title == "Hjelp til å betale"
    assert built.slots == {"customer_number": "12345678", "postal_code": "0150"}
    assert built.entities["customer_number"] == "12345678"
    assert [a.name for a in built.answered] == ["utter_greet", "utter_payment_plan"]
    assert built.created == 1000.0
    assert len(built.transcript) == len(TRANSCRIPT)


def test_national_id_card_and_account_numbers_are_masked_everywhere_on_the_card() -> None:
    everything = json.dumps(card().to_dict(), ensure_ascii=False)
    assert FNR not in everything
    assert CARD not in everything and "4111111111111111" not in everything
    assert ACCOUNT not in everything
    assert "**** **** **** **11" in everything  # the card's last two digits stay readable
    assert "****.**.***03" in everything
    assert "12345678" in everything  # customer numbers are what agents need: not masked


def test_card_survives_the_trip_through_json() -> None:
    built = card()
    assert ContextCard.from_dict(json.loads(json.dumps(built.to_dict()))) == built


def test_summary_is_two_lines_in_the_agents_language() -> None:
    first, second = card().summary
    assert first == "Kunden trenger en avgjørelse om betaling. Tema: Hjelp til å betale."
    assert second.startswith("Sist skrev kunden: «fødselsnummeret mitt er ")
    assert FNR not in second

    english = card(texts=EN, language="nb").summary
    assert english[0] == (
        "The customer needs a decision about paying. Topic: Help with paying. "
        "The customer writes in Norwegian."
    )


def test_the_card_carries_its_summary_and_topic_in_every_agents_language() -> None:
    built = card(agent_texts=(NB, EN))
    assert built.summary_in("nb") == built.summary
    assert built.summary_in("en")[0] == (
        "The customer needs a decision about paying. Topic: Help with paying. "
        "The customer writes in Norwegian."
    )
    assert built.topic_titles == {"nb": "Hjelp til å betale", "en": "Help with paying"}
    assert built.summary_in("de") == built.summary  # a language no desk has: the company's
    assert ContextCard.from_dict(json.loads(json.dumps(built.to_dict()))) == built


def test_summary_shortens_a_long_last_message() -> None:
    long = [Entry("customer", "ord " * 100, 1.0)]
    _, second = summary(Reason.ASKED, None, "nb", long, NB)
    assert second.endswith("…»") and len(second) < 160


def test_reason_comes_from_the_latest_intent_and_a_payment_plan_before_it() -> None:
    assert handoff_reason(["greet", "request_human"]) is Reason.ASKED
    assert handoff_reason(["payment_plan", "affirm"]) is Reason.PAYMENT_PLAN
    assert handoff_reason(["payment_plan", "request_human"]) is Reason.PAYMENT_PLAN
    assert handoff_reason(["invoice_explain", "complaint"]) is Reason.COMPLAINT
    assert handoff_reason(["invoice_explain", "frustrated"]) is Reason.FRUSTRATED
    assert handoff_reason(["nlu_fallback", "nlu_fallback", "nlu_fallback"]) is Reason.NOT_UNDERSTOOD
    assert handoff_reason([]) is Reason.ASKED


def test_a_card_without_a_topic_says_so() -> None:
    built = card(events=[user("request_human", "menneske")], transcript=[])
    assert built.topic is None and built.topic_title is None
    assert built.summary == (
        "Kunden ba om å få snakke med en person. Tema: ukjent.",
        "Kunden har ikke skrevet noe ennå.",
    )


def test_the_cards_reason_and_labels_are_those_of_the_locale_file() -> None:
    texts = CardTexts.from_dict(
        "xx",
        {
            "reasons": {reason.value: f"<why {reason.value}>" for reason in Reason},
            "topic": "<topic {topic}>",
            "no_topic": "<none>",
            "writes_in": "<writes {language}>",
            "last": "<last {text}>",
            "nothing_written": "<nothing>",
        },
        {"nb": "<Norwegian>"},
    )
    first, second = card(texts=texts).summary
    assert first == "<why payment_plan> <topic Hjelp til å betale> <writes <Norwegian>>"
    assert second.startswith("<last fødselsnummeret mitt er ") and second.endswith(">")
    assert card(texts=texts, events=[user("complaint", "klage")], transcript=[]).summary == (
        "<why complaint> <topic <none>> <writes <Norwegian>>",
        "<nothing>",
    )


def test_every_reason_reads_in_every_language_from_the_locale() -> None:
    for language, locale in LOCALES.items():
        for reason in Reason:
            first, _ = summary(reason, None, language, [], locale.card)
            assert first.startswith(locale.patterns["card"]["reasons"][reason.value]), language
    assert summary(Reason.COMPLAINT, "Klage", "en", [], NB)[0] == (
        "Kunden vil klage. Tema: Klage. Kunden skriver på engelsk."
    )
    assert summary(Reason.FRUSTRATED, None, "en", [], EN) == (
        "The customer seems frustrated. Topic: unknown.",
        "The customer has not written anything yet.",
    )


def test_a_card_the_fallback_handed_over_says_the_bot_did_not_understand() -> None:
    assert card().reason is not Reason.NOT_UNDERSTOOD
    assert card(after_fallback=True).reason is Reason.NOT_UNDERSTOOD
