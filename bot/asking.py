"""Asking the customer, in the front door: the NLG endpoint adds "did that help?", CSAT or NPS
to an answer that ends a topic or a contact, and the router reads the customer's reply.

The front door sees every channel and every handoff (the conversation's mode), and adding
the question to the answer Rasa asked for costs no extra message and no extra Rasa turn; a
reply it understands (a tap, "ja", "4", "9 av 10") is answered here, without Rasa. The rules
are core/survey.py's; every answer the bot gives is recorded with its topic
(store/feedback.py) for the conversation outcomes.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.messages import Inbound, Outbound
from core.clock import Clock
from core.content.answers import AnswerBook, Button, Rendered
from core.retention import DAY_SECONDS
from core.survey import (
    Kind,
    Moment,
    Question,
    SurveyPolicy,
    answered_a_matter,
    parse_helped,
    parse_score,
    question_for,
    sample_point,
)
from store.conversations import Conversation, Mode
from store.feedback import Answer, Answered
from store.stores import Stores

log = logging.getLogger(__name__)

QUESTIONS = {
    Kind.HELPED: "utter_ask_helped",
    Kind.CSAT: "utter_ask_rating",
    Kind.NPS: "utter_ask_nps",
}
# Rasa asks for a rating itself after a chat with a person (docs/handoff.md) and reads the
# answer with action_save_rating; the front door only counts it as this contact's rating.
RASA_RATING = "utter_ask_rating"
# The metadata key that tells the next turn's answers a question came right before.
AFTER_QUESTION = "after_question"
_RATING_PAYLOAD = re.compile(r'/rate\{"rating":\s*"?(\d{1,2})"?\}')


@dataclass(frozen=True)
class Reading:
    """What the router does with a customer message after a question: `replies` when the
    message answered it (Rasa is not asked), and metadata for Rasa otherwise."""

    replies: list[Outbound] | None = None
    metadata: dict[str, str] = field(default_factory=dict)


class Asking:
    def __init__(
        self,
        stores: Stores,
        answers: AnswerBook,
        facts: dict[str, dict[str, str]],
        topic_titles: dict[str, dict[str, str]],
        policy: SurveyPolicy,
        clock: Clock,
        fallback_language: str,
        draw: Callable[[str], float] = sample_point,
    ) -> None:
        self._stores = stores
        self._answers = answers
        self._facts = facts
        self._titles = topic_titles
        self._policy = policy
        self._clock = clock
        self._fallback = fallback_language
        self._draw = draw

    # --- With the bot's answer (the NLG endpoint) ------------------------------------------

    async def after_answer(
        self, name: str, tracker: Mapping[str, Any], language: str, rendered: Rendered
    ) -> Rendered:
        """Record the answer with its topic, and add the question it calls for, if any."""
        if not tracker.get("sender_id"):
            return rendered  # not an answer in a conversation (a check of the endpoint)
        conversation_id = str(tracker["sender_id"])
        latest = tracker.get("latest_message") or {}
        metadata = latest.get("metadata") or {}
        topic = str((latest.get("intent") or {}).get("name") or "")
        asked_text = str(latest.get("text") or "")
        answer = self._answers.get(name)
        # The router sends the channel with each message; only a turn without one (an intent
        # the desk triggered) reads it from the conversation.
        channel = str(metadata.get("channel") or await self._channel_of(conversation_id))
        await self._stores.feedback.add_answered(
            Answered(
                conversation_id, channel, language, topic, name,
                bool(answer and answer.ends_a_topic), self._now(), asked_text,
            )
        )  # fmt: skip
        if name == RASA_RATING:
            await self._stores.surveys.ask(
                conversation_id,
                Question(Kind.CSAT, topic, "", by_rasa=True),
                self._nps_seconds,
                overwrite=True,
            )
            return rendered
        if answer is None or not (answer.ends_a_topic or answer.ends_contact):
            return rendered
        conversation = await self._stores.conversations.get(conversation_id)
        asked = await self._stores.surveys.asked(conversation_id)
        moment = Moment(
            ends_topic=answer.ends_a_topic,
            ends_contact=answer.ends_contact,
            in_form=bool((tracker.get("active_loop") or {}).get("name")),
            with_person=_with_person(conversation),
            asked_last_turn=bool(metadata.get(AFTER_QUESTION)),
            asked_this_turn=asked.this_turn,
            rated_this_contact=asked.rated_this_contact,
            nps_lately=asked.nps_lately,
            answered_a_matter=answered_a_matter(tracker.get("events") or []),
        )
        kind = question_for(moment, self._policy, self._draw(conversation_id))
        if kind is None:
            return rendered
        question = Question(kind, topic, asked_text, next_step=answer.ends_topic or "")
        if not await self._stores.surveys.ask(conversation_id, question, self._nps_seconds):
            return rendered  # another answer of this turn asked first
        asking = self._render(QUESTIONS[kind], language)
        return Rendered(f"{rendered.text}\n\n{asking.text}", rendered.buttons + asking.buttons)

    async def _channel_of(self, conversation_id: str) -> str:
        conversation = await self._stores.conversations.get(conversation_id)
        return conversation.channel if conversation else ""

    # --- With the customer's next message (the router) --------------------------------------

    async def read_reply(
        self, conversation: Conversation, language: str, message: Inbound
    ) -> Reading:
        """Take the question the bot's latest turn asked, and answer the message here when it
        answers that question; else say to Rasa that a question came right before."""
        question = await self._stores.surveys.take(conversation.id)
        if question is None or _with_person(conversation):
            return Reading()
        after = {AFTER_QUESTION: question.kind.value}
        if question.by_rasa:
            return Reading(metadata=after)
        value = _value(question.kind, message)
        if value is None:
            return Reading(metadata=after)
        await self._stores.feedback.add(
            Answer(
                question.kind, value, conversation.id, conversation.channel, language,
                question.topic, self._now(), question.text if question.kind is Kind.HELPED else "",
            )
        )  # fmt: skip
        log.info("conversation %s answered %s", conversation.id, question.kind.value)
        return Reading(replies=[self._reply(question, value, language)], metadata=after)

    def _reply(self, question: Question, value: int, language: str) -> Outbound:
        if question.kind is not Kind.HELPED:
            return Outbound.from_rendered(self._render("utter_thank_rating", language))
        if value:
            return Outbound.from_rendered(self._render("utter_glad_helped", language))
        sorry = self._render("utter_not_helped", language)
        titles = self._titles.get(question.next_step) or {}
        title = titles.get(language) or titles.get(self._fallback) or ""
        return Outbound(sorry.text, (Button(title, f"/{question.next_step}"),))

    def _render(self, name: str, language: str) -> Rendered:
        return self._answers.render(name, language, self._facts[language], self._fallback)

    def _now(self) -> float:
        return self._clock().timestamp()

    @property
    def _nps_seconds(self) -> int:
        return self._policy.nps_every_days * DAY_SECONDS


def _with_person(conversation: Conversation | None) -> bool:
    return conversation is not None and conversation.mode in (Mode.QUEUED, Mode.AGENT)


def _value(kind: Kind, message: Inbound) -> int | None:
    if kind is Kind.HELPED:
        return parse_helped(message.text, message.payload)
    tapped = _RATING_PAYLOAD.fullmatch(message.payload or "")
    return parse_score(kind, tapped.group(1) if tapped else None, message.text)
