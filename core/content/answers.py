"""The answer book: every bot answer, in every language, loaded from `content/answers/`.

Editors write answers as YAML (see docs/content.md); the NLG endpoint renders them with the
company facts and the values an action passes. Keeping answers out of the Rasa model means an
editor's change needs no retraining, and the language is picked per conversation at send time.
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


class ContentError(ValueError):
    """An answer file is malformed, or an answer cannot be rendered."""


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Variant:
    """One answer in one language: a text template and its buttons."""

    text: str
    buttons: tuple[Button, ...] = ()

    def placeholders(self) -> set[str]:
        """Names of the `{placeholders}` in the text and the button titles."""
        names: set[str] = set()
        for template in (self.text, *(b.title for b in self.buttons)):
            names.update(_placeholders(template))
        return names


@dataclass(frozen=True)
class Rendered:
    """A rendered answer, in the shape Rasa's NLG endpoint protocol expects."""

    text: str
    buttons: tuple[Button, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "buttons": [{"title": b.title, "payload": b.payload} for b in self.buttons],
        }


@dataclass(frozen=True)
class Answer:
    name: str
    source: Path
    variants: Mapping[str, Variant] = field(default_factory=dict)


class AnswerBook:
    """All answers by name; each answer has one variant per language."""

    def __init__(self, answers: Mapping[str, Answer]) -> None:
        self._answers = dict(answers)

    @classmethod
    def load(cls, folder: Path) -> AnswerBook:
        """Read every `*.yml` in `folder`; an answer name may appear in one file only."""
        answers: dict[str, Answer] = {}
        for path in sorted(folder.glob("*.yml")):
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            if not isinstance(raw, dict):
                raise ContentError(f"{path}: expected a mapping of answer names")
            for name, by_language in raw.items():
                if name in answers:
                    raise ContentError(f"{path}: answer {name!r} is also in {answers[name].source}")
                answers[name] = Answer(name, path, _parse_variants(path, name, by_language))
        return cls(answers)

    def __contains__(self, name: object) -> bool:
        return name in self._answers

    def __iter__(self) -> Iterator[Answer]:
        return iter(self._answers.values())

    def names(self) -> set[str]:
        return set(self._answers)

    def render(
        self, name: str, language: str, values: Mapping[str, Any], fallback_language: str
    ) -> Rendered:
        """Render answer `name` in `language` (or the fallback language if it lacks one)."""
        answer = self._answers.get(name)
        if answer is None:
            raise ContentError(f"no answer named {name!r}")
        variant = answer.variants.get(language) or answer.variants.get(fallback_language)
        if variant is None:
            raise ContentError(
                f"answer {name!r} has neither {language!r} nor {fallback_language!r}"
            )
        return Rendered(
            text=_fill(name, variant.text, values),
            buttons=tuple(Button(_fill(name, b.title, values), b.payload) for b in variant.buttons),
        )


def _parse_variants(path: Path, name: str, by_language: Any) -> dict[str, Variant]:
    if not isinstance(by_language, dict) or not by_language:
        raise ContentError(f"{path}: {name}: expected languages, e.g. 'nb:' and 'en:'")
    variants = {}
    for language, body in by_language.items():
        where = f"{path}: {name}.{language}"
        if isinstance(body, str):
            variants[str(language)] = Variant(body.strip())
        elif isinstance(body, dict) and isinstance(body.get("text"), str):
            buttons = body.get("buttons") or []
            if not isinstance(buttons, list) or not all(
                isinstance(b, dict) and {"title", "payload"} <= set(b) for b in buttons
            ):
                raise ContentError(f"{where}: each button needs a title and a payload")
            variants[str(language)] = Variant(
                body["text"].strip(),
                tuple(Button(str(b["title"]), str(b["payload"])) for b in buttons),
            )
        else:
            raise ContentError(f"{where}: expected a text, or 'text:' with 'buttons:'")
    return variants


def _placeholders(template: str) -> Iterator[str]:
    for _, name, _, _ in string.Formatter().parse(template):
        if name:
            yield name


def _fill(answer: str, template: str, values: Mapping[str, Any]) -> str:
    try:
        return template.format_map(values)
    except KeyError as missing:
        raise ContentError(f"answer {answer!r} needs the value {missing}") from None
    except (ValueError, IndexError) as error:
        raise ContentError(f"answer {answer!r} has a broken placeholder: {error}") from None
