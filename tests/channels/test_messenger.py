"""The Messenger channel against a fake Graph API that speaks Facebook's wire format.

Rasa is down in these tests unless marked `stack` (then the stack's real Rasa answers): a
customer message then gets the polite "not working right now" answer, which is enough to see
that it went all the way through and back. One file, over 400 lines, for one channel's
whole wire contract: the fixtures and helpers are shared by every test here.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import time
import uuid

import pytest
from aiohttp.test_utils import TestClient
from redis.asyncio import Redis

from bot.app import create_app
from bot.channels.graph import GraphError
from bot.channels.messenger import MESSENGER
from bot.channels.window import WindowClosed, messenger_window
from bot.keys import FACTS, ROUTER, STORES
from bot.messages import Outbound
from core.content.answers import Button
from core.settings import Settings
from store import keys
from store.conversations import Conversations
from tests.channels.conftest import (
    APP_SECRET,
    VERIFY_TOKEN,
    desk_login,
    drained,
    hand_off,
    post_delivery,
    with_messenger,
)
from tests.fakes import graph_api as fb
from tests.fakes.graph_api import FakeGraphAPI
from tests.helpers import GREETING, RunningStack, render_answer

HOUR = 3600.0


def answer(client: TestClient, name: str, language: str) -> str:
    from bot.keys import ANSWERS

    return client.app[ANSWERS].render(name, language, client.app[FACTS][language], "nb").text


def psid() -> str:
    return str(uuid.uuid4().int)[:16]


# --- The verification handshake ---------------------------------------------------------


async def test_verification_handshake_echoes_the_challenge_for_the_right_token(
    messenger: TestClient,
) -> None:
    response = await messenger.get(
        "/webhooks/messenger",
        params={
            "hub.mode": "subscribe",
            "hub.verify_token": VERIFY_TOKEN,
            "hub.challenge": "1158201444",
        },
    )
    assert response.status == 200
    assert await response.text() == "1158201444"


@pytest.mark.parametrize(
    "params",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"},
        {"hub.mode": "subscribe", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1"},
    ],
    ids=["wrong-token", "no-token", "wrong-mode"],
)
async def test_verification_handshake_with_a_wrong_token_is_refused(
    messenger: TestClient, params: dict[str, str]
) -> None:
    response = await messenger.get("/webhooks/messenger", params=params)
    assert response.status == 403


# --- Signatures -------------------------------------------------------------------------


async def test_signed_message_is_answered_through_the_send_api_with_typing_first(
    messenger: TestClient, graph_api: FakeGraphAPI, redis_client: Redis
) -> None:
    customer = psid()
    response = await post_delivery(messenger, fb.delivery([fb.text_event(customer, "hei")]))
    assert response.status == 200
    assert await response.text() == "EVENT_RECEIVED"

    await graph_api.wait_for(lambda: len(graph_api.messages(customer)) == 1)
    calls = [c for c in graph_api.calls if c.psid == customer]
    assert calls[0].body == {"recipient": {"id": customer}, "sender_action": "typing_on"}
    assert calls[1].body["messaging_type"] == "RESPONSE"
    assert calls[1].text == answer(messenger, "utter_unavailable", "nb")
    conversation = await messenger.app[STORES].conversations.get(f"fb:{customer}")
    assert conversation is not None and conversation.channel == "messenger"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Hub-Signature-256": "sha256=" + "0" * 64},
        {"X-Hub-Signature-256": "sha256=not-hex"},
        {"X-Hub-Signature-256": "sha1=0123456789abcdef0123456789abcdef01234567"},
        {"X-Hub-Signature": "sha1=0123456789abcdef0123456789abcdef01234567"},
        "signed-with-another-secret",
        "signature-of-another-body",
    ],
    ids=[
        "missing",
        "wrong",
        "garbage",
        "sha1-in-the-256-header",
        "only-the-old-sha1-header",
        "other-secret",
        "other-body",
    ],
)
async def test_wrong_or_missing_signature_is_refused_and_reaches_nobody(
    messenger: TestClient,
    graph_api: FakeGraphAPI,
    redis_client: Redis,
    caplog: pytest.LogCaptureFixture,
    headers: dict[str, str] | str,
) -> None:
    secret_text = "mitt fødselsnummer er hemmelig, og strømmen er borte"
    body = json.dumps(fb.delivery([fb.text_event(psid(), secret_text)])).encode()
    if headers == "signed-with-another-secret":
        headers = {"X-Hub-Signature-256": fb.signature(body, "not-the-app-secret")}
    elif headers == "signature-of-another-body":
        headers = {"X-Hub-Signature-256": fb.signature(body + b" ", APP_SECRET)}
    assert isinstance(headers, dict)
    caplog.set_level(logging.DEBUG)

    response = await messenger.post(
        "/webhooks/messenger", data=body, headers={"Content-Type": "application/json", **headers}
    )

    assert response.status == 403
    await _nothing_stored(redis_client)
    assert graph_api.calls == [] and graph_api.refused == []
    assert "refused a delivery" in caplog.text
    assert "strømmen" not in caplog.text and "hemmelig" not in caplog.text


async def test_oversized_delivery_is_refused_with_413_and_reaches_nobody(
    aiohttp_client,  # type: ignore[no-untyped-def]
    settings: Settings,
    graph_api: FakeGraphAPI,
    redis_client: Redis,
) -> None:
    small = with_messenger(settings, graph_api)
    client = await aiohttp_client(create_app(small))
    events = [fb.text_event(psid(), "x" * 1000) for _ in range(small.max_webhook_bytes // 1000)]
    response = await post_delivery(client, fb.delivery(events))
    assert response.status == 413
    await _nothing_stored(redis_client)
    assert graph_api.calls == []


# --- Batches, duplicates, what is ignored ------------------------------------------------


async def test_every_entry_and_event_of_a_batched_delivery_is_processed(
    messenger: TestClient, graph_api: FakeGraphAPI, redis_client: Redis
) -> None:
    kari, ola, per = psid(), psid(), psid()
    delivery = fb.delivery(
        [fb.text_event(kari, "hei"), fb.text_event(ola, "strømmen er borte")],
        [
            fb.echo_event(kari, "an answer of ours, reported back"),
            fb.delivery_receipt(kari),
            fb.read_receipt(ola),
            fb.text_event(per, "hvor er fakturaen min?"),
            fb.text_event(kari, "er dere der?"),
        ],
    )
    response = await post_delivery(messenger, delivery)
    assert response.status == 200

    await graph_api.wait_for(
        lambda: [len(graph_api.messages(p)) for p in (kari, ola, per)] == [2, 1, 1]
    )
    await drained(messenger.app[MESSENGER].inbox)
    transcripts = messenger.app[STORES].transcripts
    kari_said = [e.text for e in await transcripts.read(f"fb:{kari}") if e.role == "customer"]
    assert kari_said == ["hei", "er dere der?"]  # in order; the echo is not a customer message
    assert len(graph_api.messages()) == 4


async def test_the_same_message_id_delivered_twice_is_processed_once(
    messenger: TestClient, graph_api: FakeGraphAPI
) -> None:
    customer = psid()
    event = fb.text_event(customer, "hei", mid="m_duplicate_1")
    twice_in_one = fb.delivery([event, event])
    assert (await post_delivery(messenger, twice_in_one)).status == 200
    assert (await post_delivery(messenger, fb.delivery([event]))).status == 200  # a retry
    await drained(messenger.app[MESSENGER].inbox)
    await graph_api.wait_for(lambda: len(graph_api.messages(customer)) >= 1)

    transcript = await messenger.app[STORES].transcripts.read(f"fb:{customer}")
    assert [e.role for e in transcript] == ["customer", "bot"]
    assert len(graph_api.messages(customer)) == 1


async def test_a_delivery_that_is_not_for_a_page_is_refused(messenger: TestClient) -> None:
    delivery = {"object": "instagram", "entry": []}
    assert (await post_delivery(messenger, delivery)).status == 404


# --- Buttons, long texts ----------------------------------------------------------------


async def test_up_to_three_buttons_become_a_button_template_and_more_become_quick_replies(
    messenger: TestClient, graph_api: FakeGraphAPI
) -> None:
    customer = psid()
    await post_delivery(messenger, fb.delivery([fb.text_event(customer, "hei")]))
    await graph_api.wait_for(lambda: len(graph_api.messages(customer)) == 1)
    router = messenger.app[ROUTER]

    two = (Button("Snakk med en person", "/request_human"), Button("Ring meg", "/request_callback"))
    await router.deliver(f"fb:{customer}", Outbound("Prøv dette først.", two))
    four = (
        Button("Regningen min", "/invoice_explain"),
        Button("Strømbrudd", "/power_outage"),
        Button("Flytting", "/moving"),
        Button("Snakk med en person om noe annet", "/request_human"),
    )
    await router.deliver(f"fb:{customer}", Outbound("Hva gjelder det?", four))

    template, quick = graph_api.messages(customer)[1:]
    assert template.body["message"]["attachment"]["payload"]["template_type"] == "button"
    assert template.text == "Prøv dette først."
    assert template.buttons == [(b.title, b.payload) for b in two]
    assert quick.body["message"]["text"] == "Hva gjelder det?"
    assert [p for _, p in quick.buttons] == [b.payload for b in four]
    assert quick.buttons[3][0] == "Snakk med en person…"  # 20 characters, Messenger's limit


async def test_quick_replies_and_postbacks_reach_the_router_as_payloads_with_their_titles(
    messenger: TestClient, graph_api: FakeGraphAPI
) -> None:
    customer = psid()
    delivery = fb.delivery(
        [
            fb.quick_reply_event(customer, "Strømbrudd", "/power_outage"),
            fb.postback_event(customer, "Ring meg", "/request_callback"),
            fb.postback_event(customer, "Kom i gang", "GET_STARTED"),
        ]
    )
    await post_delivery(messenger, delivery)
    await graph_api.wait_for(lambda: len(graph_api.messages(customer)) == 3)
    transcript = await messenger.app[STORES].transcripts.read(f"fb:{customer}")
    assert [e.text for e in transcript if e.role == "customer"] == [
        "Strømbrudd",
        "Ring meg",
        "Kom i gang",
    ]


async def test_a_long_answer_is_split_between_sentences_within_messengers_limit(
    messenger: TestClient, graph_api: FakeGraphAPI
) -> None:
    customer = psid()
    await post_delivery(messenger, fb.delivery([fb.text_event(customer, "hei")]))
    await graph_api.wait_for(lambda: len(graph_api.messages(customer)) == 1)
    sentences = [
        f"Dette er setning nummer {n}, som forklarer regningen din litt." for n in range(90)
    ]
    text = " ".join(sentences)
    buttons = (Button("Ja", "/affirm"), Button("Nei, takk", "/deny"))
    await messenger.app[ROUTER].deliver(f"fb:{customer}", Outbound(text, buttons))

    parts = graph_api.messages(customer)[1:]
    assert len(text) > 2 * 2000 and len(parts) == 3
    assert all(len(p.body["message"].get("text", "")) <= 2000 for p in parts)
    assert all(p.text.endswith("litt.") for p in parts)
    assert " ".join(p.text for p in parts) == text
    assert [p.buttons for p in parts[:-1]] == [[], []]
    assert parts[-1].buttons == [("Ja", "/affirm"), ("Nei, takk", "/deny")]


# --- Graph errors ------------------------------------------------------------------------


async def test_graph_errors_and_rate_limits_are_retried_with_backoff_and_logged(
    aiohttp_client, settings: Settings, graph_api: FakeGraphAPI, redis_client: Redis,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    # Waits of 0.1 s doubling up to 0.4 s, so the Retry-After of 0.6 s shows against them.
    quick = dataclasses.replace(settings, graph_backoff=0.1, graph_max_backoff=0.8)
    messenger = await aiohttp_client(create_app(with_messenger(quick, graph_api)))
    customer = psid()
    await post_delivery(messenger, fb.delivery([fb.text_event(customer, "hei")]))
    await graph_api.wait_for(lambda: len(graph_api.messages(customer)) == 1)
    graph_api.fail_next(1, code=2)  # "Temporary send message failure"
    graph_api.fail_next(
        1,
        status=429,
        code=613,
        message="Calls to this API have exceeded the rate limit.",
        retry_after=0.6,
    )
    graph_api.fail_next(1, status=503, code=1, message="An unknown error occurred")

    await messenger.app[ROUTER].deliver(f"fb:{customer}", Outbound("Hei, det er Kari her."))

    assert graph_api.messages(customer)[-1].text == "Hei, det er Kari her."
    assert len(graph_api.refused) == 3
    retries = [r.getMessage() for r in caplog.records if "retrying" in r.getMessage()]
    assert len(retries) == 3
    waits = [float(re.search(r"retrying in ([0-9.]+) s", r)[1]) for r in retries]  # type: ignore[index]
    # Backoff with jitter (half to all of 0.1, 0.2, 0.4 s), and Retry-After obeyed.
    assert waits[0] <= 0.1 and waits[1] == 0.6 and 0.2 <= waits[2] <= 0.4
    assert "613" in retries[1] and "Kari" not in " ".join(retries)


async def test_an_error_that_would_repeat_is_not_retried_and_never_stops_the_webhook(
    messenger: TestClient, graph_api: FakeGraphAPI, caplog: pytest.LogCaptureFixture
) -> None:
    customer = psid()
    unavailable = "(#551) This person isn't available right now."
    graph_api.fail_next(2, code=551, message=unavailable)  # typing indicator and answer
    response = await post_delivery(messenger, fb.delivery([fb.text_event(customer, "hei")]))
    assert response.status == 200
    await drained(messenger.app[MESSENGER].inbox)
    assert len(graph_api.refused) == 2 and graph_api.messages(customer) == []
    assert "was not sent" in caplog.text and "551" in caplog.text

    graph_api.fail_next(1, code=10, subcode=2018278, message="(#10) Outside of allowed window.")
    with pytest.raises(GraphError, match="2018278"):
        await messenger.app[ROUTER].deliver(f"fb:{customer}", Outbound("Hei igjen"))
    assert len(graph_api.refused) == 3  # not retried

    await post_delivery(messenger, fb.delivery([fb.text_event(customer, "er dere der?")]))
    await graph_api.wait_for(lambda: len(graph_api.messages(customer)) == 1)


# --- Non-text content ------------------------------------------------------------------


async def test_a_sticker_or_photo_is_answered_politely_in_the_customers_language(
    messenger: TestClient, graph_api: FakeGraphAPI
) -> None:
    customer = psid()
    await post_delivery(messenger, fb.delivery([fb.text_event(customer, "hello, my power is out")]))
    await graph_api.wait_for(lambda: len(graph_api.messages(customer)) == 1)
    await post_delivery(messenger, fb.delivery([fb.sticker_event(customer)]))
    await graph_api.wait_for(lambda: len(graph_api.messages(customer)) == 2)
    assert graph_api.messages(customer)[1].text == answer(
        messenger, "utter_unsupported_content", "en"
    )


# --- The 24-hour window, handoff -------------------------------------------------------


@pytest.mark.parametrize(
    ("hours_ago", "window"),
    [
        (None, "closed"),
        (0, "open"),
        (23.9, "open"),
        (24.1, "human_agent"),
        (167.9, "human_agent"),
        (168.1, "closed"),
    ],
)
def test_messenger_window_follows_the_24_hour_and_7_day_rules(
    hours_ago: float | None, window: str
) -> None:
    now = 1_800_000_000.0
    last = None if hours_ago is None else now - hours_ago * HOUR
    assert messenger_window(last, now) == window


async def test_after_24_hours_only_an_agent_may_write_with_the_human_agent_tag(
    messenger: TestClient, graph_api: FakeGraphAPI, redis_client: Redis
) -> None:
    customer = psid()
    conversation_id = f"fb:{customer}"
    await post_delivery(messenger, fb.delivery([fb.text_event(customer, "hei")]))
    await graph_api.wait_for(lambda: len(graph_api.messages(customer)) == 1)
    router = messenger.app[ROUTER]
    last_wrote = keys.conversation(conversation_id)

    await redis_client.hset(last_wrote, "last_inbound", time.time() - 30 * HOUR)
    with pytest.raises(WindowClosed, match="only an agent"):
        await router.deliver(conversation_id, Outbound("Er det noe mer?", sender="bot"))
    await router.deliver(conversation_id, Outbound("Hei, det er Kari her.", sender="agent"))
    tagged = graph_api.messages(customer)[-1]
    assert tagged.text == "Hei, det er Kari her."
    assert (tagged.body["messaging_type"], tagged.body["tag"]) == ("MESSAGE_TAG", "HUMAN_AGENT")

    await redis_client.hset(last_wrote, "last_inbound", time.time() - 8 * 24 * HOUR)
    with pytest.raises(WindowClosed, match="7 days"):
        await router.deliver(conversation_id, Outbound("Hallo?", sender="agent"))
    assert len(graph_api.messages(customer)) == 2

    # The customer writes again: the window opens again, for the bot too.
    await post_delivery(messenger, fb.delivery([fb.text_event(customer, "hallo igjen")]))
    await graph_api.wait_for(lambda: len(graph_api.messages(customer)) == 3)
    assert graph_api.messages(customer)[-1].body["messaging_type"] == "RESPONSE"


async def test_the_last_inbound_time_only_moves_forward(redis_client: Redis) -> None:
    conversations = Conversations(redis_client)
    await conversations.record_inbound("fb:1", 2000.0)
    await conversations.record_inbound("fb:1", 1000.0)  # processed late
    assert await redis_client.hget(keys.conversation("fb:1"), "last_inbound") == "2000.0"


async def test_handoff_over_messenger_through_the_desk_relays_both_ways(
    messenger: TestClient, graph_api: FakeGraphAPI, redis_client: Redis
) -> None:
    customer = psid()
    conversation_id = f"fb:{customer}"
    await post_delivery(
        messenger, fb.delivery([fb.text_event(customer, "jeg vil snakke med en person")])
    )
    await graph_api.wait_for(lambda: len(graph_api.messages(customer)) == 1)
    handoff_id = await hand_off(redis_client, conversation_id, "messenger", "nb")
    agent = await desk_login(messenger, redis_client)

    card = await (await messenger.get(f"/desk/api/handoffs/{handoff_id}", headers=agent)).json()
    assert card["handoff"]["card"]["channel"] == "messenger"
    claimed = await messenger.post(f"/desk/api/handoffs/{handoff_id}/claim", json={}, headers=agent)
    assert claimed.status == 200
    await graph_api.wait_for(lambda: len(graph_api.messages(customer)) == 2)  # "Kari is here"
    sent = await messenger.post(
        f"/desk/api/handoffs/{handoff_id}/messages",
        json={"text": "Hei, det er Kari. Hva gjelder det?"},
        headers=agent,
    )
    assert sent.status == 200
    assert graph_api.messages(customer)[-1].text == "Hei, det er Kari. Hva gjelder det?"

    await post_delivery(messenger, fb.delivery([fb.text_event(customer, "fakturaen er for høy")]))
    await drained(messenger.app[MESSENGER].inbox)
    view = await (await messenger.get(f"/desk/api/handoffs/{handoff_id}", headers=agent)).json()
    assert view["transcript"][-1]["role"] == "customer"
    assert view["transcript"][-1]["text"] == "fakturaen er for høy"
    assert len(graph_api.messages(customer)) == 3  # the bot stays silent
    assert graph_api.actions(customer) == ["typing_on"]  # and shows no typing for a person


# --- With the real Rasa ---------------------------------------------------------------


@pytest.mark.stack
async def test_buttons_round_trip_through_rasa_as_quick_replies_and_postbacks(
    messenger_with_rasa: TestClient, graph_api: FakeGraphAPI
) -> None:
    client = messenger_with_rasa
    customer = psid()

    await post_delivery(client, fb.delivery([fb.text_event(customer, "hei")]))
    await graph_api.wait_for(lambda: len(graph_api.messages(customer)) >= 1, timeout=60)
    await drained(client.app[MESSENGER].inbox, timeout=60)
    greeting = graph_api.messages(customer)
    assert [m.text for m in greeting] == [GREETING["nb"]]
    assert greeting[-1].buttons == [
        ("Regningen min", "/invoice_explain"),
        ("Strømbrudd", "/power_outage"),
        ("Flytting", "/moving"),
        ("Snakk med en person", "/request_human"),
    ]
    assert "quick_replies" in greeting[-1].body["message"]

    title, payload = greeting[-1].buttons[0]
    await post_delivery(client, fb.delivery([fb.quick_reply_event(customer, title, payload)]))
    await graph_api.wait_for(lambda: len(graph_api.messages(customer)) > len(greeting), timeout=60)
    await drained(client.app[MESSENGER].inbox, timeout=60)
    answered = graph_api.messages(customer)[len(greeting) :]
    assert [m.text for m in answered] == [render_answer("utter_invoice_explain", "nb")]

    # A postback from a button template goes the same way.
    seen = len(graph_api.messages(customer))
    await post_delivery(client, fb.delivery([fb.postback_event(customer, "Ja", "/affirm")]))
    await drained(client.app[MESSENGER].inbox, timeout=60)
    assert [m.text for m in graph_api.messages(customer)[seen:]] == [
        render_answer("utter_how_can_i_help", "nb")
    ]


async def _nothing_stored(redis: Redis) -> None:
    """No conversation, no transcript, no accepted event."""
    assert await redis.keys("svar:conv:*") == []
    assert await redis.keys("svar:messenger:seen:*") == []
    assert await redis.xlen(keys.inbox("messenger")) == 0


@pytest.mark.stack
async def test_a_refused_delivery_never_reaches_rasa(
    messenger_with_rasa: TestClient, graph_api: FakeGraphAPI, stack: RunningStack
) -> None:
    client = messenger_with_rasa
    customer = psid()
    body, headers = fb.signed(fb.delivery([fb.text_event(customer, "hei")]), "not-the-secret")
    response = await client.post("/webhooks/messenger", data=body, headers=headers)
    assert response.status == 403

    events = await stack.tracker_events(f"fb:{customer}")
    assert [e for e in events if e["event"] == "user"] == []
