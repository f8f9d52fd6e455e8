"""The linear intent model learns from the examples, survives a save and load unchanged, and
blends its ranking with DIET's by the configured weight."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from benchmarks.nlu_runs import Blending, Parse
from nlu.linear_intent import LinearIntentBlend, LinearModel

EXAMPLES = {
    "power_outage": ["strømmen er borte", "no power at home", "strommen gikk nettopp", "power cut"],
    "invoice_missing": ["fikk ikke regningen", "my bill never came", "send kopi av faktura"],
    "greet": ["hei", "hello", "god morgen", "hi there"],
}


def training_data() -> TrainingData:
    return TrainingData(
        [Message.build(text=t, intent=i) for i, texts in EXAMPLES.items() for t in texts]
    )


@functools.cache
def fitted() -> LinearModel:
    texts = [t for texts in EXAMPLES.values() for t in texts]
    intents = [i for i, texts in EXAMPLES.items() for _ in texts]
    return LinearModel.fit(texts, intents, c=20.0, char_ngrams=(1, 4), word_ngrams=(1, 2))


def test_the_linear_model_puts_a_new_phrasing_in_the_right_intent() -> None:
    model = fitted()
    [row] = model.probabilities(["strommen e borte igjen"])
    assert model.classes[int(np.argmax(row))] == "power_outage"
    assert row.sum() == pytest.approx(1.0)


def test_a_saved_model_loads_with_the_same_probabilities(tmp_path: Path) -> None:
    model = fitted()
    model.save(tmp_path / "model.npz")
    loaded = LinearModel.load(tmp_path / "model.npz")
    texts = ["hei der", "the bill did not come", "ingen strøm", ""]
    assert loaded.classes == model.classes
    assert np.allclose(loaded.probabilities(texts), model.probabilities(texts))


def test_a_loaded_model_multiplies_by_its_weights_without_copying_them(tmp_path: Path) -> None:
    fitted().save(tmp_path / "model.npz")
    loaded = LinearModel.load(tmp_path / "model.npz")
    # scikit-learn multiplies the features by coef_.T; laid out otherwise, every parse copies it.
    assert loaded.classifier.coef_.T.flags["C_CONTIGUOUS"]


def test_the_blend_weighs_diet_and_the_linear_model_by_the_configured_weight(
    tmp_path: Path,
) -> None:
    storage = LocalModelStorage(tmp_path)
    resource = Resource("linear")
    blend = LinearIntentBlend({"weight": 0.25}, storage, resource)
    blend.train(training_data())
    message = Message.build(text="strommen e borte igjen")
    # DIET, before the blend, is sure it is a greeting.
    message.set("intent_ranking", [{"name": "greet", "confidence": 1.0}])
    [linear] = blend.model.probabilities(["strommen e borte igjen"])  # type: ignore[union-attr]
    by_name = dict(zip(blend.model.classes, linear, strict=True))  # type: ignore[union-attr]

    blend.process([message])

    ranking = {r["name"]: r["confidence"] for r in message.get("intent_ranking")}
    assert ranking["greet"] == pytest.approx(0.75 + 0.25 * by_name["greet"])
    assert ranking["power_outage"] == pytest.approx(0.25 * by_name["power_outage"])
    assert message.get("intent")["name"] == "greet"


def test_a_trained_blend_is_stored_and_loaded_from_the_model_storage(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    resource = Resource("linear")
    LinearIntentBlend({"weight": 1.0}, storage, resource).train(training_data())
    loaded = LinearIntentBlend.load({"weight": 1.0}, storage, resource, execution_context=None)  # type: ignore[arg-type]
    message = Message.build(text="fikk ikke regninga")
    loaded.process([message])
    assert message.get("intent")["name"] == "invoice_missing"


def test_with_nothing_stored_or_one_intent_to_learn_diet_ranking_passes_through(
    tmp_path: Path,
) -> None:
    storage = LocalModelStorage(tmp_path)
    never_trained = LinearIntentBlend.load({}, storage, Resource("nothing"), execution_context=None)  # type: ignore[arg-type]
    one_intent = LinearIntentBlend({}, storage, Resource("one"))
    one_intent.train(TrainingData([Message.build(text="hei", intent="greet")]))
    for blend in (never_trained, one_intent):
        message = Message.build(text="strømmen er borte")
        diet = [{"name": "power_outage", "confidence": 0.7}, {"name": "greet", "confidence": 0.3}]
        message.set("intent_ranking", diet)
        blend.process([message])
        assert message.get("intent_ranking") == diet


def test_a_message_with_no_word_the_training_data_knows_is_not_understood(
    tmp_path: Path,
) -> None:
    blend = LinearIntentBlend({"weight": 0.6}, LocalModelStorage(tmp_path), Resource("l"))
    blend.train(training_data())
    for text in ["asdf qwer zxcv uiop", "xyzzy plugh", "Qwqwq!"]:
        message = Message.build(text=text)
        message.set("intent_ranking", [{"name": "greet", "confidence": 0.9}])
        blend.process([message])
        assert message.get("intent") == {"name": "nlu_fallback", "confidence": 1.0}, text
        assert message.get("intent_ranking") == [message.get("intent")]


@pytest.mark.parametrize(
    "text",
    [
        "strommen e borte",  # without ø, and a word it never saw
        "strømmen er vekk",
        "regningene",
        "HEI!",
        "hei asdf qwer",  # one known word is enough
        "ok",  # too short to judge
        "👍",
        "12345678",  # a number: a customer number, a postal code
        "asdf 1234",
        "",
    ],
)
def test_typos_short_words_and_numbers_are_not_taken_for_mash(text: str) -> None:
    assert fitted().knows_a_word(text, 0.5)


def test_with_known_word_share_zero_every_message_is_blended(tmp_path: Path) -> None:
    blend = LinearIntentBlend({"known_word_share": 0.0}, LocalModelStorage(tmp_path), Resource("l"))
    blend.train(training_data())
    message = Message.build(text="asdf qwer zxcv uiop")
    message.set("intent_ranking", [{"name": "greet", "confidence": 0.9}])
    blend.process([message])
    assert message.get("intent")["name"] != "nlu_fallback"


# Letters no training example has: no n-gram of a word made of them can be known.
UNSEEN_LETTERS = "jqxzäåæö"
KNOWN_WORDS = sorted({w for ts in EXAMPLES.values() for t in ts for w in t.split() if len(w) > 2})


@settings(deadline=None)
@given(st.lists(st.text(UNSEEN_LETTERS, min_size=3, max_size=12), min_size=1, max_size=5))
def test_words_of_letters_the_training_data_never_had_are_mash(words: list[str]) -> None:
    assert not fitted().knows_a_word(" ".join(words), 0.5)


@settings(deadline=None)
@given(
    st.lists(st.text(UNSEEN_LETTERS, min_size=3, max_size=12), max_size=4),
    st.sampled_from(KNOWN_WORDS),
    st.integers(0, 4),
)
def test_a_known_word_among_mash_is_always_enough(mash: list[str], known: str, where: int) -> None:
    mash.insert(where, known)
    assert fitted().knows_a_word(" ".join(mash), 0.5)


@pytest.mark.parametrize(
    "config", [{"weight": 1.5}, {"weight": -0.1}, {"C": 0}, {"known_word_share": 1.5}]
)
def test_a_weight_or_share_outside_0_to_1_or_a_non_positive_c_is_refused(config: dict) -> None:
    with pytest.raises(InvalidConfigException):
        LinearIntentBlend.validate_config({**LinearIntentBlend.get_default_config(), **config})


@pytest.mark.parametrize(
    "diet", [{"greet": 0.9, "power_outage": 0.1}, {"greet": 0.5, "invoice_missing": 0.5}]
)
@pytest.mark.parametrize("threshold", [0.25, 0.55])
def test_the_cross_validation_benchmark_blends_and_falls_back_as_the_pipeline_does(
    tmp_path: Path, diet: dict[str, float], threshold: float
) -> None:
    blend = LinearIntentBlend(
        {"weight": 0.6, "explain": True}, LocalModelStorage(tmp_path), Resource("l")
    )
    blend.train(training_data())
    fallback = FallbackClassifier({"threshold": threshold, "ambiguity_threshold": 0.05})
    for text in ["strommen e borte", "hei", "regning", "xq", "asdf qwer zxcv"]:
        message = Message.build(text=text)
        message.set("intent_ranking", [{"name": n, "confidence": c} for n, c in diet.items()])
        fallback.process(blend.process([message]))
        output = message.as_dict(only_output_properties=True)
        parse = Parse(
            intent=output["intent"]["name"], top_intent="", confidence=0.0, entities=[],
            seconds=0.0, cpu_seconds=0.0,
            diet=output["diet_intent_ranking"], linear=output["linear_intent_ranking"],
            knows_a_word=output["knows_a_word"],
        )  # fmt: skip
        assert Blending(0.6, threshold, 0.05).intent(parse) == parse.intent
