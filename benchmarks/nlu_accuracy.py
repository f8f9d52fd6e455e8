"""How well the assistant understands customers it has never seen: the held-out set.

Parses every message of benchmarks/nlu_heldout/<lang>.yml (nb, en, fi, sv; written without
seeing the training data, never used for training) with the model `make run` uses, and prints
per language: intent accuracy, macro F1, how often the bot asked to rephrase (fallback),
accuracy when it did answer, entity F1, language identification accuracy (among the languages
of the shipped company that serves it, and among all four), the commonest confusions, and
parse latency.

    .venv/bin/python -m benchmarks.nlu_accuracy [--model .state/models/svar-….tar.gz]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from collections import Counter
from pathlib import Path

from benchmarks import nlu_runs

ROOT = Path(__file__).resolve().parent.parent
HELDOUT = ROOT / "benchmarks" / "nlu_heldout"
ORDER = ("nb", "en", "fi", "sv")
FALLBACK = "nlu_fallback"


def main() -> None:
    os.environ["RASA_TELEMETRY_ENABLED"] = "false"  # no telemetry or crash reports sent out
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="default: the model for the project as it is")
    args = parser.parse_args()
    nlu_runs.quiet_rasa()  # else every held-out message is printed, which nobody should read
    asyncio.run(run(args.model))


async def run(model: Path | None) -> None:
    from rasa.core.agent import Agent
    from rasa.shared.nlu.training_data.loading import load_data

    from bot.language import LanguageDetector
    from core.company import CompanyProfile
    from stack.train import ensure_model

    model = model or ensure_model(ROOT, ROOT / ".state")
    agent = Agent.load(str(model))
    nlu = ROOT / "data" / "nlu"
    languages = [lang for lang in ORDER if (HELDOUT / f"{lang}.yml").exists()]
    # Language identification as a company that serves the language does it (the shipped
    # profiles: nb and en the Norwegian company's, fi and sv the Finnish one's), and among all
    # four languages at once, where Norwegian and Swedish share the most words.
    companies = [CompanyProfile.load(path, ROOT) for path in shipped_profiles()]
    all_four = LanguageDetector.from_training_data(languages, nlu)
    print(f"model: {model.name}")
    for language in languages:
        served = next(p.languages for p in companies if language in p.languages)
        detector = LanguageDetector.from_training_data(served, nlu)
        examples = load_data(str(HELDOUT / f"{language}.yml")).intent_examples
        truths, predictions, latencies = [], [], []
        expected_entities: list[set[tuple[str, str]]] = []
        found_entities: list[set[tuple[str, str]]] = []
        language_hits = among_all = kept_from_other = 0
        other = next((lang for lang in served if lang != language), language)
        for example in examples:
            text = example.get("text")
            started = time.perf_counter()
            parsed = await agent.parse_message(text)
            latencies.append(time.perf_counter() - started)
            truths.append(example.get("intent"))
            predictions.append(parsed["intent"]["name"])
            expected_entities.append(nlu_runs.entity_pairs(example))
            found_entities.append(nlu_runs.entity_pairs(parsed))
            language_hits += detector.detect(text, None) == language
            among_all += all_four.detect(text, None) == language
            kept_from_other += detector.detect(text, other) == other
        _report(language, truths, predictions, latencies)
        entities = nlu_runs.entity_score(expected_entities, found_entities)
        print(
            f"  entities: F1 {entities.f1:.3f} (precision {entities.precision:.3f}, "
            f"recall {entities.recall:.3f}, {entities.annotated} annotated)"
        )
        print(
            f"  language of a first message: {language_hits / len(examples):.3f} right among "
            f"{', '.join(served)}, {among_all / len(examples):.3f} among all four; "
            f"mid-conversation in {other}: {1 - kept_from_other / len(examples):.3f} switched"
        )


def shipped_profiles() -> list[Path]:
    """The company profiles that ship: content/company.yml and content/companies/*.yml."""
    return [
        ROOT / "content" / "company.yml",
        *sorted((ROOT / "content" / "companies").glob("*.yml")),
    ]


def _report(
    language: str, truths: list[str], predictions: list[str], latencies: list[float]
) -> None:
    n = len(truths)
    correct = sum(t == p for t, p in zip(truths, predictions, strict=True))
    answered = [(t, p) for t, p in zip(truths, predictions, strict=True) if p != FALLBACK]
    answered_correct = sum(t == p for t, p in answered)
    print(f"\n[{language}] {n} held-out messages")
    print(f"  intent accuracy: {correct / n:.3f}   macro F1: {_macro_f1(truths, predictions):.3f}")
    print(
        f"  fallback (asked to rephrase): {(n - len(answered)) / n:.3f}   "
        f"accuracy when answering: {answered_correct / max(len(answered), 1):.3f}"
    )
    oos = [p for t, p in zip(truths, predictions, strict=True) if t == "out_of_scope"]
    if oos:
        print(
            f"  out-of-scope recognised: {oos.count('out_of_scope') / len(oos):.3f} of {len(oos)}"
        )
    print(
        f"  parse latency: median {statistics.median(latencies) * 1000:.1f} ms, "
        f"p95 {sorted(latencies)[int(0.95 * (n - 1))] * 1000:.1f} ms"
    )
    confusions = Counter((t, p) for t, p in zip(truths, predictions, strict=True) if t != p)
    print(
        "  commonest confusions: "
        + ", ".join(f"{t}→{p} ×{c}" for (t, p), c in confusions.most_common(6))
    )


def _macro_f1(truths: list[str], predictions: list[str]) -> float:
    scores = []
    for label in sorted(set(truths)):
        tp = sum(t == p == label for t, p in zip(truths, predictions, strict=True))
        fp = sum(p == label != t for t, p in zip(truths, predictions, strict=True))
        fn = sum(t == label != p for t, p in zip(truths, predictions, strict=True))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return statistics.mean(scores)


if __name__ == "__main__":
    main()
