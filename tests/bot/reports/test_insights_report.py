"""The insights: contacts, containment and FCR, ratings and waits, read from the records in Redis."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from typing import Any

from redis.asyncio import Redis

from bot.reports.insights import Table, gather, render, to_csv
from core.clock import system_clock
from core.company import CompanyProfile
from core.retention import Retention
from store import keys
from store.feedback import Answer, Feedback, Kind
from store.handoffs import Handoffs
from store.stores import Stores
from tests.helpers import ROOT, queue

PROFILE = CompanyProfile.load(ROOT / "content" / "company.yml", ROOT)
# Tuesday 24 November 2026, 10:00 in Oslo.
TUESDAY = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc).timestamp()
HOUR = 3600.0


def _turn(at: float, intent: str, text: str, *answers: str, action: str = "") -> list[Any]:
    events: list[dict[str, Any]] = [
        {
            "event": "user",
            "timestamp": at,
            "text": text,
            "parse_data": {"intent": {"name": intent}},
            "metadata": {"at": at, "channel": "web", "language": "nb"},
        }
    ]
    if action:
        events.append({"event": "action", "name": action, "timestamp": at})
    events += [{"event": "bot", "metadata": {"utter_action": a}, "timestamp": at} for a in answers]
    return events


async def _tracker(redis: Redis, conversation_id: str, *turns: list[Any]) -> None:
    events = [e for turn in turns for e in turn]
    await redis.set(keys.rasa_tracker(conversation_id), json.dumps({"events": events}))


def _table(report: list[Table], name: str) -> Table:
    return next(t for t in report if t.name == name)


async def test_the_period_counts_containment_fcr_misses_waits_and_ratings(
    redis_client: Redis,
) -> None:
    t = TUESDAY
    # Contained: one answer, never back.
    await _tracker(
        redis_client, "web:a", _turn(t, "opening_hours", "åpent?", "utter_opening_hours")
    )
    # Resolved by the bot, but back about the same bill the same evening: not contained.
    await _tracker(
        redis_client,
        "web:b",
        _turn(t, "invoice_explain", "regning", "utter_invoice_explain"),
        _turn(t + 6 * HOUR, "invoice_explain", "regningen igjen", "utter_invoice_explain"),
    )
    # Not understood, with the message kept for the editors.
    await _tracker(
        redis_client, "web:c", _turn(t, "nlu_fallback", "xyz gebyr", "utter_ask_rephrase")
    )
    # Handed to a person who solved it after a 3-minute wait, rated 5.
    await _tracker(
        redis_client, "web:d", _turn(t, "request_human", "person", action="action_handoff")
    )
    handoff = await queue(redis_client, "web:d", now=t + 1)
    handoffs = Handoffs(redis_client)
    await handoffs.claim(handoff, "kari", now=t + 181)
    await handoffs.begin_close(handoff, "kari")
    await handoffs.finish_close(handoff, "kari", "resolved", now=t + 400)
    await handoffs.rate("web:d", 5)

    # Answered, but "did that help?" got a no: the customer's message is kept for the editors.
    await _tracker(redis_client, "web:e", _turn(t, "fees", "gebyr på regningen", "utter_fees"))
    feedback = Feedback(redis_client)
    await feedback.add(
        Answer(Kind.HELPED, 0, "web:e", "web", "nb", "fees", t + 30, "gebyr på regningen")
    )
    # a rated the bot's help 4 and would recommend us (10).
    await feedback.add(Answer(Kind.CSAT, 4, "web:a", "web", "nb", "opening_hours", t + 60))
    await feedback.add(Answer(Kind.NPS, 10, "web:a", "web", "nb", "opening_hours", t + 90))

    stores = Stores.over(redis_client, system_clock, Retention())
    tuesday = date(2026, 11, 24)
    report = await gather(stores, PROFILE, tuesday, tuesday, t + 10 * HOUR)

    [day] = _table(report, "per_day").rows
    # day, contacts, bot resolved, contained, %, fcr, %: b's two contacts are two
    assert day == ("2026-11-24", 6, 3, 2, 33.3, 3, 50.0)
    assert dict(_table(report, "outcomes").rows) == {
        "bot_resolved": 3,
        "not_understood": 1,
        "not_helped": 1,
        "handed_off:resolved": 1,
    }
    assert _table(report, "misses").rows == (
        ("-", "not_understood", "xyz gebyr", 1),
        ("fees", "not_helped", "gebyr på regningen", 1),
    )
    assert _table(report, "queue_waits").rows == ((1, 3.0, 3.0, 5),)
    # The person's help rated 5, the bot's 4: two happy customers of two.
    assert _table(report, "csat").rows == (("2026-11-24", 2, 2, 100.0, 80),)
    assert _table(report, "nps").rows == (("2026-11-24", 1, 1, 0, 100.0, 50),)
    assert _table(report, "handoff_reasons").rows == (("asked", 1),)
    # Nothing of it belongs to the Monday before.
    monday = date(2026, 11, 23)
    assert _table(await gather(stores, PROFILE, monday, monday, t), "per_day").rows == ()

    csv_text = to_csv(_table(report, "per_day"))
    assert (
        csv_text.splitlines()[0]
        == "day,contacts,bot_resolved,contained,containment_pct,fcr,fcr_pct"
    )
    assert "2026-11-24  6" in render(report, tuesday, tuesday)
