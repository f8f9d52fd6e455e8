"""What the content check reads: the content as editors wrote it, and the problems it finds.

`Content.load` reads the answers, the company's facts, the locale, topics, jargon and the two
lists in docs/ (answers.md, intents.md) once; the checks (core/content/check.py and
core/content/agent_checks.py) read from it.

The checked languages are the profile's and every other one the content is written in
(`Content.languages`): the content serves every company, so a language one answer or the locale
has (another company's profile may list it) must be complete too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from core.company import CompanyProfile
from core.content.answers import Answer, AnswerBook, Variant
from core.content.facts import company_facts
from core.content.locale import AGENT_SECTIONS, Locale


@dataclass(frozen=True)
class Problem:
    kind: str
    file: str
    answer: str
    language: str  # "all" when the problem is not about one language
    why: str
    text: str = ""
    profile: str = ""  # the profile the answer was rendered with, when that matters

    def __str__(self) -> str:
        quoted = "".join(f"\n    | {line}" for line in self.text.splitlines())
        rendered_with = f"{self.profile}: " if self.profile else ""
        return f"{rendered_with}{self.file}: {self.answer} [{self.language}]: {self.why}{quoted}"


@dataclass(frozen=True)
class Listed:
    """An answer as docs/answers.md lists it: its topic file and the values the bot passes."""

    topic: str
    values: frozenset[str]


@dataclass(frozen=True)
class Content:
    root: Path
    profile: CompanyProfile
    facts: dict[str, dict[str, str]]  # language -> placeholder -> value
    book: AnswerBook
    jargon: dict[str, dict[str, list[str]]]  # language -> term -> explanations
    topics: dict[str, dict[str, str]]  # intent -> language -> title
    listed: dict[str, Listed]  # answer name -> docs/answers.md entry
    intents: list[str]
    locales: dict[str, Locale]  # language -> content/locale.yml's section
    # Every profile the answers are rendered with: the checked one first, then the shipped
    # ones (content/company.yml, content/companies/*.yml), by root-relative path.
    profiles: dict[str, CompanyProfile]

    @classmethod
    def load(cls, root: Path, company: Path | None = None) -> Content:
        """The content under `root`, checked for the company profile at `company` (root-relative)."""
        root = root.resolve()
        checked = root / (company or Path("content/company.yml"))
        shipped = [*root.glob("content/company.yml"), *sorted(root.glob("content/companies/*.yml"))]
        profiles = {
            _relative(path, root): CompanyProfile.load(path, root)
            for path in dict.fromkeys(p.resolve() for p in (checked, *shipped))
        }
        profile = next(iter(profiles.values()))
        locales = Locale.load_all(root / "content/locale.yml")
        answers = {
            row[1].strip("`"): Listed(row[0], frozenset(re.findall(r"\{(\w+)\}", row[2])))
            for row in _table(root / "docs/answers.md")
        }
        jargon = _yaml(root / "content/jargon.yml")
        return cls(
            root=root,
            profile=profile,
            facts={lang: company_facts(profile, locale) for lang, locale in locales.items()},
            book=AnswerBook.load(root / "content/answers"),
            jargon={
                lang: {str(t): _strings(e) for t, e in terms.items()}
                for lang, terms in jargon.items()
            },
            topics=_yaml(root / "content/topics.yml"),
            listed=answers,
            intents=[row[0].strip("`") for row in _table(root / "docs/intents.md")],
            locales=locales,
            profiles=profiles,
        )

    @property
    def languages(self) -> tuple[str, ...]:
        """The profile's languages first, then every other language an answer or the locale
        is written in, in the order first met."""
        found = [lang for answer in self.book for lang in sorted(answer.languages())]
        return tuple(dict.fromkeys([*self.profile.languages, *found, *self.locales]))

    def variants(self) -> Iterator[tuple[Answer, str, Variant]]:
        """Every text of every answer once, whichever roles it serves."""
        for answer in self.book:
            seen: set[int] = set()
            for language, _, variant in answer.each():
                if id(variant) not in seen:
                    seen.add(id(variant))
                    yield answer, language, variant

    def passed(self, answer: Answer) -> set[str]:
        """The values the bot passes with the answer (docs/answers.md lists them)."""
        entry = self.listed.get(answer.name)
        return set(entry.values) if entry else set()

    def file(self, path: Path) -> str:
        return str(path.relative_to(self.root))

    def agent_texts(self, language: str) -> dict[str, Any]:
        """Every text agents read in one language, by dotted key ("desk.claim"); as written."""
        locale = self.locales.get(language)
        spec = locale.patterns if locale else {}
        return {
            key: value
            for section in AGENT_SECTIONS
            for key, value in _flatten(section, spec.get(section)).items()
        }


def _relative(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def _flatten(prefix: str, value: Any) -> dict[str, Any]:
    """A nested section as dotted keys: {"card.reasons.asked": "..."}."""
    if not isinstance(value, dict):
        return {} if value is None else {prefix: value}
    return {
        key: text
        for name, inner in value.items()
        for key, text in _flatten(f"{prefix}.{name}", inner).items()
    }


def _table(path: Path) -> list[list[str]]:
    """The body rows of the Markdown tables in `path` (header and separator rows left out)."""
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("|")
    ]
    separators = {i for i, row in enumerate(rows) if all(set(c) <= set("-: ") for c in row)}
    return [row for i, row in enumerate(rows) if i not in separators and i + 1 not in separators]


def _yaml(path: Path) -> dict[str, Any]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected a mapping")
    return raw


def _strings(value: Any) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else [str(value)]


def fact_finders(profile: CompanyProfile) -> list[tuple[str, re.Pattern[str]]]:
    """Patterns that find a company fact written out, with the placeholder to use instead."""

    def text(value: str) -> re.Pattern[str]:
        return re.compile(re.escape(value.strip()).replace(r"\ ", r"\s+"), re.IGNORECASE)

    def phone(value: str) -> re.Pattern[str]:  # the last 8 digits, spaced any way
        digits = r"[\s.-]?".join(re.sub(r"\D", "", value)[-8:])
        return re.compile(rf"(?<!\d)(?:(?:\+|00)?\d{{1,3}}[\s.-]?)?{digits}(?!\d)")

    def link(value: str) -> re.Pattern[str]:
        return text(re.sub(r"^(https?://)?(www\.)?", "", value).rstrip("/"))

    finders = [
        ("company_name", text(profile.name)),
        ("phone", phone(profile.phone)),
        ("on_call_phone", phone(profile.on_call_phone)),
        ("email", text(profile.email)),
        ("web", link(profile.web)),
        ("my_page", link(profile.my_page)),
        ("place_example", re.compile(rf"\b{re.escape(profile.place_example)}\b")),
    ]
    finders += [
        ("post_address", text(part))
        for part in profile.post_address.split(",")
        if part.strip() and part.strip() != profile.name
    ]
    times = {t for hours in profile.weekly.values() if hours for t in (hours.opens, hours.closes)}
    for t in sorted(times):
        hour = f"0?{t.hour}" if t.hour < 10 else str(t.hour)
        twelve = f"{(t.hour - 1) % 12 + 1}(:{t.minute:02d})?\\s*{'ap'[t.hour >= 12]}\\.?m\\b"
        finders += [
            ("opening_hours", re.compile(rf"(?<![\d.:]){hour}[:.]{t.minute:02d}(?!\d)")),
            ("opening_hours", re.compile(rf"\bkl\.?\s*{hour}(?!\d|[.:]\d)", re.I)),
            ("opening_hours", re.compile(rf"(?<![\d:]){twelve}", re.I)),
        ]
    return finders
