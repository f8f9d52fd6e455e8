"""Test stories and the held-out set say things the training data does not: `rasa test` and the
held-out benchmark then measure understanding, not memory. A line copied from data/nlu/ into a
test story or into benchmarks/nlu_heldout/ fails here."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import yaml

from tests.helpers import ROOT

STORIES = sorted((ROOT / "tests" / "stories").glob("*.yml"))
HELD_OUT = sorted((ROOT / "benchmarks" / "nlu_heldout").glob("*.yml"))
TRAINING = sorted((ROOT / "data" / "nlu").rglob("*.yml"))
# An annotated entity "[0550](postal_code)" or '[x]{"entity": ...}' reads as its text.
ENTITY = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


def normalised(text: str) -> str:
    """Case, punctuation, emoji and spacing ignored: what a customer's words are."""
    text = ENTITY.sub(r"\1", unicodedata.normalize("NFKC", text)).casefold()
    kept = "".join(c if c.isalnum() else " " for c in text)
    return " ".join(kept.split())


def story_messages(path: Path) -> Iterator[str]:
    """Every customer message of the test stories (payloads like /affirm are buttons, not words)."""
    for story in yaml.safe_load(path.read_text(encoding="utf-8")).get("stories") or []:
        for step in story.get("steps") or []:
            text = str(step.get("user") or "").strip()
            if text and not text.startswith("/"):
                yield text


def nlu_examples(path: Path) -> Iterator[str]:
    for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
        for line in str(block.get("examples") or "").splitlines():
            if line.strip().startswith("- "):
                yield line.strip()[2:]


def copied(files: list[Path], read: object) -> dict[str, str]:
    trained = {normalised(e) for path in TRAINING for e in nlu_examples(path)}
    found = {}
    for path in files:
        for text in read(path):  # type: ignore[operator]
            if normalised(text) in trained:
                found[text] = path.relative_to(ROOT).as_posix()
    return found


def test_there_are_stories_held_out_messages_and_training_data_to_compare() -> None:
    assert STORIES and HELD_OUT and TRAINING
    assert normalised("Hei, når har dere ÅPENT?") == normalised("hei når har dere åpent")
    assert normalised("bor på [0550](postal_code)") == "bor på 0550"


def test_no_test_story_says_what_the_training_data_says() -> None:
    assert copied(STORIES, story_messages) == {}


def test_no_held_out_message_is_in_the_training_data() -> None:
    assert copied(HELD_OUT, nlu_examples) == {}
