"""Rasa's tracker, as our tracker store keeps it: masked, expiring, each event once."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from redis.asyncio import Redis

from rasa_plugins.tracker_store import MaskedRedisTrackerStore

FNR = "15076500565"
CARD = "4111 1111 1111 1111"
IBAN = "NO93 8601 1117 947"
DOMAIN = Domain.empty()


def store(redis_url: str, record_exp: str = "3600") -> MaskedRedisTrackerStore:
    url = urlsplit(redis_url)
    return MaskedRedisTrackerStore(
        domain=DOMAIN,
        host=url.hostname,
        port=url.port,
        db=int(url.path.strip("/") or 0),
        key_prefix="svar",
        record_exp=record_exp,
    )


def said(text: str, value: str) -> UserUttered:
    return UserUttered(
        text,
        intent={"name": "inform", "confidence": 0.9},
        entities=[{"entity": "customer_number", "value": value, "start": 0, "end": len(value)}],
        parse_data={"text": text, "intent": {"name": "inform"}, "entities": []},
        metadata={"language": "nb", "channel": "web", "note": text},
    )


async def test_what_the_tracker_store_keeps_holds_no_id_card_or_account_number(
    redis_client: Redis, redis_url: str
) -> None:
    trackers = store(redis_url)
    tracker = DialogueStateTracker.from_events(
        "web:pii",
        [
            ActionExecuted("action_listen"),
            said(f"fødselsnummeret mitt er {FNR}", FNR),
            SlotSet("customer_number", CARD),
            BotUttered("Takk!"),
            ActionExecuted("action_listen"),
        ],
        domain=DOMAIN,
    )
    await trackers.save(tracker)
    tracker.update(said(f"og kontoen er {IBAN}", IBAN))
    tracker.update(ActionExecuted("action_listen"))
    await trackers.save(tracker)

    raw = await redis_client.get("svar:tracker:web:pii")
    assert raw is not None
    for number in (FNR, CARD, IBAN, CARD.replace(" ", ""), IBAN.replace(" ", "")):
        assert number not in raw
    events = json.loads(raw)["events"]
    users = [e for e in events if e["event"] == "user"]
    assert [u["text"] for u in users] == [
        "fødselsnummeret mitt er ***********",
        "og kontoen er **** **** **** *47",  # the last digits say which account
    ]
    # Saved twice, and still each event once.
    assert len(events) == 7
    assert 0 < await redis_client.ttl("svar:tracker:web:pii") <= 3600

    again = await trackers.retrieve("web:pii")
    assert again is not None and again.latest_message is not None
    assert again.latest_message.text == "og kontoen er **** **** **** *47"


async def test_ordinary_messages_are_kept_as_written(redis_client: Redis, redis_url: str) -> None:
    trackers = store(redis_url, record_exp="")
    tracker = DialogueStateTracker.from_events(
        "web:plain",
        [ActionExecuted("action_listen"), said("kundenummer 12345678, postnr 0150", "12345678")],
        domain=DOMAIN,
    )
    await trackers.save(tracker)
    raw = await redis_client.get("svar:tracker:web:plain")
    assert raw is not None and "kundenummer 12345678, postnr 0150" in raw
    assert await redis_client.ttl("svar:tracker:web:plain") == -1


async def test_a_new_session_is_kept_after_the_earlier_ones_each_event_once(
    redis_client: Redis, redis_url: str
) -> None:
    trackers = store(redis_url)
    first = DialogueStateTracker.from_events(
        "web:sessions",
        [
            ActionExecuted("action_session_start", timestamp=1.0),
            SessionStarted(timestamp=1.0),
            ActionExecuted("action_listen", timestamp=1.0),
            said("hei", "0"),
        ],
        domain=DOMAIN,
    )
    await trackers.save(first)
    stored_first = json.loads(await redis_client.get("svar:tracker:web:sessions") or "{}")
    # Rasa saves a tracker that holds the latest session only: retrieve() returns no more.
    latest = await trackers.retrieve("web:sessions")
    assert latest is not None
    second = DialogueStateTracker.from_events(
        "web:sessions",
        [
            ActionExecuted("action_session_start"),
            SessionStarted(),
            ActionExecuted("action_listen"),
            said("kundenummer 12345678", "12345678"),
        ],
        domain=DOMAIN,
    )
    await trackers.save(second)
    await trackers.save(second)

    events = json.loads(await redis_client.get("svar:tracker:web:sessions") or "{}")["events"]
    assert events[:4] == stored_first["events"]
    assert [e["event"] for e in events[4:]] == ["action", "session_started", "action", "user"]
    assert [e.get("text") for e in events if e["event"] == "user"] == [
        "hei",
        "kundenummer 12345678",
    ]
    full = await trackers.retrieve_full_tracker("web:sessions")
    assert full is not None and len(full.events) == 8


async def test_saving_what_was_read_back_writes_the_same_conversation(
    redis_client: Redis, redis_url: str
) -> None:
    trackers = store(redis_url)
    tracker = DialogueStateTracker.from_events(
        "web:again",
        [ActionExecuted("action_listen"), said(f"fnr {FNR}", FNR), BotUttered("Takk!")],
        domain=DOMAIN,
    )
    await trackers.save(tracker)
    written = await redis_client.get("svar:tracker:web:again")
    read_back = await trackers.retrieve("web:again")
    assert read_back is not None
    await trackers.save(read_back)
    assert await redis_client.get("svar:tracker:web:again") == written
