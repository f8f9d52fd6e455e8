"""The plain-language check editors run on the answers and on the texts agents read (the context
card's and the desk's, in content/locale.yml): `python -m core.content.check [--root .]`.

It prints each problem as `<file>: <answer> [<lang>]: <why>` with the text below it (a length,
readability or jargon problem of an answer as rendered prefixed by the profile and roles that
render it, core/content/plain.py), then the LIX figures per language and a summary line, and
exits 1 when anything is wrong. The rules are those of docs/content.md; the test suite runs this
check on the real content.
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import yaml

from core.company import ROLES
from core.content import plain
from core.content.agent_checks import (
    agent_languages,
    agent_placeholders,
    agent_texts,
    card_rendering,
)
from core.content.answers import Answer, ContentError, Variant
from core.content.facts import STATE_SCHEME_FACTS
from core.content.inventory import Content, Problem, fact_finders
from core.content.price_area_checks import price_area_lookup
from core.content.reach import reached_answers
from core.content.readability import readability as readability_score
from core.intents import NOT_SUGGESTED
from core.settings import company_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.content.check", description=__doc__)
    parser.add_argument("--root", type=Path, default=Path("."), help="the repository root")
    parser.add_argument(
        "--company",
        type=Path,
        default=company_path(os.environ),
        help="the company profile, relative to the root (default: SVAR_COMPANY, else "
        "content/company.yml)",
    )
    args = parser.parse_args(argv)
    root = args.root
    try:
        content = Content.load(root, args.company)
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
        roles,
        reachable,
        buttons,
        plain.length,
        plain.readability,
        plain.jargon,
        literal_facts,
        placeholders,
        rendering,
        catalogue,
        topics,
        next_steps,
        agent_languages,
        agent_texts,
        agent_placeholders,
        card_rendering,
        price_area_lookup,
    )
    return [problem for each in checks for problem in each(content)]


def lix_figures(content: Content) -> list[str]:
    """Each language's LIX over its answers as rendered, an answer's hardest rendering each."""
    scores: dict[str, dict[str, float]] = {}
    for each in plain.renderings(content):
        hardest = scores.setdefault(each.language, {})
        score = readability_score(each.said.text, each.language)
        hardest[each.answer.name] = max(score, hardest.get(each.answer.name, 0.0))
    lines = []
    for language in content.languages:
        if by_answer := scores.get(language):
            worst = max(by_answer, key=by_answer.__getitem__)
            lines.append(
                f"LIX [{language}]: median {statistics.median(by_answer.values()):.1f}, "
                f"max {by_answer[worst]:.1f} ({worst}) over {len(by_answer)} answers"
            )
    return lines


def summary(content: Content, problems: list[Problem]) -> str:
    texts = len(set(key for lang in content.languages for key in content.agent_texts(lang)))
    checked = (
        f"{len(content.book.names())} answers and {texts} agent texts "
        f"in {len(content.languages)} languages"
    )
    if not problems:
        return f"{checked}: all fine"
    kinds = ", ".join(f"{n} {kind}" for kind, n in Counter(p.kind for p in problems).items())
    return f"{checked}: {len(problems)} problem{'s'[len(problems) == 1 :]} ({kinds})"


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
        for lang in content.languages
        if lang not in a.languages()
    ]


def roles(content: Content) -> list[Problem]:
    """An answer written per role has a text for every role, so any company can use it."""
    return [
        Problem(
            "missing role",
            content.file(a.source),
            a.name,
            lang,
            f"no text for the role {role!r} (write one, or join roles: 'grid, both:')",
        )
        for a in content.book
        for lang, by_role in a.by_role.items()
        for role in ROLES
        if role not in by_role
    ]


def reachable(content: Content) -> list[Problem]:
    """Every answer a rule, story or the code sends exists; every written answer is sent."""
    reached = reached_answers(content.root)
    problems = [
        Problem("missing answer", where, name, "all", "sent here, but not in content/answers/")
        for name, where in sorted(reached.items())
        if name not in content.book
    ]
    problems += [
        Problem(
            "unreachable",
            content.file(a.source),
            a.name,
            "all",
            "no rule, story, form or code sends this answer",
        )
        for a in content.book
        if a.name not in reached
    ]
    return problems


def buttons(content: Content) -> list[Problem]:
    problems = []
    for answer in content.book:
        payloads = {
            f"{lang}/{role}" if role else lang: [b.payload for b in v.buttons]
            for lang, role, v in answer.each()
        }
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


@per_variant("literal fact")
def literal_facts(content: Content, answer: Answer, lang: str, variant: Variant) -> list[str]:
    said = plain.said(variant)
    return [
        f"writes out a company fact ({found.group()!r}); use {{{placeholder}}}"
        for placeholder, pattern in fact_finders(content.profile)
        if (found := pattern.search(said))
    ]


@per_variant("unknown placeholder")
def placeholders(content: Content, answer: Answer, lang: str, variant: Variant) -> list[str]:
    allowed = (
        set(content.facts[content.profile.default_language])
        | STATE_SCHEME_FACTS
        | content.passed(answer)
    )
    return [
        f"unknown placeholder {{{name}}}: not a company fact, and docs/answers.md lists "
        "no such value for this answer"
        for name in sorted(plain.placeholder_names(variant) - allowed)
    ]


@per_variant("cannot render")
def rendering(content: Content, answer: Answer, lang: str, variant: Variant) -> list[str]:
    facts = content.facts.get(lang, content.facts[content.profile.default_language])
    # The text for the company's role is rendered, with what any of its texts names.
    try:
        content.book.render(answer.name, lang, plain.check_values(content, answer, facts), lang)
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
        for lang in content.languages
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
    problems += [
        Problem("cannot render", "content/topics.yml", intent, lang, why, title)
        for intent, by_lang in content.topics.items()
        for lang, title in by_lang.items()
        if lang in content.profile.languages and (why := _unfillable(title, content.facts[lang]))
    ]
    return problems


def _unfillable(title: str, facts: dict[str, str]) -> str:
    """Why a topic title cannot be filled with the company facts, or "" when it can."""
    try:
        title.format_map(facts)
    except KeyError as missing:
        return f"names {missing}, which is not a company fact"
    except (ValueError, IndexError) as error:
        return f"has a broken placeholder: {error}"
    return ""


def next_steps(content: Content) -> list[Problem]:
    """An answer that ends a topic names, as the next step after "it did not help", an intent
    with a topic title (the button's) in every language."""
    return [
        Problem(
            "no next step",
            content.file(answer.source),
            answer.name,
            lang,
            f"ends_topic: {answer.ends_topic!r} has no title in content/topics.yml",
        )
        for answer in content.book
        if answer.ends_topic is not None
        for lang in content.languages
        if not (content.topics.get(answer.ends_topic) or {}).get(lang)
    ]


if __name__ == "__main__":
    sys.exit(main())
