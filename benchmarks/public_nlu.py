"""The project's NLU pipeline on public intent benchmarks, next to their published figures.

Trains config.yml's pipeline (language `en`, everything else unchanged) on the train split of
each dataset in ../shared/benchmarks/data/ and evaluates on its test split only (nothing is
tuned on test). Prints accuracy, macro F1, out-of-scope recall where the data has an
out-of-scope label, training time, model size and parse latency, each twice: as the
classifier ranks (comparable with the published figures, which use no fallback) and as the
bot answers (the FallbackClassifier's nlu_fallback counts as "out of scope"). Long: Banking77
and CLINC150 train for tens of minutes on two shared cores, so run them nice'd, one at a time:

    nice -n 10 .venv/bin/python -m benchmarks.public_nlu --dataset banking77|clinc150|hint3|all
        [--epochs N] [--limit N] [--e5]

`--limit N` keeps N examples per intent in train and test (a smoke run: `--limit 3
--epochs 1`); `--e5` adds the e5 sentence featurizer (nlu/e5_featurizer.py). Files go to
.state/benchmarks/public/, figures also to .state/benchmarks/results/public-<dataset>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from benchmarks import nlu_runs

DATA = nlu_runs.ROOT.parent / "shared" / "benchmarks" / "data"
CLINC_OOS = "out_of_scope"
HINT3_OOS = "NO_NODES_DETECTED"
HINT3_BOTS = ("sofmattress", "curekart", "powerplay11")
HINT3_THRESHOLDS = (0.1, 0.7)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Dataset:
    """A train and a test split of (text, label) pairs and what is published about them."""

    name: str
    train: list[tuple[str, str]]
    test: list[tuple[str, str]]
    oos_label: str | None = None
    anchors: list[str] = field(default_factory=list)
    # HINT3: the published (in-scope accuracy, oos recall) per system at each threshold
    threshold_anchors: dict[float, dict[str, tuple[float, float]]] = field(default_factory=dict)


@dataclass(frozen=True)
class Scores:
    accuracy: float
    macro_f1: float
    in_scope_accuracy: float | None
    oos_recall: float | None
    fallback_rate: float


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dataset", choices=["banking77", "clinc150", "hint3", "all"], default="all"
    )
    parser.add_argument("--epochs", type=int, help="override DIETClassifier epochs")
    parser.add_argument("--limit", type=int, help="at most N examples per intent (smoke run)")
    parser.add_argument("--e5", action="store_true", help="add the e5 sentence featurizer")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    nlu_runs.prepare_environment()
    for dataset in load_datasets(args.dataset, args.limit):
        run(dataset, epochs=args.epochs, e5=args.e5, limit=args.limit)


def load_datasets(which: str, limit: int | None) -> list[Dataset]:
    datasets: list[Dataset] = []
    if which in ("banking77", "all"):
        datasets.append(banking77())
    if which in ("clinc150", "all"):
        datasets.append(clinc150())
    if which in ("hint3", "all"):
        datasets.extend(hint3(bot) for bot in HINT3_BOTS)
    if limit:
        datasets = [
            Dataset(
                d.name,
                _limit(d.train, limit),
                _limit(d.test, limit),
                d.oos_label,
                d.anchors,
                d.threshold_anchors,
            )
            for d in datasets
        ]
    return datasets


def run(dataset: Dataset, *, epochs: int | None, e5: bool, limit: int | None) -> None:
    """Train on the train split, parse the test split, print and save the figures."""
    tag = dataset.name + ("-e5" if e5 else "") + (f"-limit{limit}" if limit else "")
    work = nlu_runs.STATE / "public" / tag
    config = nlu_runs.write_config(
        nlu_runs.pipeline_config(language="en", epochs=epochs, e5=e5), work / "config.yml"
    )
    data = nlu_runs.write_training_data(
        (nlu_runs.message(text, label) for text, label in dataset.train), work / "train.yml"
    )
    print(
        f"\n== {tag}: training on {len(dataset.train)} examples, "
        f"{len({label for _, label in dataset.train})} intents",
        flush=True,
    )
    model = nlu_runs.train(config, data, work / "models", tag)
    parses = asyncio.run(nlu_runs.parse_all(model.path, [text for text, _ in dataset.test]))
    truths = [label for _, label in dataset.test]
    oos = dataset.oos_label
    classifier = score(truths, [p.top_intent for p in parses], oos, fallback_rate=0.0)
    bot_predictions = [oos if p.intent == nlu_runs.FALLBACK and oos else p.intent for p in parses]
    bot = score(
        truths,
        bot_predictions,
        oos,
        fallback_rate=sum(p.intent == nlu_runs.FALLBACK for p in parses) / len(parses),
    )
    median, p95 = nlu_runs.latency_ms(parses)
    print(
        f"   test: {len(truths)} messages"
        + (f" ({sum(t == oos for t in truths)} out of scope)" if oos else "")
    )
    print(
        f"   training {model.seconds:.0f} s, model {model.megabytes:.1f} MB, parse median "
        f"{median:.1f} ms, p95 {p95:.1f} ms, CPU median {nlu_runs.cpu_ms(parses):.1f} ms "
        f"({nlu_runs.load_average()})"
    )
    _print_scores("classifier (no fallback)", classifier)
    _print_scores("bot (FallbackClassifier)", bot)
    sweep: dict[float, tuple[float, float]] = {}
    if dataset.threshold_anchors and oos:
        for threshold in HINT3_THRESHOLDS:
            predictions = [p.top_intent if p.confidence >= threshold else oos for p in parses]
            s = score(truths, predictions, oos, fallback_rate=0.0)
            sweep[threshold] = (s.in_scope_accuracy or 0.0, s.oos_recall or 0.0)
            published = "; ".join(
                f"{system} {a:.3f} / {r:.3f}"
                for system, (a, r) in dataset.threshold_anchors[threshold].items()
            )
            print(
                f"   threshold {threshold}: in-scope accuracy / oos recall "
                f"{sweep[threshold][0]:.3f} / {sweep[threshold][1]:.3f}   (published: {published})"
            )
    for anchor in dataset.anchors:
        print(f"   published: {anchor}")
    print(
        "   commonest confusions (classifier): "
        + ", ".join(
            f"{t}→{p} ×{c}"
            for t, p, c in nlu_runs.confused_pairs(truths, [p.top_intent for p in parses], 6)
        ),
        flush=True,
    )
    results = nlu_runs.STATE / "results" / f"public-{tag}.json"
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(
        json.dumps(
            {
                "dataset": tag,
                "train": len(dataset.train),
                "test": len(truths),
                "training_seconds": model.seconds,
                "model_mb": model.megabytes,
                "parse_median_ms": median,
                "parse_p95_ms": p95,
                "parse_cpu_median_ms": nlu_runs.cpu_ms(parses),
                "load": nlu_runs.load_average(),
                "classifier": asdict(classifier),
                "bot": asdict(bot),
                "threshold_sweep": {str(k): v for k, v in sweep.items()},
            },
            indent=2,
        )
    )


def score(
    truths: Sequence[str], predictions: Sequence[str], oos: str | None, *, fallback_rate: float
) -> Scores:
    in_scope = [(t, p) for t, p in zip(truths, predictions, strict=True) if t != oos]
    out_of_scope = [p for t, p in zip(truths, predictions, strict=True) if t == oos]
    return Scores(
        accuracy=nlu_runs.accuracy(truths, predictions),
        macro_f1=nlu_runs.macro_f1(truths, predictions),
        in_scope_accuracy=(
            sum(t == p for t, p in in_scope) / len(in_scope) if oos and in_scope else None
        ),
        oos_recall=(
            sum(p == oos for p in out_of_scope) / len(out_of_scope) if out_of_scope else None
        ),
        fallback_rate=fallback_rate,
    )


def _print_scores(what: str, s: Scores) -> None:
    line = f"   {what:<26} accuracy {s.accuracy:.4f}  macro F1 {s.macro_f1:.4f}"
    if s.in_scope_accuracy is not None:
        line += f"  in-scope accuracy {s.in_scope_accuracy:.4f}"
    if s.oos_recall is not None:
        line += f"  oos recall {s.oos_recall:.4f}"
    if s.fallback_rate:
        line += f"  fallback {s.fallback_rate:.3f}"
    print(line)


def banking77() -> Dataset:
    folder = DATA / "banking77"
    return Dataset(
        "banking77",
        _csv_pairs(folder / "train.csv", "text", "category"),
        _csv_pairs(folder / "test.csv", "text", "category"),
        anchors=["accuracy BERT-large 0.9366, USE+ConveRT 0.9336 (Casanueva et al. 2020)"],
    )


def clinc150() -> Dataset:
    """data_full.json; its 100 out-of-scope train queries become the intent out_of_scope."""
    raw = json.loads((DATA / "clinc150" / "data_full.json").read_text(encoding="utf-8"))

    def pairs(*splits: str) -> list[tuple[str, str]]:
        return [
            (text, CLINC_OOS if label == "oos" else label)
            for split in splits
            for text, label in raw[split]
        ]

    return Dataset(
        "clinc150",
        pairs("train", "oos_train"),
        pairs("test", "oos_test"),
        oos_label=CLINC_OOS,
        anchors=[
            "in-scope accuracy / oos recall, oos-train (Larson et al. 2019, Table 2): "
            "BERT 0.969 / 0.403; Rasa 2019 0.915 / 0.453; MLP(USE) 0.935 / 0.474; "
            "DialogFlow 0.917 / 0.140",
        ],
    )


def hint3(bot: str) -> Dataset:
    """HINT3 v1 (full train); no out-of-scope examples in train, 'NO_NODES_DETECTED' in test."""
    folder = DATA / "hint3"
    anchors: dict[float, dict[str, tuple[float, float]]] = defaultdict(dict)
    for system in ("rasa", "bert"):
        with (folder / "results" / f"{system}_{bot}.csv").open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                threshold = round(float(row["Threshold"]), 2)
                if threshold in HINT3_THRESHOLDS:
                    anchors[threshold][system] = (
                        float(row["Inscope Accuracy"]),
                        float(row["OOS Recall"]),
                    )
    return Dataset(
        f"hint3-{bot}",
        _csv_pairs(folder / "dataset" / "v1" / "train" / f"{bot}_train.csv", "sentence", "label"),
        _csv_pairs(folder / "dataset" / "v1" / "test" / f"{bot}_test.csv", "sentence", "label"),
        oos_label=HINT3_OOS,
        threshold_anchors=dict(anchors),
    )


def _csv_pairs(path: Path, text: str, label: str) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = csv.DictReader(f)
        return [(row[text].strip(), row[label].strip()) for row in rows if row[text].strip()]


def _limit(pairs: list[tuple[str, str]], n: int) -> list[tuple[str, str]]:
    seen: dict[str, int] = defaultdict(int)
    kept = []
    for text, label in pairs:
        if seen[label] < n:
            seen[label] += 1
            kept.append((text, label))
    return kept


if __name__ == "__main__":
    main()
