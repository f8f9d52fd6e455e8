"""A second opinion on the intent: a linear model over word and character n-grams, blended
with DIET's ranking (Rasa 3.6 component).

Put it right after the DIETClassifier (with DIET's `ranking_length: 0`, so every intent has a
DIET confidence to blend with):

    - name: nlu.linear_intent.LinearIntentBlend
      weight: 0.5

With a few dozen examples per intent, a logistic regression on TF-IDF n-grams generalises to
new phrasings at least as well as DIET, and the two make different mistakes: DIET weighs the
words in context, the linear model counts what is there. Each message's intent ranking becomes
`(1 - weight) * DIET + weight * linear`, so the FallbackClassifier after it judges the blend.
DIET's entities are untouched.

A message none of whose words the training data knows, in any language, is not understood,
whatever the two models rank: keyboard mash and made-up words would otherwise get the topic
whose n-grams they happen to share. A word is known when the word vectoriser has it, or when at
least `known_word_share` of its character 3- and 4-grams occur in the training data, so typos
and missing diacritics of known words still count ("stromen", "sahkokatko"). Words shorter than
three letters, and messages with a digit (a customer number, a rating), are not judged.

The model is stored as plain arrays (vocabularies, idf weights, coefficients), not pickles, so
loading a model file cannot run code.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

log = logging.getLogger(__name__)

RANKING_LENGTH = 10
_FILE = "linear_intent.npz"
_LETTERS = re.compile(r"[^\W\d_]+")
_DIGIT = re.compile(r"\d")
# The n-grams a word's known share is measured with, and the shortest word judged.
_KNOWN_NGRAMS = (3, 4)
_SHORTEST_JUDGED = 3


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LinearIntentBlend(IntentClassifier, GraphComponent):  # type: ignore[misc]
    """Blends DIET's intent ranking with a TF-IDF logistic regression's."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            # The linear model's share of the blended confidence (0: DIET alone, 1: linear alone).
            "weight": 0.5,
            # Inverse regularisation strength of the logistic regression.
            "C": 20.0,
            "char_ngrams": [1, 4],
            "word_ngrams": [1, 2],
            # A word is known when this share of its character 3- and 4-grams is (0: off).
            "known_word_share": 0.5,
            # Also output both rankings before blending (`diet_intent_ranking`,
            # `linear_intent_ranking`) and `knows_a_word`, so a benchmark can compare weights
            # from one training.
            "explain": False,
        }

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str:
        # Rasa's training cache fingerprints this class's source only; the model code below it
        # (LinearModel, the vectorisers) must retrain the component when it changes too.
        return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        if not 0.0 <= float(config["weight"]) <= 1.0:
            raise InvalidConfigException("LinearIntentBlend: weight must be between 0 and 1")
        if not 0.0 <= float(config["known_word_share"]) <= 1.0:
            raise InvalidConfigException("LinearIntentBlend: known_word_share must be 0 to 1")
        if float(config["C"]) <= 0:
            raise InvalidConfigException("LinearIntentBlend: C must be positive")

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: LinearModel | None = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self.validate_config(self.config)
        self._storage = model_storage
        self._resource = resource
        self.model = model

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LinearIntentBlend:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT)]
        if len({m.get(INTENT) for m in examples}) < 2:
            log.warning("LinearIntentBlend: fewer than two intents to learn; it will pass through")
            return self._resource
        self.model = LinearModel.fit(
            [m.get(TEXT) for m in examples],
            [m.get(INTENT) for m in examples],
            c=float(self.config["C"]),
            char_ngrams=tuple(self.config["char_ngrams"]),
            word_ngrams=tuple(self.config["word_ngrams"]),
        )
        with self._storage.write_to(self._resource) as folder:
            self.model.save(folder / _FILE)
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LinearIntentBlend:
        try:
            with model_storage.read_from(resource) as folder:
                model = LinearModel.load(folder / _FILE)
        except (ValueError, FileNotFoundError):
            log.warning("LinearIntentBlend: no trained model stored; it will pass through")
            model = None
        return cls(config, model_storage, resource, model)

    def process(self, messages: list[Message]) -> list[Message]:
        if self.model is None:
            return messages
        texts = [m.get(TEXT) or "" for m in messages]
        linear = self.model.probabilities(texts)
        weight = float(self.config["weight"])
        share = float(self.config["known_word_share"])
        for message, row in zip(messages, linear, strict=True):
            diet = {
                r[INTENT_NAME_KEY]: float(r[PREDICTED_CONFIDENCE_KEY])
                for r in message.get("intent_ranking") or []
            }
            own = dict(zip(self.model.classes, map(float, row), strict=True))
            known = not share or self.model.knows_a_word(message.get(TEXT) or "", share)
            if self.config["explain"]:
                message.set("diet_intent_ranking", diet, add_to_output=True)
                message.set("linear_intent_ranking", own, add_to_output=True)
                message.set("knows_a_word", known, add_to_output=True)
            if known:
                ranking = [
                    {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}
                    for name, confidence in blend(diet, own, weight)[:RANKING_LENGTH]
                ]
            else:  # no topic to suggest either: its n-grams say nothing about one
                ranking = [
                    {
                        INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME,
                        PREDICTED_CONFIDENCE_KEY: 1.0,
                    }
                ]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set("intent_ranking", ranking, add_to_output=True)
        return messages


def blend(
    diet: Mapping[str, float], linear: Mapping[str, float], weight: float
) -> list[tuple[str, float]]:
    """Every intent with `(1 - weight) * DIET + weight * linear` confidence, likeliest first."""
    blended = {
        name: (1 - weight) * diet.get(name, 0.0) + weight * linear.get(name, 0.0)
        for name in diet.keys() | linear.keys()
    }
    return sorted(blended.items(), key=lambda item: (-item[1], item[0]))  # ties: by name


@dataclass
class LinearModel:
    """Two TF-IDF vectorisers (character n-grams within words, and word n-grams) and a
    multinomial logistic regression over both."""

    chars: TfidfVectorizer
    words: TfidfVectorizer
    classifier: LogisticRegression

    @property
    def classes(self) -> list[str]:
        return [str(c) for c in self.classifier.classes_]

    @classmethod
    def fit(
        cls,
        texts: list[str],
        intents: list[str],
        *,
        c: float,
        char_ngrams: tuple[int, int],
        word_ngrams: tuple[int, int],
    ) -> LinearModel:
        chars = _vectorizer("char_wb", char_ngrams)
        words = _vectorizer("word", word_ngrams)
        features = scipy.sparse.hstack([chars.fit_transform(texts), words.fit_transform(texts)])
        classifier = LogisticRegression(C=c, max_iter=2000)
        classifier.fit(features.tocsr(), intents)
        return cls(chars, words, classifier)

    def probabilities(self, texts: list[str]) -> npt.NDArray[np.float64]:
        features = scipy.sparse.hstack([self.chars.transform(texts), self.words.transform(texts)])
        return np.asarray(self.classifier.predict_proba(features.tocsr()), dtype=np.float64)

    def knows_a_word(self, text: str, share: float) -> bool:
        """Whether the message has a word the training data knows, or is not one to judge: it
        has a digit, or no word of three letters or more."""
        if _DIGIT.search(text):
            return True
        judged = [w for w in _LETTERS.findall(text.lower()) if len(w) >= _SHORTEST_JUDGED]
        return not judged or any(self._known(word, share) for word in judged)

    def _known(self, word: str, share: float) -> bool:
        if word in self.words.vocabulary_:
            return True
        padded = f" {word} "  # as the char_wb vectoriser pads words
        grams = [padded[i : i + n] for n in _KNOWN_NGRAMS for i in range(len(padded) - n + 1)]
        known = sum(gram in self.chars.vocabulary_ for gram in grams)
        return known >= share * len(grams)

    def save(self, path: Any) -> None:
        np.savez_compressed(
            path,
            settings=np.array(
                json.dumps(
                    {
                        "chars": {
                            "vocabulary": _vocabulary(self.chars),
                            "ngrams": self.chars.ngram_range,
                        },
                        "words": {
                            "vocabulary": _vocabulary(self.words),
                            "ngrams": self.words.ngram_range,
                        },
                        "classes": self.classes,
                    }
                )
            ),
            chars_idf=self.chars.idf_,
            words_idf=self.words.idf_,
            coef=self.classifier.coef_,
            intercept=self.classifier.intercept_,
        )

    @classmethod
    def load(cls, path: Any) -> LinearModel:
        with np.load(path, allow_pickle=False) as stored:
            settings = json.loads(str(stored["settings"]))
            chars = _restored("char_wb", settings["chars"], stored["chars_idf"])
            words = _restored("word", settings["words"], stored["words_idf"])
            classifier = LogisticRegression()
            classifier.classes_ = np.array(settings["classes"])
            # Column-major, so the per-message product with `coef_.T` needs no copy of the
            # whole weight matrix (intents x n-grams): 4x faster per parse, measured.
            classifier.coef_ = np.asfortranarray(stored["coef"])
            classifier.intercept_ = stored["intercept"]
        return cls(chars, words, classifier)


def _vectorizer(analyzer: str, ngrams: tuple[int, int], **kwargs: Any) -> TfidfVectorizer:
    # Sublinear counts: a word said twice is not twice the evidence.
    return TfidfVectorizer(
        analyzer=analyzer, ngram_range=tuple(ngrams), sublinear_tf=True, lowercase=True, **kwargs
    )


def _vocabulary(vectorizer: TfidfVectorizer) -> dict[str, int]:
    return {term: int(index) for term, index in vectorizer.vocabulary_.items()}


def _restored(
    analyzer: str, settings: dict[str, Any], idf: npt.NDArray[np.float64]
) -> TfidfVectorizer:
    vectorizer = _vectorizer(analyzer, tuple(settings["ngrams"]), vocabulary=settings["vocabulary"])
    vectorizer.idf_ = idf
    vectorizer.vocabulary_ = vectorizer.vocabulary  # as fitting leaves it, for knows_a_word
    return vectorizer
