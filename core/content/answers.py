"""The answer book: every bot answer, in every language, loaded from `content/answers/`.

Editors write answers as YAML (see docs/content.md); the NLG endpoint renders them with the
company facts and the values an action passes. An answer that depends on what the company is
(a supplier, the grid company or both) holds one text per role in a language; the renderer
picks the one for the company's role, given as the fact `company_role`. Keeping answers out of the Rasa model means an
editor's change needs no retraining, and the language is picked per conversation at send time.
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from core.company import ROLES


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
    variants: Mapping[str, Variant] = field(default_factory=dict)  # the same for every role
    by_role: Mapping[str, Mapping[str, Variant]] = field(default_factory=dict)  # lang -> role
    # `ends_topic: <intent>`: the answer ends a topic, so the bot asks "did that help?", and a
    # "no" is offered that intent as the next step (a person, a callback, a related answer).
    ends_topic: str | None = None
    # `ends_contact: true`: the answer ends a contact (goodbye, thanks), so the bot asks for a
    # rating (CSAT, or NPS for a sampled share).
    ends_contact: bool = False

    def languages(self) -> set[str]:
        return set(self.variants) | set(self.by_role)

    @property
    def ends_a_topic(self) -> bool:
        return self.ends_topic is not None

    def each(self) -> Iterator[tuple[str, str | None, Variant]]:
        """Every text: (language, role or None when it serves every role, variant)."""
        for language, variant in self.variants.items():
            yield language, None, variant
        for language, roles in self.by_role.items():
            for role, variant in roles.items():
                yield language, role, variant

    def pick(self, language: str, role: str | None) -> Variant | None:
        if language in self.variants:
            return self.variants[language]
        return self.by_role.get(language, {}).get(str(role))


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
                answers[name] = _parse_answer(path, name, by_language)
        return cls(answers)

    def __contains__(self, name: object) -> bool:
        return name in self._answers

    def __iter__(self) -> Iterator[Answer]:
        return iter(self._answers.values())

    def names(self) -> set[str]:
        return set(self._answers)

    def get(self, name: str) -> Answer | None:
        return self._answers.get(name)

    def render(
        self, name: str, language: str, values: Mapping[str, Any], fallback_language: str
    ) -> Rendered:
        """Render answer `name` in `language` (or the fallback language if it lacks one)."""
        answer = self._answers.get(name)
        if answer is None:
            raise ContentError(f"no answer named {name!r}")
        role = values.get("company_role")
        variant = answer.pick(language, role) or answer.pick(fallback_language, role)
        if variant is None:
            raise ContentError(
                f"answer {name!r} has neither {language!r} nor {fallback_language!r}"
                f" for the role {role!r}"
            )
        return Rendered(
            text=_fill(name, variant.text, values),
            buttons=tuple(Button(_fill(name, b.title, values), b.payload) for b in variant.buttons),
        )


# Keys of an answer that are not languages: what the answer does in the conversation.
FLAGS = ("ends_topic", "ends_contact")


def _parse_answer(path: Path, name: str, by_language: Any) -> Answer:
    if not isinstance(by_language, dict) or not by_language:
        raise ContentError(f"{path}: {name}: expected languages, e.g. 'nb:' and 'en:'")
    by_language = dict(by_language)
    ends_topic = by_language.pop("ends_topic", None)
    ends_contact = by_language.pop("ends_contact", False)
    if ends_topic is not None and not (isinstance(ends_topic, str) and ends_topic.isidentifier()):
        raise ContentError(f"{path}: {name}: ends_topic names the next step's intent")
    if not isinstance(ends_contact, bool):
        raise ContentError(f"{path}: {name}: ends_contact is true or false")
    variants: dict[str, Variant] = {}
    by_role: dict[str, dict[str, Variant]] = {}
    for language, body in by_language.items():
        where = f"{path}: {name}.{language}"
        if isinstance(body, dict) and "text" not in body:
            # One text per role: `supplier:`, `grid:`, `both:`, or several at once (`grid, both:`)
            by_role[str(language)] = roles = {}
            for key, text in body.items():
                variant = _parse_variant(f"{where}.{key}", text)
                for role in (part.strip() for part in str(key).split(",")):
                    if role not in ROLES:
                        raise ContentError(f"{where}: {role!r} is not a role ({', '.join(ROLES)})")
                    roles[role] = variant
        else:
            variants[str(language)] = _parse_variant(where, body)
    return Answer(name, path, variants, by_role, ends_topic, ends_contact)


def _parse_variant(where: str, body: Any) -> Variant:
    if isinstance(body, str):
        return Variant(body.strip())
    if isinstance(body, dict) and isinstance(body.get("text"), str):
        buttons = body.get("buttons") or []
        if not isinstance(buttons, list) or not all(
            isinstance(b, dict) and {"title", "payload"} <= set(b) for b in buttons
        ):
            raise ContentError(f"{where}: each button needs a title and a payload")
        return Variant(
            body["text"].strip(),
            tuple(Button(str(b["title"]), str(b["payload"])) for b in buttons),
        )
    raise ContentError(f"{where}: expected a text, or 'text:' with 'buttons:'")


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
