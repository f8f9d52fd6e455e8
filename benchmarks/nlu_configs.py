"""Two NLU pipelines side by side on the held-out set: config.yml as it is, and with e5.

Copies the project's NLU data (data/nlu/, both languages and regex.yml) once, trains an
NLU-only model per variant on that same copy, parses every message of
benchmarks/nlu_heldout/<lang>.yml (never trained or tuned on) and prints per language:
intent accuracy, macro F1, fallback rate, accuracy when answering, entity F1 and parse
latency, plus each variant's training time and model size. The variant configs are written to
.state/benchmarks/config_<variant>.yml; the project's config.yml is not touched. Long (two
trainings); run it nice'd:

    nice -n 10 .venv/bin/python -m benchmarks.nlu_configs [--variants baseline e5] [--seed 7]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks import nlu_runs

HELDOUT = nlu_runs.ROOT / "benchmarks" / "nlu_heldout"
LANGUAGES = ("nb", "en")
VARIANTS = ("baseline", "e5")


@dataclass(frozen=True)
class LanguageFigures:
    accuracy: float
    macro_f1: float
    fallback_rate: float
    accuracy_when_answering: float
    entity_f1: float
    parse_median_ms: float
    parse_p95_ms: float
    confusions: list[tuple[str, str, int]]


@dataclass(frozen=True)
class VariantFigures:
    variant: str
    training_seconds: float
    model_mb: float
    languages: dict[str, LanguageFigures]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", nargs="+", choices=VARIANTS, default=list(VARIANTS))
    parser.add_argument("--seed", type=int, help="DIETClassifier random_seed (default: config's)")
    parser.add_argument("--epochs", type=int, help="override DIETClassifier epochs (smoke run)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    nlu_runs.prepare_environment()
    work = (
        nlu_runs.STATE / "configs" / f"seed{args.seed}" if args.seed else nlu_runs.STATE / "configs"
    )
    snapshot = work / "data"
    if snapshot.exists():
        shutil.rmtree(snapshot)
    shutil.copytree(nlu_runs.ROOT / "data" / "nlu", snapshot)
    figures = [run(variant, snapshot, work, args.seed, args.epochs) for variant in args.variants]
    report(figures)
    out = (
        nlu_runs.STATE / "results" / f"configs{'-seed' + str(args.seed) if args.seed else ''}.json"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps([asdict(f) for f in figures], indent=2))


def run(
    variant: str, data: Path, work: Path, seed: int | None, epochs: int | None
) -> VariantFigures:
    config = nlu_runs.pipeline_config(epochs=epochs, e5=variant == "e5")
    if seed is not None:
        for step in config["pipeline"]:
            if step["name"] == "DIETClassifier":
                step["random_seed"] = seed
    path = nlu_runs.write_config(config, nlu_runs.STATE / f"config_{variant}.yml")
    print(f"== {variant}: training ({path.relative_to(nlu_runs.ROOT)})", flush=True)
    model = nlu_runs.train(path, data, work / "models", variant)
    return VariantFigures(
        variant,
        model.seconds,
        model.megabytes,
        {language: asyncio.run(evaluate(model.path, language)) for language in LANGUAGES},
    )


async def evaluate(model: Path, language: str) -> LanguageFigures:
    from rasa.shared.nlu.training_data.loading import load_data

    examples = load_data(str(HELDOUT / f"{language}.yml")).intent_examples
    parses = await nlu_runs.parse_all(model, [e.get("text") for e in examples])
    truths = [e.get("intent") for e in examples]
    predictions = [p.intent for p in parses]
    answered = [(t, p) for t, p in zip(truths, predictions, strict=True) if p != nlu_runs.FALLBACK]
    hits = found = expected = 0
    for example, parse in zip(examples, parses, strict=True):
        truth = {(e["entity"], str(e["value"])) for e in example.get("entities") or []}
        hits += len(truth & set(parse.entities))
        found += len(parse.entities)
        expected += len(truth)
    precision, recall = hits / max(found, 1), hits / max(expected, 1)
    median, p95 = nlu_runs.latency_ms(parses)
    return LanguageFigures(
        accuracy=nlu_runs.accuracy(truths, predictions),
        macro_f1=nlu_runs.macro_f1(truths, predictions),
        fallback_rate=1 - len(answered) / len(truths),
        accuracy_when_answering=sum(t == p for t, p in answered) / max(len(answered), 1),
        entity_f1=2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        parse_median_ms=median,
        parse_p95_ms=p95,
        confusions=nlu_runs.confused_pairs(truths, predictions, 5),
    )


def report(figures: list[VariantFigures]) -> None:
    print(f"\nheld-out set, {nlu_runs.load_average()}")
    header = f"{'':<28}" + "".join(f"{f.variant:>14}" for f in figures)
    print(header)
    print(f"{'training time (s)':<28}" + "".join(f"{f.training_seconds:>14.0f}" for f in figures))
    print(f"{'model size (MB)':<28}" + "".join(f"{f.model_mb:>14.1f}" for f in figures))
    rows = [
        ("intent accuracy", "accuracy", "{:>14.3f}"),
        ("macro F1", "macro_f1", "{:>14.3f}"),
        ("fallback rate", "fallback_rate", "{:>14.3f}"),
        ("accuracy when answering", "accuracy_when_answering", "{:>14.3f}"),
        ("entity F1", "entity_f1", "{:>14.3f}"),
        ("parse median (ms)", "parse_median_ms", "{:>14.1f}"),
        ("parse p95 (ms)", "parse_p95_ms", "{:>14.1f}"),
    ]
    for language in LANGUAGES:
        print(f"[{language}]")
        for label, key, fmt in rows:
            values = [getattr(f.languages[language], key) for f in figures]
            print(f"  {label:<26}" + "".join(fmt.format(v) for v in values))
    for f in figures:
        for language in LANGUAGES:
            print(
                f"{f.variant} [{language}] commonest confusions: "
                + ", ".join(f"{t}→{p} ×{c}" for t, p, c in f.languages[language].confusions)
            )


if __name__ == "__main__":
    main()
