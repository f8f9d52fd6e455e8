"""Whether a customer sounds frustrated: a simple rule, so that a person can step in early.

It fires on shouting (a message mostly in capitals) that is also angry (a negative word or an
exclamation mark), or on negative words that repeat: two in one message, or one now and one
in either of the customer's two messages before. One negative word alone ("the internet is
bad") describes a problem; the bot can still answer that.
The front door sends Rasa the intent `/frustrated` instead of the text when it fires, and a
rule hands the conversation to a person (data/handoff.yml).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

PAYLOAD = "/frustrated"
EARLIER_MESSAGES = 2
SHOUT_MIN_LETTERS = 10
SHOUT_MIN_WORDS = 2
SHOUT_UPPER_SHARE = 0.8

# Word stems, matched at the start of a word in any case: "elendig" also finds "elendige".
NEGATIVE = (
    # Norwegian
    "elendig",
    "håpløs",
    "ubrukelig",
    "udugelig",
    "latterlig",
    "idiot",
    "dust",
    "teit",
    "dritt",
    "faen",
    "fy faen",
    "jævla",
    "jævl",
    "helvete",
    "skandale",
    "skandaløs",
    "forbanna",
    "drittlei",
    "lei av",
    "oppgitt",
    "frustrert",
    "sint",
    "rasende",
    "uakseptabel",
    "svindel",
    "tull",
    # English
    "useless",
    "hopeless",
    "terrible",
    "awful",
    "horrible",
    "pathetic",
    "ridiculous",
    "stupid",
    "rubbish",
    "crap",
    "damn",
    "wtf",
    "fed up",
    "sick of",
    "furious",
    "angry",
    "frustrat",
    "unacceptable",
    "worst",
    "scam",
    "joke",
)
_NEGATIVE = re.compile(
    r"(?<!\w)(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in NEGATIVE) + r")",
    re.IGNORECASE,
)
_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W\d_]{2,}")


def is_frustrated(text: str, earlier: Sequence[str] = ()) -> bool:
    """True when `text`, after the customer's `earlier` messages (oldest first), sounds
    frustrated enough that a person should take over."""
    negative_now = negative_words(text)
    if is_shouting(text) and (negative_now or "!" in text):
        return True
    if len(negative_now) >= 2:
        return True
    return bool(negative_now) and any(negative_words(t) for t in earlier[-EARLIER_MESSAGES:])


def negative_words(text: str) -> list[str]:
    return [m.group().lower() for m in _NEGATIVE.finditer(text)]


def is_shouting(text: str) -> bool:
    """Mostly capital letters, over enough letters and words that it is not an abbreviation."""
    letters = _LETTER.findall(text)
    if len(letters) < SHOUT_MIN_LETTERS or len(_WORD.findall(text)) < SHOUT_MIN_WORDS:
        return False
    return bool(sum(c.isupper() for c in letters) / len(letters) >= SHOUT_UPPER_SHARE)
