"""The plain-language check editors run on the answers: `python -m core.content.check [--root .]`.

It prints each problem as `<file>: <answer> [<lang>]: <why>` with the text below it, then the
LIX figures per language and a summary line, and exits 1 when anything is wrong. The rules are
those of docs/content.md; the test suite runs this check on the real content.
"""

from __future__ import annotations

import argparse
import functools
import re
import statistics
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from core.company import CompanyProfile
from core.content.answers import Answer, AnswerBook, ContentError, Variant
from core.content.facts import company_facts
from core.content.locale import Locale
from core.content.readability import lix, word_count
from core.intents import NOT_SUGGESTED

MAX_WORDS = 60
MAX_LIX = 40.0  # an answer's LIX must be under this


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.content.check", description=__doc__)
    parser.add_argument("--root", type=Path, default=Path("."), help="the repository root")
    root = parser.parse_args(argv).root
    try:
        content = Content.load(root)
    except (OSError, KeyError, ValueError, yaml.YAMLError) as error:
        print(f"cannot read the content under {root}: {error}")
        return 1
    problems = check(content)
    for problem in problems:
        print(problem)
    for line in lix_figures(content):
        print(line)
    print(summary(content, problems))
    return 1 if problems else 0


def check(content: Content) -> list[Problem]:
    checks = (
        languages,
        buttons,
        length,
        readability,
        jargon,
        literal_facts,
        placeholders,
        rendering,
        catalogue,
        topics,
    )
    return [problem for each in checks for problem in each(content)]


def lix_figures(content: Content) -> list[str]:
    lines = []
    for language in content.profile.languages:
        scores = {a.name: lix(v.text) for a, lang, v in content.variants() if lang == language}
        if scores:
            worst = max(scores, key=scores.__getitem__)
            lines.append(
                f"LIX [{language}]: median {statistics.median(scores.values()):.1f}, "
                f"max {scores[worst]:.1f} ({worst}) over {len(scores)} answers"
            )
    return lines


def summary(content: Content, problems: list[Problem]) -> str:
    checked = f"{len(content.book.names())} answers in {len(content.profile.languages)} languages"
    if not problems:
        return f"{checked}: all fine"
    kinds = ", ".join(f"{n} {kind}" for kind, n in Counter(p.kind for p in problems).items())
    return f"{checked}: {len(problems)} problem{'s'[len(problems) == 1 :]} ({kinds})"


@dataclass(frozen=True)
class Problem:
    kind: str
    file: str
    answer: str
    language: str  # "all" when the problem is not about one language
    why: str
    text: str = ""

    def __str__(self) -> str:
        quoted = "".join(f"\n    | {line}" for line in self.text.splitlines())
        return f"{self.file}: {self.answer} [{self.language}]: {self.why}{quoted}"


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

    @classmethod
    def load(cls, root: Path) -> Content:
        root = root.resolve()
        profile = CompanyProfile.load(root / "content/company.yml")
        locales = Locale.load_all(root / "content/locale.yml")
        answers = {
            row[1].strip("`"): Listed(row[0], frozenset(re.findall(r"\{(\w+)\}", row[2])))
            for row in _table(root / "docs/answers.md")
        }
        jargon = _yaml(root / "content/jargon.yml")
        return cls(
            root=root,
            profile=profile,
            facts={lang: company_facts(profile, locales[lang]) for lang in profile.languages},
            book=AnswerBook.load(root / "content/answers"),
            jargon={
                lang: {str(t): _strings(e) for t, e in terms.items()}
                for lang, terms in jargon.items()
            },
            topics=_yaml(root / "content/topics.yml"),
            listed=answers,
            intents=[row[0].strip("`") for row in _table(root / "docs/intents.md")],
        )

    def variants(self) -> Iterator[tuple[Answer, str, Variant]]:
        for answer in self.book:
            for language, variant in answer.variants.items():
                yield answer, language, variant

    def file(self, path: Path) -> str:
        return str(path.relative_to(self.root))


VariantCheck = Callable[["Content", Answer, str, Variant], list[str]]


def per_variant(kind: str) -> Callable[[VariantCheck], Callable[[Content], list[Problem]]]:
    """Make a check of one answer in one language (returning reasons) a check of all."""

    def wrap(why: VariantCheck) -> Callable[[Content], list[Problem]]:
        @functools.wraps(why)
        def run(content: Content) -> list[Problem]:
            return [
                Problem(kind, content.file(answer.source), answer.name, lang, reason, v.text)
                for answer, lang, v in content.variants()
                for reason in why(content, answer, lang, v)
            ]

        return run

    return wrap


def languages(content: Content) -> list[Problem]:
    return [
        Problem(
            "missing translation", content.file(a.source), a.name, lang, "no text in this language"
        )
        for a in content.book
        for lang in content.profile.languages
        if lang not in a.variants
    ]


def buttons(content: Content) -> list[Problem]:
    problems = []
    for answer in content.book:
        payloads = {lang: [b.payload for b in v.buttons] for lang, v in answer.variants.items()}
        first, expected = next(iter(payloads.items()))
        problems += [
            Problem(
                "button mismatch",
                content.file(answer.source),
                answer.name,
                lang,
                f"button payloads {found} differ from [{first}] {expected}",
            )
            for lang, found in payloads.items()
            if found != expected
        ]
    return problems


@per_variant("too long")
def length(content: Content, answer: Answer, lang: str, variant: Variant) -> list[str]:
    words = word_count(variant.text)
    return [f"{words} words (at most {MAX_WORDS})"] if words > MAX_WORDS else []


@per_variant("hard to read")
def readability(content: Content, answer: Answer, lang: str, variant: Variant) -> list[str]:
    score = lix(variant.text)
    return [f"LIX {score:.1f} (must be under {MAX_LIX:.0f})"] if score >= MAX_LIX else []


@per_variant("unexplained jargon")
def jargon(content: Content, answer: Answer, lang: str, variant: Variant) -> list[str]:
    said = _said(variant)
    return [
        f"{term!r} is not explained here (explain it, e.g. with {explanations[0]!r})"
        for term, explanations in content.jargon.get(lang, {}).items()
        if _mentions(said, term) and not any(e.lower() in said.lower() for e in explanations)
    ]


@per_variant("literal fact")
def literal_facts(content: Content, answer: Answer, lang: str, variant: Variant) -> list[str]:
    said = _said(variant)
    return [
        f"writes out a company fact ({found.group()!r}); use {{{placeholder}}}"
        for placeholder, pattern in _fact_finders(content.profile)
        if (found := pattern.search(said))
    ]


@per_variant("unknown placeholder")
def placeholders(content: Content, answer: Answer, lang: str, variant: Variant) -> list[str]:
    allowed = set(content.facts[content.profile.default_language]) | _values(content, answer)
    return [
        f"unknown placeholder {{{name}}}: not a company fact, and docs/answers.md lists "
        "no such value for this answer"
        for name in sorted(_names(variant) - allowed)
    ]


@per_variant("cannot render")
def rendering(content: Content, answer: Answer, lang: str, variant: Variant) -> list[str]:
    facts = content.facts.get(lang, content.facts[content.profile.default_language])
    wanted = (_names(variant) - set(facts)) | _values(content, answer)
    samples = {name: f"<{name}>" for name in wanted}
    try:
        content.book.render(answer.name, lang, {**facts, **samples}, lang)
    except (ContentError, AttributeError, TypeError, ValueError) as error:
        return [f"cannot be rendered: {error}"]
    return []


def catalogue(content: Content) -> list[Problem]:
    problems = [
        Problem(
            "not in content",
            "docs/answers.md",
            name,
            "all",
            f"missing from content/answers/{content.listed[name].topic}.yml",
        )
        for name in sorted(set(content.listed) - content.book.names())
    ]
    for answer in content.book:
        entry = content.listed.get(answer.name)
        if entry is None or entry.topic != answer.source.stem:
            why = (
                f"docs/answers.md puts it in content/answers/{entry.topic}.yml"
                if entry
                else "not listed in docs/answers.md"
            )
            problems.append(
                Problem("not in docs", content.file(answer.source), answer.name, "all", why)
            )
    return problems


def topics(content: Content) -> list[Problem]:
    wanted = [intent for intent in content.intents if intent not in NOT_SUGGESTED]
    problems = [
        Problem(
            "no topic title",
            "content/topics.yml",
            intent,
            lang,
            "no title for the fallback's topic buttons",
        )
        for intent in wanted
        for lang in content.profile.languages
        if not (content.topics.get(intent) or {}).get(lang)
    ]
    problems += [
        Problem(
            "no topic title",
            "content/topics.yml",
            name,
            "all",
            "not a customer-service intent in docs/intents.md",
        )
        for name in content.topics
        if name not in wanted
    ]
    return problems


def _said(variant: Variant) -> str:
    """Everything the customer reads: the text and the button titles."""
    return "\n".join([variant.text, *(b.title for b in variant.buttons)])


def _mentions(text: str, term: str) -> bool:
    """The term at the start of a word; any case only when the term is all lowercase."""
    pattern = r"(?<!\w)" + re.escape(term).replace(r"\ ", r"\s+")
    return re.search(pattern, text, 0 if term != term.lower() else re.IGNORECASE) is not None


def _fact_finders(profile: CompanyProfile) -> list[tuple[str, re.Pattern[str]]]:
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


def _names(variant: Variant) -> set[str]:
    try:
        return variant.placeholders()
    except ValueError:  # a broken placeholder: the rendering check reports it
        return set()


def _values(content: Content, answer: Answer) -> set[str]:
    entry = content.listed.get(answer.name)
    return set(entry.values) if entry else set()


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


if __name__ == "__main__":
    sys.exit(main())
