"""The plain-language rules (at most 60 words, LIX under 40, jargon explained) on the answers as
customers read them: rendered with each profile the content check knows (the checked one and
every shipped one), in each of its languages and as each role, so that a profile's sentence
("{cut_off_rule}") or a long name counts where it is said (docs/content.md, "Short and plain").

A value the bot passes with an answer (a date, a name) stays its `{placeholder}`: one short word,
as the rules count it in a template. A problem is reported once for the texts that read the same
in several roles of a profile, as `<profile> [as <roles>]: <file>: <answer> [<lang>]: <why>`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from core.company import ROLES
from core.content.answers import Answer, Rendered, Variant, filled
from core.content.facts import company_facts
from core.content.inventory import Content, Problem
from core.content.readability import readability as readability_score
from core.content.readability import word_count

MAX_WORDS = 60
MAX_LIX = 40.0  # an answer's LIX must be under this


@dataclass(frozen=True)
class Rendering:
    """One answer in one language as a profile renders it, in the roles that read it so."""

    profile: str  # "content/company.yml", or "content/company.yml as grid, both"
    answer: Answer
    language: str
    said: Rendered
    facts: Mapping[str, str]


def renderings(content: Content) -> Iterator[Rendering]:
    """Every answer in each language of each profile, once per text that reads differently in
    its roles; a language no profile speaks, with the checked profile's facts."""
    spoken = {lang for profile in content.profiles.values() for lang in profile.languages}
    unspoken = tuple(lang for lang in content.languages if lang not in spoken)
    for index, (path, profile) in enumerate(content.profiles.items()):
        for language in profile.languages + (unspoken if index == 0 else ()):
            locale = content.locales.get(language) or content.locales[profile.default_language]
            facts = {role: company_facts(profile.as_role(role), locale) for role in ROLES}
            for answer in content.book:
                roles_by_text: dict[Rendered, list[str]] = {}
                for role in ROLES:
                    values = check_values(content, answer, facts[role])
                    try:
                        said = content.book.render(answer.name, language, values, language)
                    except (AttributeError, TypeError, ValueError):
                        continue  # the rendering check reports it
                    roles_by_text.setdefault(said, []).append(role)
                for said, roles in roles_by_text.items():
                    label = path if profile.role in roles else f"{path} as {', '.join(roles)}"
                    yield Rendering(label, answer, language, said, facts[roles[0]])


def check_values(content: Content, answer: Answer, facts: Mapping[str, str]) -> dict[str, str]:
    """The facts, and each other value the answer names or the bot passes with it kept as its
    `{placeholder}`: what the check renders an answer with."""
    named = {name for _, _, each in answer.each() for name in placeholder_names(each)}
    wanted = (named - set(facts)) | content.passed(answer)
    return {**facts, **{name: f"{{{name}}}" for name in wanted}}


RenderingCheck = Callable[[Content, Rendering], list[str]]


def per_rendering(kind: str) -> Callable[[RenderingCheck], Callable[[Content], list[Problem]]]:
    """Make a check of one rendered answer (returning reasons) a check of all."""

    def wrap(why: RenderingCheck) -> Callable[[Content], list[Problem]]:
        @functools.wraps(why)
        def run(content: Content) -> list[Problem]:
            return [
                Problem(
                    kind,
                    content.file(each.answer.source),
                    each.answer.name,
                    each.language,
                    reason,
                    each.said.text,
                    each.profile,
                )
                for each in renderings(content)
                for reason in why(content, each)
            ]

        return run

    return wrap


@per_rendering("too long")
def length(content: Content, rendering: Rendering) -> list[str]:
    words = word_count(rendering.said.text)
    return [f"{words} words (at most {MAX_WORDS})"] if words > MAX_WORDS else []


@per_rendering("hard to read")
def readability(content: Content, rendering: Rendering) -> list[str]:
    score = readability_score(rendering.said.text, rendering.language)
    return [f"LIX {score:.1f} (must be under {MAX_LIX:.0f})"] if score >= MAX_LIX else []


@per_rendering("unexplained jargon")
def jargon(content: Content, rendering: Rendering) -> list[str]:
    text = said(rendering.said)
    return [
        f"{term!r} is not explained here (explain it, e.g. with {explanations[0]!r})"
        for term, explanations in content.jargon.get(rendering.language, {}).items()
        if mentions(text, term)
        and not any(filled(e, rendering.facts).lower() in text.lower() for e in explanations)
    ]


def said(answer: Variant | Rendered) -> str:
    """Everything the customer reads: the text and the button titles."""
    return "\n".join([answer.text, *(b.title for b in answer.buttons)])


def mentions(text: str, term: str) -> bool:
    """The term at the start of a word; any case only when the term is all lowercase."""
    pattern = r"(?<!\w)" + re.escape(term).replace(r"\ ", r"\s+")
    return re.search(pattern, text, 0 if term != term.lower() else re.IGNORECASE) is not None


def placeholder_names(variant: Variant) -> set[str]:
    try:
        return variant.placeholders()
    except ValueError:  # a broken placeholder: the rendering check reports it
        return set()
