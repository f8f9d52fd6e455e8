"""The bot's questions in flight, in a real Redis: one a turn, masked, erased with the customer."""

from __future__ import annotations

from redis.asyncio import Redis

from core.survey import CONTACT_SECONDS, Kind, Question
from store import keys
from store.privacy import erase
from store.surveys import Surveys


async def test_one_question_a_turn_taken_once_by_the_next_message(redis_client: Redis) -> None:
    surveys = Surveys(redis_client)
    helped = Question(Kind.HELPED, "moving", "jeg skal flytte", "request_callback")
    assert await surveys.ask("web:q", helped, 86400)
    assert not await surveys.ask("web:q", Question(Kind.CSAT, "thank", ""), 86400)
    assert (await surveys.asked("web:q")).this_turn
    assert await surveys.take("web:q") == helped
    assert await surveys.take("web:q") is None
    assert not (await surveys.asked("web:q")).this_turn


async def test_a_rating_marks_the_contact_and_nps_the_customer_for_the_period(
    redis_client: Redis,
) -> None:
    surveys = Surveys(redis_client)
    await surveys.ask("web:r", Question(Kind.NPS, "goodbye", ""), 30 * 86400)
    asked = await surveys.asked("web:r")
    assert asked.rated_this_contact and asked.nps_lately
    assert 0 < await redis_client.ttl(keys.survey_rated("web:r")) <= CONTACT_SECONDS
    assert 29 * 86400 < await redis_client.ttl(keys.survey_nps("web:r")) <= 30 * 86400
    await surveys.take("web:r")
    await surveys.ask("web:s", Question(Kind.CSAT, "goodbye", ""), 30 * 86400)
    csat = await surveys.asked("web:s")
    assert csat.rated_this_contact and not csat.nps_lately


async def test_a_question_is_kept_masked_and_erased_with_the_customer(redis_client: Redis) -> None:
    surveys = Surveys(redis_client)
    question = Question(Kind.HELPED, "payment_plan", "kontonummer 1234 56 78903", "request_human")
    await surveys.ask("web:q", question, 86400)
    raw = await redis_client.get(keys.survey_question("web:q"))
    assert raw is not None and "1234 56 78903" not in raw
    await surveys.ask("web:q2", Question(Kind.NPS, "goodbye", ""), 86400)
    await erase(redis_client, "web:q", by="dpo")
    assert await surveys.take("web:q") is None
    assert await redis_client.exists(keys.survey_nps("web:q2")) == 1  # the other customer's
