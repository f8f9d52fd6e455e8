"""The context card: everything an agent needs to take over a conversation at once.

Built by plain functions from what the action server sees (the tracker's events and slots) and
the masked transcript the front door keeps. Every free text on the card passes through
`core.pii.mask`, so no national ID, card or bank account number reaches the desk or the log.
What the card itself says (the reason, the summary's labels) comes from `CardTexts`, the
`card:` section of content/locale.yml in the agent's language.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from core.intents import NOT_TOPICS
from core.pii import mask
from core.transcript import Entry

# Slots that are the bot's bookkeeping, not facts about the customer's case.
NOT_FACTS = frozenset({"requested_slot", "language", "rating", "session_started_metadata"})
TRANSCRIPT_ENTRIES = 50
QUOTE_CHARS = 120


class Reason(str, enum.Enum):
    """Why the bot handed the conversation to a person."""

    ASKED = "asked"  # the customer asked for a person
    NOT_UNDERSTOOD = "not_understood"  # missed three times in a row, after offering a person
    COMPLAINT = "complaint"
    PAYMENT_PLAN = "payment_plan"  # a payment plan needs a person's decision
    FRUSTRATED = "frustrated"  # bot/frustration.py fired


@dataclass(frozen=True)
class CardTexts:
    """What the card says in one language: `card:` and `language_names:` of content/locale.yml."""

    language: str
    reasons: Mapping[str, str]  # Reason value -> the summary's first sentence
    topic: str  # "Topic: {topic}."
    no_topic: str  # the topic's title when there is none
    writes_in: str  # "The customer writes in {language}."
    last: str  # "The customer last wrote: «{text}»"
    nothing_written: str
    language_names: Mapping[str, str]  # language code -> its name in this language

    # The keys each language's `card:` section needs (the content check reads these).
    KEYS: ClassVar[tuple[str, ...]] = (
        *(f"reasons.{reason.value}" for reason in Reason),
        "topic",
        "no_topic",
        "writes_in",
        "last",
        "nothing_written",
    )

    @classmethod
    def from_dict(
        cls, language: str, card: Mapping[str, Any], language_names: Mapping[str, Any]
    ) -> CardTexts:
        reasons = card["reasons"]
        return cls(
            language=language,
            reasons={reason.value: str(reasons[reason.value]) for reason in Reason},
            topic=str(card["topic"]),
            no_topic=str(card["no_topic"]),
            writes_in=str(card["writes_in"]),
            last=str(card["last"]),
            nothing_written=str(card["nothing_written"]),
            language_names={str(k): str(v) for k, v in language_names.items()},
        )


@dataclass(frozen=True)
class Answered:
    """One answer the bot gave before the handoff: its name in content/answers/ and its text."""

    name: str
    text: str


@dataclass(frozen=True)
class ContextCard:
    conversation_id: str
    channel: str
    language: str  # the customer's
    reason: Reason
    topic: str | None  # the latest topic intent, e.g. "payment_plan"
    topic_title: str | None  # its title in the agent's language
    intents: tuple[str, ...]  # the intent path, oldest first
    slots: dict[str, str]
    entities: dict[str, str]  # the latest value of each entity the customer gave
    answered: tuple[Answered, ...]
    summary: tuple[str, str]  # two lines in the company's first language
    transcript: tuple[Entry, ...]
    created: float
    # The summary and the topic's title in every language an agent may read the desk in.
    summaries: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    topic_titles: Mapping[str, str] = field(default_factory=dict)

    def summary_in(self, language: str) -> tuple[str, str]:
        """The summary in an agent's language, else in the company's first language."""
        return self.summaries.get(language, self.summary)

    def to_dict(self) -> dict[str, Any]:
        return {
            "conversation_id": self.conversation_id,
            "channel": self.channel,
            "language": self.language,
            "reason": self.reason.value,
            "topic": self.topic,
            "topic_title": self.topic_title,
            "intents": list(self.intents),
            "slots": dict(self.slots),
            "entities": dict(self.entities),
            "answered": [{"name": a.name, "text": a.text} for a in self.answered],
            "summary": list(self.summary),
            "transcript": [e.to_dict() for e in self.transcript],
            "created": self.created,
            "summaries": {lang: list(lines) for lang, lines in self.summaries.items()},
            "topic_titles": dict(self.topic_titles),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ContextCard:
        first, second = (str(line) for line in data["summary"])
        return cls(
            conversation_id=str(data["conversation_id"]),
            channel=str(data["channel"]),
            language=str(data["language"]),
            reason=Reason(data["reason"]),
            topic=data.get("topic"),
            topic_title=data.get("topic_title"),
            intents=tuple(str(i) for i in data.get("intents") or ()),
            slots={str(k): str(v) for k, v in (data.get("slots") or {}).items()},
            entities={str(k): str(v) for k, v in (data.get("entities") or {}).items()},
            answered=tuple(
                Answered(str(a["name"]), str(a["text"])) for a in data.get("answered") or ()
            ),
            summary=(first, second),
            transcript=tuple(Entry.from_dict(e) for e in data.get("transcript") or ()),
            created=float(data["created"]),
            summaries={
                str(lang): (str(lines[0]), str(lines[1]))
                for lang, lines in (data.get("summaries") or {}).items()
            },
            topic_titles={str(k): str(v) for k, v in (data.get("topic_titles") or {}).items()},
        )


def build_card(
    *,
    conversation_id: str,
    channel: str,
    language: str,
    events: Sequence[Mapping[str, Any]],
    slots: Mapping[str, Any],
    transcript: Sequence[Entry],
    topic_titles: Mapping[str, Mapping[str, str]],
    texts: CardTexts,
    now: float,
    after_fallback: bool = False,
    agent_texts: Sequence[CardTexts] = (),
) -> ContextCard:
    """The card for a handoff happening now, from the tracker's events and slots, with its
    summary in the company's first language (`texts`) and in each language of `agent_texts`
    (every language an agent may read the desk in); `after_fallback`: the bot's fallback
    handed it over, having missed the customer's messages too often."""
    intents = intent_path(events)
    topic = latest_topic(intents)
    titles = topic_titles.get(topic or "") or {}

    def title(language: str) -> str | None:
        return (
            titles.get(language) or titles.get(texts.language) or next(iter(titles.values()), None)
        )

    topic_title = title(texts.language)
    reason = Reason.NOT_UNDERSTOOD if after_fallback else handoff_reason(intents)
    masked = tuple(
        Entry(e.role, mask(e.text), e.at, e.buttons) for e in transcript[-TRANSCRIPT_ENTRIES:]
    )
    return ContextCard(
        conversation_id=conversation_id,
        channel=channel,
        language=language,
        reason=reason,
        topic=topic,
        topic_title=topic_title,
        intents=intents,
        slots={
            name: mask(str(value))
            for name, value in slots.items()
            if value is not None and name not in NOT_FACTS
        },
        entities=latest_entities(events),
        answered=answered(events),
        summary=summary(reason, topic_title, language, masked, texts),
        transcript=masked,
        created=now,
        summaries={
            each.language: summary(reason, title(each.language), language, masked, each)
            for each in agent_texts
        },
        topic_titles={
            each.language: found for each in agent_texts if (found := title(each.language))
        },
    )


def intent_path(events: Iterable[Mapping[str, Any]]) -> tuple[str, ...]:
    """The intent of every customer message so far, oldest first."""
    return tuple(
        str(name)
        for event in events
        if event.get("event") == "user"
        and (name := ((event.get("parse_data") or {}).get("intent") or {}).get("name"))
    )


def latest_topic(intents: Sequence[str]) -> str | None:
    return next((i for i in reversed(intents) if i not in NOT_TOPICS), None)


def handoff_reason(intents: Sequence[str]) -> Reason:
    """Why now: the latest intent says it, and a payment plan asked about before says more."""
    latest = intents[-1] if intents else None
    if latest == "complaint":
        return Reason.COMPLAINT
    if latest == "frustrated":
        return Reason.FRUSTRATED
    if latest == "nlu_fallback":
        return Reason.NOT_UNDERSTOOD
    if latest_topic(intents) == "payment_plan":
        return Reason.PAYMENT_PLAN
    return Reason.ASKED


def latest_entities(events: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """The latest value of each entity the customer gave, masked."""
    found: dict[str, str] = {}
    for event in events:
        if event.get("event") != "user":
            continue
        for entity in (event.get("parse_data") or {}).get("entities") or ():
            if entity.get("entity") and entity.get("value") is not None:
                found[str(entity["entity"])] = mask(str(entity["value"]))
    return found


def answered(events: Iterable[Mapping[str, Any]]) -> tuple[Answered, ...]:
    """The answers the bot gave, by name, with their (masked) text."""
    return tuple(
        Answered(str((event.get("metadata") or {}).get("utter_action") or ""), mask(text))
        for event in events
        if event.get("event") == "bot" and (text := str(event.get("text") or ""))
    )


def summary(
    reason: Reason,
    topic_title: str | None,
    language: str,
    transcript: Sequence[Entry],
    texts: CardTexts,
) -> tuple[str, str]:
    """Two lines for the agent: why and about what; what the customer wrote last."""
    first = f"{texts.reasons[reason.value]} " + texts.topic.format(
        topic=topic_title or texts.no_topic
    )
    if language != texts.language:
        name = texts.language_names.get(language, language)
        first += " " + texts.writes_in.format(language=name)
    last = next((e.text for e in reversed(transcript) if e.role == "customer"), "")
    if len(last) > QUOTE_CHARS:
        last = last[: QUOTE_CHARS - 1].rstrip() + "…"
    second = texts.last.format(text=last) if last else texts.nothing_written
    return first, second
