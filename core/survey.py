"""Asking the customer: "did that help?", CSAT (1-5) and NPS (0-10), and reading their answers.

The rules of asking (docs/ARCHITECTURE.md, "Asking the customer"): a question goes with an
answer that ends a topic ("did that help?") or a contact (CSAT, or NPS for a sampled share of
contacts); never in a form, never to a customer waiting for or talking to a person, never in
the bot's turn right after one that asked, at most one per turn, and one rating per contact,
and only after the bot has answered a matter of the customer's in that contact: a first "thanks"
has nothing to rate.
Which answers end a topic or a contact is content (content/answers/, docs/content.md).
"""

from __future__ import annotations

import enum
import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from core.intents import NOT_TOPICS
from core.tracker_events import this_session_newest_first

# One contact: as long as Rasa's session (domain.yml, session_expiration_time: 240 minutes),
# after which a customer writing again starts a new contact.
CONTACT_SECONDS = 4 * 3600


class Kind(str, enum.Enum):
    HELPED = "helped"  # value 1: yes, 0: no
    CSAT = "csat"  # value 1-5, 5 best
    NPS = "nps"  # value 0-10


@dataclass(frozen=True)
class SurveyPolicy:
    """The company's choices (content/company.yml, `surveys:`)."""

    nps_share: float = 0.2  # share of contacts whose end asks NPS instead of CSAT
    nps_every_days: int = 90  # a customer asked NPS is not asked again for this long

    def __post_init__(self) -> None:
        if not 0.0 <= self.nps_share <= 1.0:
            raise ValueError(f"surveys.nps_share must be 0 to 1, not {self.nps_share}")
        if self.nps_every_days < 1:
            raise ValueError("surveys.nps_every_days is at least one day")


@dataclass(frozen=True)
class Question:
    """A question the bot asked with an answer, kept until the customer's next message."""

    kind: Kind
    topic: str  # the intent of the customer's message the answer was to
    text: str  # that message (masked when stored): what did or did not help
    next_step: str = ""  # "did that help?": the intent offered after a "no"
    # Rasa's own rating question after a chat with a person: Rasa reads that answer itself.
    by_rasa: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "topic": self.topic,
            "text": self.text,
            "next_step": self.next_step,
            "by_rasa": self.by_rasa,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Question:
        return cls(
            kind=Kind(data["kind"]),
            topic=str(data["topic"]),
            text=str(data["text"]),
            next_step=str(data.get("next_step", "")),
            by_rasa=bool(data.get("by_rasa", False)),
        )


@dataclass(frozen=True)
class Moment:
    """What the bot knows when it sends an answer, for deciding whether to ask."""

    ends_topic: bool  # the answer is flagged as ending a topic
    ends_contact: bool  # the answer is flagged as ending a contact (goodbye, thanks)
    in_form: bool  # a form is collecting slots
    with_person: bool  # the customer waits for or talks to a person
    asked_last_turn: bool  # the bot's previous turn asked one of the questions
    asked_this_turn: bool  # an answer earlier in this turn asked already
    rated_this_contact: bool  # CSAT or NPS was asked in this contact already
    nps_lately: bool  # this customer was asked NPS within the policy's period
    answered_a_matter: bool  # the bot answered a matter earlier in this contact


def sample_point(conversation_id: str) -> float:
    """Where a conversation falls in [0, 1) for sampling: the same every time for the same
    conversation, so its place in the NPS sample does not change from one contact to the next,
    and a month replayed with the same customers asks the same of each."""
    digest = hashlib.sha256(conversation_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def question_for(moment: Moment, policy: SurveyPolicy, draw: float) -> Kind | None:
    """The question to ask with this answer, if any. `draw` is uniform in [0, 1): the contact
    is in the NPS sample when it is under the share."""
    if moment.in_form or moment.with_person or moment.asked_last_turn or moment.asked_this_turn:
        return None
    if moment.ends_contact:
        if moment.rated_this_contact or not moment.answered_a_matter:
            return None
        return Kind.NPS if not moment.nps_lately and draw < policy.nps_share else Kind.CSAT
    if moment.ends_topic:
        return Kind.HELPED
    return None


def answered_a_matter(events: Sequence[Mapping[str, Any]]) -> bool:
    """Whether a message of the customer's before the latest, in this contact (Rasa's session,
    from its tracker events), was about a matter (an intent that is a topic): only then has
    the bot answered something to rate."""
    latest_seen = False
    for event in this_session_newest_first(events):
        if event.get("event") != "user":
            continue
        if latest_seen:
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            if intent and intent not in NOT_TOPICS:
                return True
        latest_seen = True  # the message being answered now
    return False


# --- Reading the customer's answer ------------------------------------------------------------

_YES = frozenset(
    {"ja", "jo", "jepp", "japp", "jada", "yes", "yeah", "yep", "yup", "y", "j", "👍", "👌",
     "absolutt", "definitely", "sure", "takk", "thanks", "thank", "tusen", "supert", "great"}
)  # fmt: skip
_NO = frozenset({"nei", "nope", "no", "nah", "n", "👎", "ikke", "not"})
# Words a short yes or no may carry along ("ja, takk", "nei, ikke egentlig", "yes it did").
_FILLER = frozenset(
    {"takk", "thanks", "thank", "you", "it", "did", "that", "det", "gjorde", "hjalp", "helped",
     "help", "egentlig", "really", "helt", "quite", "så", "mye", "much", "very", "veldig",
     "skikkelig", "absolutely", "at", "all", "i", "the", "answer", "svaret", "dessverre"}
)  # fmt: skip
# Words that make a yes of the filler around them: "det hjalp", "it did".
_HELPED = frozenset({"hjalp", "helped", "did", "gjorde"})
_SKIN_TONE = re.compile("[\U0001f3fb-\U0001f3ff]")
_TOKEN = re.compile(r"[^\W\d_]+|[\U0001F300-\U0001FAFF\u2600-\u27BF]", re.UNICODE)
MAX_YES_NO_WORDS = 7


def parse_helped(text: str, payload: str | None = None) -> int | None:
    """1 for a yes ("ja", "yes", "👍", "det hjalp", the yes button), 0 for a no ("nei", "no",
    "👎", "not really"), None for anything else: a new question is not an answer."""
    if payload == "/affirm":
        return 1
    if payload == "/deny":
        return 0
    said = _SKIN_TONE.sub("", unicodedata.normalize("NFC", text.lower()))
    tokens = _TOKEN.findall(said)
    if not tokens or len(tokens) > MAX_YES_NO_WORDS:
        return None
    if not all(t in _YES or t in _NO or t in _FILLER for t in tokens):
        return None
    if any(t in _NO for t in tokens):
        return 0
    if any(t in _YES or t in _HELPED for t in tokens):
        return 1
    return None


_NUMBER_WORDS = {
    **dict.fromkeys(("null", "zero", "ingen"), 0),
    **dict.fromkeys(("en", "ei", "ett", "én", "ener", "one"), 1),
    **dict.fromkeys(("to", "toer", "two"), 2),
    **dict.fromkeys(("tre", "treer", "three"), 3),
    **dict.fromkeys(("fire", "firer", "four"), 4),
    **dict.fromkeys(("fem", "femmer", "five"), 5),
    **dict.fromkeys(("seks", "sekser", "six"), 6),
    **dict.fromkeys(("sju", "syv", "sjuer", "seven"), 7),
    **dict.fromkeys(("åtte", "åtter", "eight"), 8),
    **dict.fromkeys(("ni", "nier", "nine"), 9),
    **dict.fromkeys(("ti", "tier", "ten"), 10),
}
_OUT_OF = re.compile(r"(?:\bout\s+of|\bav|\bof|/)\s*(?:5|fem|five|10|ti|ten)\b", re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\d.,])\d{1,2}(?![\d.,])")
_WORD = re.compile(r"[^\W\d_]+")
_SCALES = {Kind.CSAT: range(1, 6), Kind.NPS: range(0, 11)}


def parse_score(kind: Kind, entity: object, text: object) -> int | None:
    """A CSAT (1-5) or NPS (0-10) score from the entity NLU or a button gave, else from the
    text: "4", "fem stjerner", "I'd give it 3", "9 av 10". None when there is none on the
    scale: a customer's new question is not a score."""
    scale = _SCALES[kind]
    for candidate in (entity, text):
        if candidate is None:
            continue
        said = _OUT_OF.sub(" ", str(candidate).lower())
        number = _NUMBER.search(said)
        if number:
            value = int(number.group())
            return value if value in scale else None
        # The last number word: "en treer" is a three, "I want to give five" a five.
        words = [_NUMBER_WORDS[w] for w in _WORD.findall(said) if w in _NUMBER_WORDS]
        if words:
            return words[-1] if words[-1] in scale else None
    return None


def parse_rating(entity: object, text: object) -> int | None:
    """A 1-5 rating (CSAT), as the rating after a chat with a person is read."""
    return parse_score(Kind.CSAT, entity, text)
