"""The bot's questions to a customer in flight: the one asked in the latest turn, and whether
this contact was asked for a rating and this customer for NPS lately (core/survey.py's rules).

The question asked is kept until the customer's next message takes it (GETDEL), so the turn
after a question knows it came right after one, and an answer to it is read against it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from redis.asyncio import Redis

from core.pii import mask
from core.survey import CONTACT_SECONDS, Kind, Question
from store import keys

# A question nobody answered within a day is no longer pending.
QUESTION_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Asked:
    """What was asked of one conversation, for deciding whether to ask now."""

    this_turn: bool  # a question is pending: asked earlier in this turn
    rated_this_contact: bool
    nps_lately: bool


class Surveys:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def asked(self, conversation_id: str) -> Asked:
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.exists(keys.survey_question(conversation_id))
            pipe.exists(keys.survey_rated(conversation_id))
            pipe.exists(keys.survey_nps(conversation_id))
            question, rated, nps = await pipe.execute()
        return Asked(bool(question), bool(rated), bool(nps))

    async def ask(
        self,
        conversation_id: str,
        question: Question,
        nps_every_seconds: int,
        overwrite: bool = False,
    ) -> bool:
        """Keep the question as asked, unless one is already pending (one question a turn) and
        `overwrite` is not set; a rating marks the contact as rated, NPS the customer as asked
        for the period. False when another question was asked first."""
        stored = replace(question, text=mask(question.text))
        asked = await self._redis.set(
            keys.survey_question(conversation_id),
            json.dumps(stored.to_dict(), ensure_ascii=False),
            nx=not overwrite,
            ex=QUESTION_SECONDS,
        )
        if not asked:
            return False
        if question.kind in (Kind.CSAT, Kind.NPS):
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.set(
                    keys.survey_rated(conversation_id), question.kind.value, ex=CONTACT_SECONDS
                )
                if question.kind is Kind.NPS:
                    pipe.set(keys.survey_nps(conversation_id), "1", ex=nps_every_seconds)
                await pipe.execute()
        return True

    async def take(self, conversation_id: str) -> Question | None:
        """The question asked in the bot's latest turn, if any, now no longer pending."""
        raw = await self._redis.getdel(keys.survey_question(conversation_id))
        return Question.from_dict(json.loads(raw)) if raw else None
