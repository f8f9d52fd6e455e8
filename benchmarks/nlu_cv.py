"""Cross-validation of the project's own NLU training data, one language at a time.

For each language, splits data/nlu/<lang>/ into k stratified folds (seeded), trains config.yml's
pipeline (with data/nlu/regex.yml) on k-1 folds and parses the held-back fold, and prints over
all folds: intent accuracy and macro F1 as the bot answers (nlu_fallback counts as wrong) and
as the classifier ranks, the fallback rate, entity F1 and the worst confused pairs. It measures
how consistent the training data is with itself; benchmarks.nlu_accuracy measures
generalisation to new customers. `--with-other-languages` adds every other language's data to each training
fold, as in the bot's one multilingual model: fold i of every language is held back
together, so k trainings test all four languages. With the linear intent blend in the pipeline it
also prints, from the same parses, the accuracy and fallback rate of other blend weights and
fallback thresholds, DIET alone among them: the configured ones were chosen from this table.
k trainings per language (k in all with `--with-other-languages`); run it nice'd:

    nice -n 10 .venv/bin/python -m benchmarks.nlu_cv [--folds 5] [--languages fi sv] [--epochs N]
        [--with-other-languages]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from benchmarks import nlu_runs

if TYPE_CHECKING:
    from rasa.shared.nlu.training_data.message import Message

SEED = 7
# The grid the blend weight and the fallback thresholds (threshold, ambiguity) are chosen from.
WEIGHTS = (0.0, 0.5, 0.6, 0.75, 1.0)
THRESHOLDS = ((0.55, 0.08), (0.4, 0.08), (0.3, 0.05), (0.25, 0.05), (0.2, 0.03))


@dataclass(frozen=True)
class LanguageCV:
    language: str
    folds: int
    examples: int
    accuracy: float
    macro_f1: float
    classifier_accuracy: float
    classifier_macro_f1: float
    fallback_rate: float
    mash_rate: float  # judged keyboard mash by the blend: no word the training data knows
    entity_f1: float
    entities_annotated: int
    training_seconds_per_fold: float
    worst_pairs: list[tuple[str, str, int, int]]  # intent a, intent b, a→b, b→a
    # Other blends of the same trainings: (weight, threshold, ambiguity, accuracy, fallback).
    blends: list[tuple[float, float, float, float, float]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument(
        "--languages",
        nargs="+",
        default=sorted(p.name for p in (nlu_runs.ROOT / "data" / "nlu").iterdir() if p.is_dir()),
        help="default: every language data/nlu/ has (nb, en, fi, sv)",
    )
    parser.add_argument("--epochs", type=int, help="override DIETClassifier epochs")
    parser.add_argument(
        "--with-other-languages",
        action="store_true",
        help="also train every fold on all the other languages' data, as the bot's model is",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    nlu_runs.prepare_environment()
    if args.with_other_languages:
        results = cross_validate_together(args.languages, args.folds, args.epochs)
    else:
        results = [cross_validate(lang, args.folds, args.epochs) for lang in args.languages]
    scope = ", other languages in every training fold" if args.with_other_languages else ""
    print(f"\n{args.folds}-fold cross-validation of data/nlu{scope} ({nlu_runs.load_average()})")
    for r in results:
        report(r)
    suffix = "-multilingual" if args.with_other_languages else ""
    out = nlu_runs.STATE / "results" / f"cv-{args.folds}fold{suffix}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps([asdict(r) for r in results], indent=2))


def cross_validate(language: str, k: int, epochs: int | None) -> LanguageCV:
    """k trainings on this language's data alone."""
    from rasa.shared.nlu.training_data.loading import load_data

    nlu = nlu_runs.ROOT / "data" / "nlu"
    examples = load_data(str(nlu / language)).intent_examples
    runs = _run_folds(language, {language: examples}, k, epochs)
    return _language_result(language, k, len(examples), runs[language])


def cross_validate_together(languages: list[str], k: int, epochs: int | None) -> list[LanguageCV]:
    """k trainings on every language's data, as the bot's one model is trained: fold i of
    each language is held back together, so each training tests all languages at once."""
    from rasa.shared.nlu.training_data.loading import load_data

    nlu = nlu_runs.ROOT / "data" / "nlu"
    data = {
        folder.name: load_data(str(folder)).intent_examples
        for folder in sorted(nlu.iterdir())
        if folder.is_dir()
    }
    runs = _run_folds("multilingual", data, k, epochs)
    return [_language_result(lang, k, len(data[lang]), runs[lang]) for lang in languages]


@dataclass
class _FoldRuns:
    """One language's held-back examples over all folds, and what the models made of them."""

    truths: list[str]
    entities: list[set[tuple[str, str]]]
    parses: list[nlu_runs.Parse]
    seconds: float


def _run_folds(
    name: str, data: dict[str, list[Message]], k: int, epochs: int | None
) -> dict[str, _FoldRuns]:
    from rasa.shared.nlu.training_data.loading import load_data

    regexes = load_data(str(nlu_runs.ROOT / "data" / "nlu" / "regex.yml")).regex_features
    work = nlu_runs.STATE / "cv" / name
    config = nlu_runs.write_config(
        nlu_runs.pipeline_config(epochs=epochs, explain=True), work / "config.yml"
    )
    splits = {lang: stratified_folds(examples, k) for lang, examples in data.items()}
    runs = {lang: _FoldRuns([], [], [], 0.0) for lang in data}
    for fold in range(k):
        train = [m for lang in data for m in splits[lang][fold][0]]
        tests = {lang: splits[lang][fold][1] for lang in data}
        print(
            f"== {name} fold {fold + 1}/{k}: {len(train)} train, "
            f"{sum(map(len, tests.values()))} test",
            flush=True,
        )
        training = nlu_runs.write_training_data(train, work / f"fold{fold}.yml", regexes)
        model = nlu_runs.train(config, training, work / "models", f"fold{fold}")
        texts = [m.get("text") for lang in data for m in tests[lang]]
        parses = iter(asyncio.run(nlu_runs.parse_all(model.path, texts)))
        for lang, test in tests.items():
            runs[lang].truths += [m.get("intent") for m in test]
            runs[lang].entities += [nlu_runs.entity_pairs(m) for m in test]
            runs[lang].parses += [next(parses) for _ in test]
            runs[lang].seconds += model.seconds
    return runs


def _language_result(language: str, k: int, examples: int, runs: _FoldRuns) -> LanguageCV:
    truths, parses = runs.truths, runs.parses
    bot = [p.intent for p in parses]
    classifier = [p.top_intent for p in parses]
    entities = nlu_runs.entity_score(runs.entities, (set(p.entities) for p in parses))
    return LanguageCV(
        language=language,
        folds=k,
        examples=examples,
        accuracy=nlu_runs.accuracy(truths, bot),
        macro_f1=nlu_runs.macro_f1(truths, bot),
        classifier_accuracy=nlu_runs.accuracy(truths, classifier),
        classifier_macro_f1=nlu_runs.macro_f1(truths, classifier),
        fallback_rate=sum(p == nlu_runs.FALLBACK for p in bot) / len(bot),
        mash_rate=sum(not p.knows_a_word for p in parses) / len(parses),
        entity_f1=entities.f1,
        entities_annotated=entities.annotated,
        training_seconds_per_fold=runs.seconds / k,
        worst_pairs=worst_pairs(truths, classifier, 8),
        blends=other_blends(truths, parses),
    )


def other_blends(
    truths: list[str], parses: list[nlu_runs.Parse]
) -> list[tuple[float, float, float, float, float]]:
    """Accuracy and fallback rate for other blend weights (0: DIET alone, 1: the linear model
    alone) and fallback thresholds, computed from the same parses: what the configured ones
    were chosen from."""
    if any(p.diet is None or p.linear is None for p in parses):
        return []  # the pipeline has no linear intent blend
    configured = nlu_runs.Blending.configured()
    weights = sorted({*WEIGHTS, configured.weight})
    thresholds = sorted({*THRESHOLDS, (configured.threshold, configured.ambiguity)}, reverse=True)
    rows = []
    for weight in weights:
        for threshold, ambiguity in thresholds:
            blending = nlu_runs.Blending(weight, threshold, ambiguity)
            intents = [blending.intent(p) for p in parses]
            rows.append(
                (
                    weight,
                    threshold,
                    ambiguity,
                    nlu_runs.accuracy(truths, intents),
                    sum(i == nlu_runs.FALLBACK for i in intents) / len(intents),
                )
            )
    return rows


def stratified_folds(examples: list[Message], k: int) -> list[tuple[list[Message], list[Message]]]:
    """k (train, test) splits; each intent's examples are shuffled and dealt round the folds."""
    by_intent: dict[str, list[Message]] = defaultdict(list)
    for example in examples:
        by_intent[example.get("intent")].append(example)
    rng = random.Random(SEED)
    fold_of: dict[int, int] = {}
    offset = 0
    for intent in sorted(by_intent):
        group = by_intent[intent]
        rng.shuffle(group)
        for i, example in enumerate(group):
            fold_of[id(example)] = (offset + i) % k
        offset += len(group)
    return [
        (
            [e for e in examples if fold_of[id(e)] != fold],
            [e for e in examples if fold_of[id(e)] == fold],
        )
        for fold in range(k)
    ]


def worst_pairs(
    truths: list[str], predictions: list[str], n: int
) -> list[tuple[str, str, int, int]]:
    """The pairs of intents mixed up most often, counting both directions."""
    directed = Counter((t, p) for t, p in zip(truths, predictions, strict=True) if t != p)
    pairs: Counter[tuple[str, str]] = Counter()
    for (t, p), count in directed.items():
        pairs[(min(t, p), max(t, p))] += count
    return [(a, b, directed[(a, b)], directed[(b, a)]) for (a, b), _ in pairs.most_common(n)]


def report(r: LanguageCV) -> None:
    print(
        f"\n[{r.language}] {r.examples} examples, {r.folds} folds, "
        f"training {r.training_seconds_per_fold:.0f} s per fold"
    )
    print(
        f"  bot (with fallback):  accuracy {r.accuracy:.3f}  macro F1 {r.macro_f1:.3f}  "
        f"fallback {r.fallback_rate:.3f} (of which judged mash {r.mash_rate:.3f})"
    )
    print(
        f"  classifier top-1:     accuracy {r.classifier_accuracy:.3f}  "
        f"macro F1 {r.classifier_macro_f1:.3f}"
    )
    print(f"  entities:             F1 {r.entity_f1:.3f} ({r.entities_annotated} annotated)")
    print("  worst confused pairs (classifier, a→b / b→a):")
    for a, b, ab, ba in r.worst_pairs:
        print(f"    {a} ↔ {b}: {ab} / {ba}")
    if r.blends:
        print("  other blends of the same parses (weight 0: DIET alone, 1: linear alone):")
        print("    weight  threshold/ambiguity  accuracy  fallback  wrong answers")
        for weight, threshold, ambiguity, accuracy, fallback in r.blends:
            print(
                f"    {weight:6.2f}  {threshold:9.2f}/{ambiguity:<9.2f}  {accuracy:8.3f}  "
                f"{fallback:8.3f}  {1 - accuracy - fallback:13.3f}"
            )


if __name__ == "__main__":
    main()
