"""The Telegram channel with python-telegram-bot pointed at a fake Bot API on loopback.

Rasa is down in these tests unless marked `stack` (then the stack's real Rasa answers).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import random
import time
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from redis.asyncio import Redis

from bot.app import create_app
from bot.channels.inbox import ATTEMPTS
from bot.channels.telegram import TELEGRAM, telegram_language
from bot.channels.webhook import ChannelConfigError
from bot.keys import ANSWERS, FACTS, ROUTER, SETTINGS, STORES
from bot.messages import Outbound
from core.content.answers import Button
from core.settings import Settings
from store import keys
from tests.channels.conftest import (
    PUBLIC_URL,
    WEBHOOK_SECRET,
    desk_login,
    drained,
    hand_off,
    post_update,
    with_stack_rasa,
    with_telegram,
)
from tests.fakes import telegram_api as tg
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.helpers import GREETING, RunningStack, render_answer


def answer(client: TestClient, name: str, language: str) -> str:
    return client.app[ANSWERS].render(name, language, client.app[FACTS][language], "nb").text


def chat() -> int:
    return random.randrange(10**8, 10**10)


# --- The webhook and its secret ---------------------------------------------------------


async def test_the_webhook_is_registered_with_its_secret_on_start(
    telegram: TestClient, telegram_api: FakeTelegramAPI
) -> None:
    await telegram_api.wait_for(lambda: bool(telegram_api.webhook))
    assert telegram_api.webhook["url"] == f"{PUBLIC_URL}/webhooks/telegram"
    assert telegram_api.webhook["secret_token"] == WEBHOOK_SECRET
    assert telegram_api.webhook["allowed_updates"] == [
        "message",
        "edited_message",
        "callback_query",
    ]


async def test_a_text_update_is_answered_with_typing_first(
    telegram: TestClient, telegram_api: FakeTelegramAPI
) -> None:
    kari = chat()
    response = await post_update(telegram, tg.text_update(kari, "hei, strømmen er borte"))
    assert response.status == 200

    await telegram_api.wait_for(lambda: len(telegram_api.sent(kari)) == 1)
    assert telegram_api.sent(kari)[0].params["text"] == answer(telegram, "utter_unavailable", "nb")
    typing = [c for c in telegram_api.called("sendChatAction") if c.params["chat_id"] == kari]
    assert (
        typing
        and typing[0].params["action"] == "typing"
        and typing[0].at < telegram_api.sent(kari)[0].at
    )
    conversation = await telegram.app[STORES].conversations.get(f"tg:{kari}")
    assert conversation is not None and conversation.channel == "telegram"


@pytest.mark.parametrize(
    "secret",
    [None, "", "wrong-secret", WEBHOOK_SECRET + "x", "ø"],
    ids=["missing", "empty", "wrong", "longer", "non-ascii"],
)
async def test_a_wrong_or_missing_secret_is_refused_and_reaches_nobody(
    telegram: TestClient,
    telegram_api: FakeTelegramAPI,
    redis_client: Redis,
    caplog: pytest.LogCaptureFixture,
    secret: str | None,
) -> None:
    caplog.set_level(logging.DEBUG)
    kari = chat()
    headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
    update = tg.text_update(kari, "kontonummeret mitt er hemmelig")
    response = await telegram.post("/webhooks/telegram", json=update, headers=headers)

    assert response.status == 403
    assert await redis_client.keys("svar:conv:*") == []
    assert await redis_client.keys("svar:telegram:seen:*") == []
    assert await redis_client.xlen(keys.inbox("telegram")) == 0
    assert telegram_api.sent() == []
    assert "refused an update" in caplog.text and "hemmelig" not in caplog.text


async def test_an_oversized_update_is_refused_with_413(
    telegram: TestClient, telegram_api: FakeTelegramAPI, redis_client: Redis
) -> None:
    limit = telegram.app[SETTINGS].max_webhook_bytes
    update = tg.text_update(chat(), "x" * (limit + 1))
    response = await post_update(telegram, update)
    assert response.status == 413
    assert await redis_client.keys("svar:conv:*") == []
    assert await redis_client.xlen(keys.inbox("telegram")) == 0


async def test_the_same_update_delivered_twice_is_processed_once(
    telegram: TestClient, telegram_api: FakeTelegramAPI
) -> None:
    kari = chat()
    update = tg.text_update(kari, "hei")
    assert (await post_update(telegram, update)).status == 200
    assert (await post_update(telegram, update)).status == 200
    await drained(telegram.app[TELEGRAM].inbox)
    await telegram_api.wait_for(lambda: len(telegram_api.sent(kari)) >= 1)
    transcript = await telegram.app[STORES].transcripts.read(f"tg:{kari}")
    assert [e.role for e in transcript] == ["customer", "bot"]
    assert len(telegram_api.sent(kari)) == 1


# --- /start, buttons, non-text ----------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "language"),
    [
        ("nb", "nb"),
        ("no", "nb"),
        ("nn", "nb"),
        ("sv", "nb"),
        ("en", "en"),
        ("en-GB", "en"),
        ("fi", "en"),
        (None, "nb"),
    ],
)
def test_the_customers_telegram_language_maps_to_one_of_ours(
    code: str | None, language: str
) -> None:
    assert telegram_language(code, ("nb", "en")) == language


async def test_start_answers_in_the_language_of_the_customers_telegram_app(
    telegram: TestClient, telegram_api: FakeTelegramAPI
) -> None:
    norwegian, english = chat(), chat()
    await post_update(telegram, tg.text_update(norwegian, "/start", language_code="nb"))
    await post_update(telegram, tg.text_update(english, "/start", language_code="en-GB"))
    await telegram_api.wait_for(
        lambda: len(telegram_api.sent(norwegian)) == 1 and len(telegram_api.sent(english)) == 1
    )
    conversations = telegram.app[STORES].conversations
    for chat_id, language in ((norwegian, "nb"), (english, "en")):
        conversation = await conversations.get(f"tg:{chat_id}")
        assert conversation is not None and conversation.language == language
        # Rasa is down here, so the answer is the polite one, in the right language.
        assert telegram_api.sent(chat_id)[0].params["text"] == answer(
            telegram, "utter_unavailable", language
        )


async def test_buttons_become_an_inline_keyboard_and_a_tap_comes_back_as_their_payload(
    telegram: TestClient, telegram_api: FakeTelegramAPI, redis_client: Redis
) -> None:
    kari = chat()
    await post_update(telegram, tg.text_update(kari, "hei"))
    await telegram_api.wait_for(lambda: len(telegram_api.sent(kari)) == 1)
    long_payload = '/inform{"callback_time_window": "any", "note": "' + "x" * 60 + '"}'
    buttons = (Button("Strømbrudd", "/power_outage"), Button("Når som helst", long_payload))
    await telegram.app[ROUTER].deliver(f"tg:{kari}", Outbound("Hva gjelder det?", buttons))

    sent = telegram_api.sent(kari)[-1]
    keyboard = sent.buttons
    assert keyboard[0] == ("Strømbrudd", "/power_outage")
    assert keyboard[1][0] == "Når som helst" and len(keyboard[1][1].encode()) <= 64

    await post_update(telegram, tg.callback_update(kari, sent, keyboard[1][1]))
    await telegram_api.wait_for(lambda: len(telegram_api.sent(kari)) == 3)
    assert telegram_api.called("answerCallbackQuery")  # the spinner stops
    transcript = await telegram.app[STORES].transcripts.read(f"tg:{kari}")
    customer = [e.text for e in transcript if e.role == "customer"]
    assert customer == ["hei", "Når som helst"]


async def test_a_long_answer_is_split_between_sentences_within_telegrams_limit(
    telegram: TestClient, telegram_api: FakeTelegramAPI
) -> None:
    kari = chat()
    await post_update(telegram, tg.text_update(kari, "hei"))
    await telegram_api.wait_for(lambda: len(telegram_api.sent(kari)) == 1)
    text = " ".join(f"Setning nummer {n} forklarer en del av regningen din." for n in range(200))
    await telegram.app[ROUTER].deliver(f"tg:{kari}", Outbound(text, (Button("Ja", "/affirm"),)))
    parts = telegram_api.sent(kari)[1:]
    assert len(parts) == 3 and all(len(p.params["text"]) <= 4096 for p in parts)
    assert " ".join(p.params["text"] for p in parts) == text
    assert [bool(p.buttons) for p in parts] == [False, False, True]


@pytest.mark.parametrize(
    "make",
    [tg.sticker_update, tg.photo_update, lambda c: tg.edited_update(c, "hei igjen")],
    ids=["sticker", "photo", "edit"],
)
async def test_stickers_photos_and_edits_are_answered_politely(
    telegram: TestClient, telegram_api: FakeTelegramAPI, make: Any
) -> None:
    kari = chat()
    assert (await post_update(telegram, make(kari))).status == 200
    await telegram_api.wait_for(lambda: len(telegram_api.sent(kari)) == 1)
    assert telegram_api.sent(kari)[0].params["text"] == answer(
        telegram, "utter_unsupported_content", "nb"
    )
    # And the conversation goes on.
    await post_update(telegram, tg.text_update(kari, "hei"))
    await telegram_api.wait_for(lambda: len(telegram_api.sent(kari)) == 2)


async def test_flood_control_is_waited_out_and_the_message_still_arrives(
    telegram: TestClient, telegram_api: FakeTelegramAPI, caplog: pytest.LogCaptureFixture
) -> None:
    kari = chat()
    telegram_api.flood_next("sendMessage", times=1, retry_after=1)
    await post_update(telegram, tg.text_update(kari, "hei"))
    await telegram_api.wait_for(lambda: len(telegram_api.sent(kari)) == 1)
    assert "retrying in 1.0 s" in caplog.text


async def test_handoff_over_telegram_through_the_desk_relays_both_ways(
    telegram: TestClient, telegram_api: FakeTelegramAPI, redis_client: Redis
) -> None:
    kari = chat()
    conversation_id = f"tg:{kari}"
    await post_update(telegram, tg.text_update(kari, "jeg vil snakke med en person"))
    await telegram_api.wait_for(lambda: len(telegram_api.sent(kari)) == 1)
    handoff_id = await hand_off(redis_client, conversation_id, "telegram", "nb")
    agent = await desk_login(telegram, redis_client)

    card = await (await telegram.get(f"/desk/api/handoffs/{handoff_id}", headers=agent)).json()
    assert card["handoff"]["card"]["channel"] == "telegram"
    claimed = await telegram.post(f"/desk/api/handoffs/{handoff_id}/claim", json={}, headers=agent)
    assert claimed.status == 200
    sent = await telegram.post(
        f"/desk/api/handoffs/{handoff_id}/messages",
        json={"text": "Hei, det er Kari. Hva gjelder det?"},
        headers=agent,
    )
    assert sent.status == 200
    assert telegram_api.sent(kari)[-1].params["text"] == "Hei, det er Kari. Hva gjelder det?"

    await post_update(telegram, tg.text_update(kari, "fakturaen er for høy"))
    await drained(telegram.app[TELEGRAM].inbox)
    view = await (await telegram.get(f"/desk/api/handoffs/{handoff_id}", headers=agent)).json()
    assert view["transcript"][-1]["text"] == "fakturaen er for høy"
    assert len(telegram_api.sent(kari)) == 3  # answer, "Kari is here", Kari: the bot is silent


# --- Long polling, configuration -------------------------------------------------------


async def test_without_a_public_url_the_bot_long_polls_and_answers(
    aiohttp_client,  # type: ignore[no-untyped-def]
    settings: Settings,
    telegram_api: FakeTelegramAPI,
    redis_client: Redis,
) -> None:
    client = await aiohttp_client(create_app(with_telegram(settings, telegram_api, webhook=False)))
    kari = chat()
    await telegram_api.push_update(tg.text_update(kari, "hei"))
    await telegram_api.wait_for(lambda: len(telegram_api.sent(kari)) == 1)
    assert telegram_api.called("deleteWebhook")  # polling and a webhook exclude each other
    assert (await post_update(client, tg.text_update(kari, "hei"))).status == 404


async def test_a_polled_update_that_fails_is_tried_again_then_answered_once(
    aiohttp_client,  # type: ignore[no-untyped-def]
    settings: Settings,
    telegram_api: FakeTelegramAPI,
    redis_client: Redis,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = await aiohttp_client(create_app(with_telegram(settings, telegram_api, webhook=False)))
    router = client.app[ROUTER]
    handle = router.handle
    tries = 0

    async def hiccup(message: Any) -> list[Outbound]:
        nonlocal tries
        tries += 1
        if tries < 3:
            raise ValueError("a passing hiccup")
        return await handle(message)

    monkeypatch.setattr(router, "handle", hiccup)
    kari = chat()
    await telegram_api.push_update(tg.text_update(kari, "hei, strømmen er borte"))
    await telegram_api.wait_for(lambda: len(telegram_api.sent(kari)) == 1)
    await drained(client.app[TELEGRAM].inbox)
    assert tries == 3
    assert [c.params["text"] for c in telegram_api.sent(kari)] == [
        answer(client, "utter_unavailable", "nb")
    ]
    assert await redis_client.xlen(keys.inbox_dead("telegram")) == 0


async def test_a_polled_update_that_always_fails_becomes_a_dead_letter(
    aiohttp_client,  # type: ignore[no-untyped-def]
    settings: Settings,
    telegram_api: FakeTelegramAPI,
    redis_client: Redis,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = await aiohttp_client(create_app(with_telegram(settings, telegram_api, webhook=False)))
    tries = 0

    async def broken(message: Any) -> list[Outbound]:
        nonlocal tries
        tries += 1
        raise ValueError("always fails")

    monkeypatch.setattr(client.app[ROUTER], "handle", broken)
    kari = chat()
    await telegram_api.push_update(tg.text_update(kari, "fødselsnummer 15076500565"))

    async def dead_letters() -> int:
        return int(await redis_client.xlen(keys.inbox_dead("telegram")))

    deadline = time.monotonic() + 30
    while await dead_letters() == 0:
        assert time.monotonic() < deadline, "no dead letter"
        await asyncio.sleep(0.05)
    await drained(client.app[TELEGRAM].inbox)
    assert tries == ATTEMPTS
    [(_, fields)] = await redis_client.xrange(keys.inbox_dead("telegram"))
    assert fields["conversation"] == f"tg:{kari}"
    assert "15076500565" not in fields["event"]  # masked
    assert telegram_api.sent(kari) == []


@pytest.mark.parametrize(
    "changes",
    [
        {"telegram_public_url": PUBLIC_URL, "telegram_webhook_secret": ""},
        {"telegram_public_url": PUBLIC_URL, "telegram_webhook_secret": "has spaces"},
        {"telegram_token": "", "telegram_public_url": PUBLIC_URL},
    ],
    ids=["webhook-without-secret", "bad-secret", "no-token"],
)
def test_a_half_configured_telegram_is_refused_at_start(
    settings: Settings, changes: dict[str, str]
) -> None:
    configured = dataclasses.replace(settings, **{"telegram_token": "7000000001:AAx", **changes})
    with pytest.raises(ChannelConfigError):
        create_app(configured)


# --- With the real Rasa ---------------------------------------------------------------


@pytest.mark.stack
async def test_start_and_a_button_round_trip_through_rasa(
    aiohttp_client,  # type: ignore[no-untyped-def]
    settings: Settings,
    telegram_api: FakeTelegramAPI,
    redis_client: Redis,
    stack: RunningStack,
) -> None:
    configured = with_stack_rasa(with_telegram(settings, telegram_api, webhook=True), stack)
    client = await aiohttp_client(create_app(configured))
    kari = chat()

    await post_update(client, tg.text_update(kari, "/start", language_code="en"))
    await telegram_api.wait_for(lambda: len(telegram_api.sent(kari)) >= 1, timeout=60)
    await drained(client.app[TELEGRAM].inbox, timeout=60)
    greeting = telegram_api.sent(kari)
    assert [m.params["text"] for m in greeting] == [GREETING["en"]]
    keyboard = greeting[-1].buttons
    assert keyboard == [
        ("My bill", "/invoice_explain"),
        ("Power cut", "/power_outage"),
        ("Moving house", "/moving"),
        ("Talk to a person", "/request_human"),
    ]

    payload = keyboard[0][1]
    await post_update(client, tg.callback_update(kari, greeting[-1], payload))
    await telegram_api.wait_for(lambda: len(telegram_api.sent(kari)) > len(greeting), timeout=60)
    await drained(client.app[TELEGRAM].inbox, timeout=60)
    answered = [m.params["text"] for m in telegram_api.sent(kari)[len(greeting) :]]
    assert answered == [render_answer("utter_invoice_explain", "en")]
