"""Build the blank spaCy pipeline that Rasa's SpacyNLP loads (config.yml).

Trained spaCy models cannot be downloaded here, and Svar needs only tokenising: a blank
multi-language pipeline that knows the special cases (abbreviations, contractions) of every
Nordic language we serve plus English.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import cast

LANGUAGES = ("nb", "en", "fi", "sv")


def build(path: Path) -> None:
    import spacy  # heavy; only needed when the pipeline is (re)built
    from spacy.tokenizer import Tokenizer

    nlp = spacy.blank("xx")
    tokenizer = cast(Tokenizer, nlp.tokenizer)
    for language in LANGUAGES:
        for text, tokens in cast(Tokenizer, spacy.blank(language).tokenizer).rules.items():
            tokenizer.add_special_case(text, tokens)
    nlp.meta["name"] = "svar_nordic_tokenizer"
    path.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(path)


if __name__ == "__main__":
    build(Path(sys.argv[1]))
