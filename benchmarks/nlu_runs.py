"""Shared steps of the NLU benchmarks: build a pipeline config, train an NLU-only model, parse.

Used by `benchmarks.public_nlu`, `benchmarks.nlu_cv` and `benchmarks.nlu_configs`; not run on
its own. Everything it writes goes under `.state/benchmarks/` (ignored by git). Trainings run
in this process with Rasa's training cache turned off, so the training time is honest.
"""

from __future__ import annotations

import logging
import os
import statistics
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from rasa.core.agent import Agent
    from rasa.shared.nlu.training_data.message import Message

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / ".state" / "benchmarks"
TOKENIZER = ROOT / ".state" / "spacy" / "nordic"
FALLBACK = "nlu_fallback"
E5_COMPONENT = "nlu.e5_featurizer.E5Featurizer"
BLEND_COMPONENT = "nlu.linear_intent.LinearIntentBlend"


@dataclass(frozen=True)
class TrainedModel:
    """An NLU-only model archive and what it cost to make."""

    path: Path
    seconds: float

    @property
    def megabytes(self) -> float:
        return self.path.stat().st_size / 1e6


@dataclass(frozen=True)
class Parse:
    """One parsed message: the bot's intent (after the FallbackClassifier), the classifier's
    own top intent and its confidence, the entities found, how long the parse took and how much
    CPU it used (all of this process's threads; unlike the wall time, barely changed by other
    work on a shared machine)."""

    intent: str
    top_intent: str
    confidence: float
    entities: list[tuple[str, str]]
    seconds: float
    cpu_seconds: float
    # With the blend's `explain` on: DIET's and the linear model's confidences before blending.
    diet: dict[str, float] | None = None
    linear: dict[str, float] | None = None
    knows_a_word: bool = True  # False: the blend judged the message mash (not understood)


def prepare_environment() -> None:
    """Quiet TensorFlow, keep Rasa's training cache out of the way, build the tokenizer."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ["RASA_MAX_CACHE_SIZE"] = "0"  # no cache: honest training times, no disk growth
    os.environ["RASA_CACHE_DIRECTORY"] = str(STATE / "rasa-cache")
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    quiet_rasa()
    if not TOKENIZER.exists():
        from stack import spacy_model

        spacy_model.build(TOKENIZER)


def quiet_rasa() -> None:
    """Warnings only: Rasa's debug log prints every message it parses."""
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)


def pipeline_config(
    *,
    language: str | None = None,
    epochs: int | None = None,
    e5: bool = False,
    explain: bool = False,
) -> dict[str, Any]:
    """The project's config.yml pipeline (no policies), optionally changed for a benchmark.

    `e5` adds the e5 sentence featurizer (nlu/e5_featurizer.py) after the last featurizer,
    right before the DIETClassifier; `explain` makes the linear intent blend output both of
    its inputs (see `blended`); nothing else changes.
    """
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    pipeline: list[dict[str, Any]] = [dict(step) for step in config["pipeline"]]
    for step in pipeline:
        if step["name"] == "SpacyNLP":
            step["model"] = str(ROOT / step["model"])
        if step["name"] == "DIETClassifier" and epochs is not None:
            step["epochs"] = epochs
        if step["name"] == BLEND_COMPONENT and explain:
            step["explain"] = True
    if e5:
        diet = next(i for i, step in enumerate(pipeline) if step["name"] == "DIETClassifier")
        pipeline.insert(diet, {"name": E5_COMPONENT})
    return {
        "recipe": config["recipe"],
        "assistant_id": config.get("assistant_id", "svar"),
        "language": language or config["language"],
        "pipeline": pipeline,
    }


def write_config(config: dict[str, Any], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), "utf-8")
    return path


def write_training_data(
    examples: Iterable[Message], path: Path, regex_features: list[dict[str, str]] | None = None
) -> Path:
    """Rasa YAML NLU data for these examples (with their entity annotations)."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
    from rasa.shared.nlu.training_data.training_data import TrainingData

    data = TrainingData(training_examples=list(examples), regex_features=regex_features or [])
    path.parent.mkdir(parents=True, exist_ok=True)
    RasaYAMLWriter().dump(path, data)
    return path


def message(text: str, intent: str) -> Message:
    from rasa.shared.nlu.training_data.message import Message

    return Message.build(text=text, intent=intent)


def train(config: Path, data: Path, out: Path, name: str) -> TrainedModel:
    """Train an NLU-only model in this process and time it."""
    from rasa.model_training import train_nlu

    started = time.perf_counter()
    model = train_nlu(str(config), str(data), str(out), fixed_model_name=name)
    seconds = time.perf_counter() - started
    if model is None:
        raise RuntimeError(f"training {name} produced no model")
    return TrainedModel(Path(model), seconds)


async def parse_all(model: Path, texts: Sequence[str]) -> list[Parse]:
    """Parse every text with the model, one message at a time as the bot does."""
    agent = await load_agent(model)
    return [await parse(agent, text) for text in texts]


async def load_agent(model: Path) -> Agent:
    """The model loaded as the bot loads it, with TensorFlow's graph built by a first parse."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    await agent.parse_message("warm-up")
    return agent


async def parse(agent: Agent, text: str) -> Parse:
    started, cpu_started = time.perf_counter(), time.process_time()
    parsed = await agent.parse_message(text)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    ranking = [r for r in parsed.get("intent_ranking") or [] if r["name"] != FALLBACK]
    top = ranking[0] if ranking else parsed["intent"]
    return Parse(
        intent=parsed["intent"]["name"],
        top_intent=top["name"],
        confidence=float(top["confidence"]),
        entities=sorted(entity_pairs(parsed)),
        seconds=seconds,
        cpu_seconds=cpu_seconds,
        diet=parsed.get("diet_intent_ranking"),
        linear=parsed.get("linear_intent_ranking"),
        knows_a_word=bool(parsed.get("knows_a_word", True)),
    )


def accuracy(truths: Sequence[str], predictions: Sequence[str]) -> float:
    return sum(t == p for t, p in zip(truths, predictions, strict=True)) / max(len(truths), 1)


def macro_f1(truths: Sequence[str], predictions: Sequence[str]) -> float:
    """F1 averaged over the true labels (a prediction outside them only costs recall)."""
    scores = []
    for label in sorted(set(truths)):
        tp = sum(t == p == label for t, p in zip(truths, predictions, strict=True))
        fp = sum(p == label != t for t, p in zip(truths, predictions, strict=True))
        fn = sum(t == label != p for t, p in zip(truths, predictions, strict=True))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return statistics.mean(scores) if scores else 0.0


@dataclass(frozen=True)
class EntityScore:
    """Entities found against those annotated, as (entity, value) pairs per message."""

    precision: float
    recall: float
    f1: float
    annotated: int


def entity_pairs(message: Message | dict[str, Any]) -> set[tuple[str, str]]:
    """(entity, value) pairs of a training example's annotations or of a parse result's finds."""
    return {(e["entity"], str(e["value"])) for e in message.get("entities") or []}


def entity_score(
    expected: Iterable[set[tuple[str, str]]], found: Iterable[set[tuple[str, str]]]
) -> EntityScore:
    hits = annotated = predicted = 0
    for truth, guess in zip(expected, found, strict=True):
        hits += len(truth & guess)
        annotated += len(truth)
        predicted += len(guess)
    precision, recall = hits / max(predicted, 1), hits / max(annotated, 1)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return EntityScore(precision, recall, f1, annotated)


def confused_pairs(
    truths: Sequence[str], predictions: Sequence[str], n: int
) -> list[tuple[str, str, int]]:
    """The commonest (true, predicted) mistakes."""
    counts = Counter((t, p) for t, p in zip(truths, predictions, strict=True) if t != p)
    return [(t, p, c) for (t, p), c in counts.most_common(n)]


def latency_ms(parses: Sequence[Parse]) -> tuple[float, float]:
    """Median and 95th percentile parse time in milliseconds."""
    times = sorted(p.seconds for p in parses)
    return statistics.median(times) * 1000, times[int(0.95 * (len(times) - 1))] * 1000


def cpu_ms(parses: Sequence[Parse]) -> float:
    """Median CPU time of a parse in milliseconds."""
    return statistics.median(p.cpu_seconds for p in parses) * 1000


def load_average() -> str:
    """The machine's load when the figures were taken (latency depends on it)."""
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


@dataclass(frozen=True)
class Blending:
    """How the pipeline turns classifier confidences into the bot's intent: the linear model's
    share of the blend, and the FallbackClassifier's two thresholds."""

    weight: float
    threshold: float
    ambiguity: float

    @classmethod
    def configured(cls) -> Blending:
        """The weight and thresholds in config.yml."""
        pipeline = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))["pipeline"]
        steps = {step["name"]: step for step in pipeline}
        fallback = steps.get("FallbackClassifier", {})
        return cls(
            weight=float(steps.get(BLEND_COMPONENT, {}).get("weight", 0.0)),
            threshold=float(fallback.get("threshold", 0.3)),
            ambiguity=float(fallback.get("ambiguity_threshold", 0.1)),
        )

    def intent(self, parse: Parse) -> str:
        """The bot's intent had the pipeline blended this way: the blend of
        nlu/linear_intent.py, then the fallback rule of Rasa's FallbackClassifier."""
        if parse.diet is None or parse.linear is None:
            raise ValueError("parse without the blend's explain output")
        from nlu.linear_intent import blend

        if not parse.knows_a_word:
            return FALLBACK
        ranked = blend(parse.diet, parse.linear, self.weight)
        best, top = ranked[0]
        second = ranked[1][1] if len(ranked) > 1 else 0.0
        if top < self.threshold or top - second < self.ambiguity:
            return FALLBACK
        return best
