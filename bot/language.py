"""Which language a customer writes in, decided per message.

Chat messages are short ("hei", "ok", "0150"), where general language identifiers guess.
So the first opinion comes from a word model trained on our own examples in each language
(`data/nlu/<lang>/`), which knows "hei" and "strømmen" are Norwegian; a general identifier
(lingua) judges longer messages with words we have not seen. When neither is sure, the
conversation keeps the language it has: "ok" does not switch a Norwegian chat to English.
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
        self._lingua = (
            LanguageDetectorBuilder.from_languages(*(_LINGUA[lang] for lang in self.languages))
            .with_preloaded_language_models()
            .build()
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
        if not words or self._lingua is None:
            return keep
        best, certainty = self._word_opinion(words)
        if certainty >= (FIRST_MESSAGE_CERTAINTY if first else WORDS_CERTAINTY):
            return best
        if first or len(words) >= LINGUA_MIN_WORDS:
            values = self._lingua.compute_language_confidence_values(text)
            needed = FIRST_MESSAGE_CERTAINTY if first else LINGUA_CERTAINTY
            if values and values[0].value >= needed:
                return _code(values[0].language)
        return keep

    def _word_opinion(self, words: list[str]) -> tuple[str, float]:
        """Naive Bayes over known words: the likeliest language and its posterior."""
        known = [w for w in words if any(w in c for c in self._counts.values())]
        if not known:
            return self.languages[0], 0.0
        scores = {
            lang: sum(
                math.log((self._counts[lang][w] + 1) / (self._totals[lang] + self._vocabulary_size))
                for w in known
            )
            for lang in self.languages
        }
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
