"""Two NLU pipelines side by side on the held-out set: config.yml as it is, and with e5.

Copies the project's NLU data (data/nlu/, both languages and regex.yml) once, trains an
NLU-only model per variant on that same copy, parses every message of
benchmarks/nlu_heldout/<lang>.yml (never trained or tuned on) and prints per language:
intent accuracy, macro F1, fallback rate, accuracy when answering, entity F1 and parse
latency, plus each variant's training time and model size. Each message goes to every variant
in turn, so all meet the same load. The variant configs are written to
.state/benchmarks/config_<variant>.yml; the project's config.yml is not touched. Training is
long (two trainings): run it nice'd; then measure latency again without nice, as a nice'd
process waits behind everyone else's work:

    nice -n 10 .venv/bin/python -m benchmarks.nlu_configs [--variants baseline e5] [--seed N]
        [--epochs N]
    .venv/bin/python -m benchmarks.nlu_configs --no-train
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks import nlu_runs

if TYPE_CHECKING:
    from rasa.shared.nlu.training_data.message import Message

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
    parse_cpu_median_ms: float
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
    parser.add_argument(
        "--no-train", action="store_true", help="evaluate the models the last run trained"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    nlu_runs.prepare_environment()
    work = nlu_runs.STATE / "configs" / (f"seed{args.seed}" if args.seed else "default")
    if not args.no_train:
        snapshot = work / "data"
        if snapshot.exists():
            shutil.rmtree(snapshot)
        shutil.copytree(nlu_runs.ROOT / "data" / "nlu", snapshot)
        for variant in args.variants:
            train(variant, snapshot, work, args.seed, args.epochs)
    figures = asyncio.run(evaluate(args.variants, work))
    report(figures)
    out = nlu_runs.STATE / "results" / f"configs-{work.name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps([asdict(f) for f in figures], indent=2))


def train(variant: str, data: Path, work: Path, seed: int | None, epochs: int | None) -> None:
    config = nlu_runs.pipeline_config(epochs=epochs, e5=variant == "e5")
    if seed is not None:
        for step in config["pipeline"]:
            if step["name"] == "DIETClassifier":
                step["random_seed"] = seed
    path = nlu_runs.write_config(config, nlu_runs.STATE / f"config_{variant}.yml")
    print(f"== {variant}: training ({path.relative_to(nlu_runs.ROOT)})", flush=True)
    model = nlu_runs.train(path, data, work / "models", variant)
    (work / "models" / f"{variant}.json").write_text(json.dumps({"seconds": model.seconds}))


async def evaluate(variants: list[str], work: Path) -> list[VariantFigures]:
    """Parse each held-out message with every variant in turn, so that all of them meet the
    same load on the machine and their latencies can be compared."""
    from rasa.shared.nlu.training_data.loading import load_data

    models = {v: nlu_runs.TrainedModel(work / "models" / f"{v}.tar.gz", 0.0) for v in variants}
    agents = {v: await nlu_runs.load_agent(m.path) for v, m in models.items()}
    figures: dict[str, dict[str, LanguageFigures]] = {v: {} for v in variants}
    for language in LANGUAGES:
        examples = load_data(str(HELDOUT / f"{language}.yml")).intent_examples
        parses: dict[str, list[nlu_runs.Parse]] = {v: [] for v in variants}
        for example in examples:
            for variant, agent in agents.items():
                parses[variant].append(await nlu_runs.parse(agent, example.get("text")))
        for variant in variants:
            figures[variant][language] = language_figures(examples, parses[variant])
    return [
        VariantFigures(
            variant,
            json.loads((work / "models" / f"{variant}.json").read_text())["seconds"],
            models[variant].megabytes,
            figures[variant],
        )
        for variant in variants
    ]


def language_figures(examples: list[Message], parses: list[nlu_runs.Parse]) -> LanguageFigures:
    truths = [e.get("intent") for e in examples]
    predictions = [p.intent for p in parses]
    answered = [(t, p) for t, p in zip(truths, predictions, strict=True) if p != nlu_runs.FALLBACK]
    entities = nlu_runs.entity_score(
        map(nlu_runs.entity_pairs, examples), (set(p.entities) for p in parses)
    )
    median, p95 = nlu_runs.latency_ms(parses)
    return LanguageFigures(
        accuracy=nlu_runs.accuracy(truths, predictions),
        macro_f1=nlu_runs.macro_f1(truths, predictions),
        fallback_rate=1 - len(answered) / len(truths),
        accuracy_when_answering=sum(t == p for t, p in answered) / max(len(answered), 1),
        entity_f1=entities.f1,
        parse_median_ms=median,
        parse_p95_ms=p95,
        parse_cpu_median_ms=nlu_runs.cpu_ms(parses),
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
        ("parse CPU median (ms)", "parse_cpu_median_ms", "{:>14.1f}"),
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
