"""Which language a customer writes in, decided per message.

Chat messages are short ("hei", "ok", "0150"), where general language identifiers guess.
So the first opinion comes from a word model trained on our own examples in each language
(`data/nlu/<lang>/`), which knows "hei" and "strømmen" are Norwegian; a general identifier
(lingua) judges longer messages with words we have not seen. When neither is sure, the
conversation keeps the language it has: "ok" does not switch a Norwegian chat to English, and
one word ("kiitos", "tack", "joo") never switches a conversation: thanks in one's own language
in the middle of another is common. The languages are the company profile's.

Letters settle what words cannot: æ and ø are written in Norwegian (and Danish), never in
Swedish or Finnish; ä and ö in Swedish and Finnish, never in Norwegian. Nynorsk is understood
and answered in bokmål, and Danish, which we do not serve, comes out as the bokmål it is
closest to.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import yaml
from lingua import Language, LanguageDetectorBuilder

_LINGUA = {
    "nb": Language.BOKMAL,
    "nn": Language.NYNORSK,
    "en": Language.ENGLISH,
    "fi": Language.FINNISH,
    "sv": Language.SWEDISH,
}
_WORD = re.compile(r"[^\W\d_]{2,}")
_ENTITY = re.compile(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\{[^}]*\}")
# How sure each opinion must be to change a conversation's language ("ok" must not), and to set
# it on a conversation's first message, where any evidence beats the company's default.
WORDS_CERTAINTY = 0.95
LINGUA_CERTAINTY = 0.9
LINGUA_MIN_WORDS = 3
FIRST_MESSAGE_CERTAINTY = 0.6
SWITCH_MIN_WORDS = 2  # a conversation switches on two words or more, never on one
# Languages a letter is never written in: the letter rules them out. Not English, whose
# customers write Norwegian and Finnish place names ("i live in 3050 mjøndalen").
_NOT_WRITTEN_IN = {
    "æ": frozenset({"sv", "fi"}),
    "ø": frozenset({"sv", "fi"}),
    "ä": frozenset({"nb"}),
    "ö": frozenset({"nb"}),
}
# Written languages understood as a served one: Nynorsk is answered in bokmål.
_UNDERSTOOD_AS = {"nb": (Language.NYNORSK,)}


class LanguageDetector:
    def __init__(self, languages: Sequence[str], vocabulary: Mapping[str, Counter[str]]) -> None:
        if not languages:
            raise ValueError("at least one language is needed")
        unknown = set(languages) - set(_LINGUA)
        if unknown:
            raise ValueError(f"no language identification for {sorted(unknown)}")
        self.languages = tuple(languages)
        self._counts = {lang: vocabulary.get(lang, Counter()) for lang in self.languages}
        self._totals = {lang: sum(c.values()) for lang, c in self._counts.items()}
        self._vocabulary_size = len(set().union(*self._counts.values())) or 1
        judged = [_LINGUA[lang] for lang in self.languages]
        judged += [extra for lang in self.languages for extra in _UNDERSTOOD_AS.get(lang, ())]
        self._lingua = (
            LanguageDetectorBuilder.from_languages(*judged).with_preloaded_language_models().build()
            if len(self.languages) > 1
            else None
        )

    @classmethod
    def from_training_data(cls, languages: Sequence[str], nlu_dir: Path) -> LanguageDetector:
        vocabulary = {
            lang: Counter(_words(_examples(sorted((nlu_dir / lang).glob("*.yml")))))
            for lang in languages
        }
        return cls(languages, vocabulary)

    def detect(self, text: str, current: str | None = None) -> str:
        """The language of `text`, or the conversation's `current` one when unsure."""
        first = current not in self.languages
        keep = self.languages[0] if first else str(current)
        words = list(_words([text]))
        if not words or self._lingua is None or (not first and len(words) < SWITCH_MIN_WORDS):
            return keep
        possible = self._written_in(text)
        best, certainty = self._word_opinion(words, possible)
        if certainty >= (FIRST_MESSAGE_CERTAINTY if first else WORDS_CERTAINTY):
            return best
        if first or len(words) >= LINGUA_MIN_WORDS:
            needed = FIRST_MESSAGE_CERTAINTY if first else LINGUA_CERTAINTY
            for value in self._lingua.compute_language_confidence_values(text):
                language = self._served(value.language)
                if language in possible:
                    return language if value.value >= needed else keep
        return keep

    def _written_in(self, text: str) -> tuple[str, ...]:
        """The served languages the letters of `text` allow (all of them when none rules)."""
        lowered = text.lower()
        ruled_out = set().union(*(langs for ch, langs in _NOT_WRITTEN_IN.items() if ch in lowered))
        return tuple(lang for lang in self.languages if lang not in ruled_out) or self.languages

    def _served(self, language: Language) -> str:
        """The served language a lingua verdict means (Nynorsk: bokmål)."""
        for code, extras in _UNDERSTOOD_AS.items():
            if language in extras and code in self.languages:
                return code
        return _code(language)

    def _word_opinion(self, words: list[str], possible: Sequence[str]) -> tuple[str, float]:
        """Naive Bayes over known words: the likeliest possible language and its posterior."""
        known = [w for w in words if any(w in c for c in self._counts.values())]
        if not known:
            return possible[0], 0.0
        scores = {
            lang: sum(
                math.log((self._counts[lang][w] + 1) / (self._totals[lang] + self._vocabulary_size))
                for w in known
            )
            for lang in possible
        }
        return _posterior(scores)


def _posterior(scores: Mapping[str, float]) -> tuple[str, float]:
    """The likeliest language and its probability, from log-likelihoods."""
    top = max(scores.values())
    weights = {lang: math.exp(score - top) for lang, score in scores.items()}
    best = max(weights, key=weights.__getitem__)
    return best, weights[best] / sum(weights.values())


def _code(language: Language) -> str:
    return next(code for code, lingua in _LINGUA.items() if lingua == language)


def _words(texts: Iterable[str]) -> Iterable[str]:
    for text in texts:
        yield from (w.lower() for w in _WORD.findall(_ENTITY.sub(r"\1\2", text)))


def _examples(paths: Iterable[Path]) -> Iterable[str]:
    """The example lines of Rasa NLU YAML files, without reading them through Rasa."""
    for path in paths:
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            for line in str(item.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    yield line.strip()[2:]
