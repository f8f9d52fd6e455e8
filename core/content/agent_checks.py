"""The content check for texts agents read: the context card's and the desk's
(content/locale.yml). They are labels and one-line hints: no LIX (a two-word label's figure means
nothing), a word limit of their own instead (docs/content.md, "Texts for agents").
"""

from __future__ import annotations

import string
from typing import Any

from core.card import CardTexts, Reason
from core.card import summary as card_summary
from core.channels import CHANNELS
from core.content.inventory import Content, Problem, fact_finders
from core.content.readability import word_count
from core.outcomes import OUTCOME_NAMES
from core.transcript import Entry

# Agent texts are labels and one-line hints: no LIX (a two-word label's figure means nothing),
# a word limit of their own instead (docs/content.md, "Texts for agents").
MAX_AGENT_WORDS = 25


LOCALE_FILE = "content/locale.yml"
# Codes the insights page shows in its tables (bot/reports/insights.py), each under its label
# `desk_insights.v_<code>`: how contacts ended, why a person took over, the channel.
INSIGHT_CODES = (*OUTCOME_NAMES, *(reason.value for reason in Reason), *CHANNELS)


def agent_languages(content: Content) -> list[Problem]:
    """Every agent text in every language: what the code needs, and what any language has."""
    found = {lang: content.agent_texts(lang) for lang in content.languages}
    wanted = set().union(*found.values()) | {f"card.{key}" for key in CardTexts.KEYS}
    wanted |= {f"language_names.{lang}" for lang in content.languages}
    wanted |= {f"desk_insights.v_{code}" for code in INSIGHT_CODES}
    return [
        Problem("missing translation", LOCALE_FILE, key, lang, "no text in this language")
        for key in sorted(wanted)
        for lang in content.languages
        if key not in found[lang]
    ]


def agent_texts(content: Content) -> list[Problem]:
    """Agent texts are short plain texts, with no company fact written out."""
    problems = []
    for lang in content.languages:
        for key, text in content.agent_texts(lang).items():
            if not isinstance(text, str) or not text.strip():
                why = f"not a text: {text!r} (write it in quotes)"
                problems.append(Problem("not a text", LOCALE_FILE, key, lang, why))
                continue
            try:
                _fields(text)
            except ValueError as error:
                why = f"cannot be filled in: {error} (a placeholder is written {{name}})"
                problems.append(Problem("cannot render", LOCALE_FILE, key, lang, why, text))
            if (words := word_count(text)) > MAX_AGENT_WORDS:
                why = f"{words} words (at most {MAX_AGENT_WORDS} for agent texts)"
                problems.append(Problem("too long", LOCALE_FILE, key, lang, why, text))
            problems += [
                Problem(
                    "literal fact",
                    LOCALE_FILE,
                    key,
                    lang,
                    f"writes out a company fact ({hit.group()!r}); "
                    "the desk's texts are the same for every company",
                    text,
                )
                for _, pattern in fact_finders(content.profile)
                if (hit := pattern.search(text))
            ]
    return problems


def agent_placeholders(content: Content) -> list[Problem]:
    """The code fills in the same {names} whatever the language: each translation keeps them."""
    first, *others = content.languages
    reference = content.agent_texts(first)
    problems = []
    for lang in others:
        for key, text in content.agent_texts(lang).items():
            if key not in reference:
                continue
            try:
                expected, found = _fields(reference[key]), _fields(text)
            except ValueError:  # broken braces: agent_texts reports them
                continue
            if found != expected:
                why = f"placeholders {sorted(found)} differ from [{first}] {sorted(expected)}"
                problems.append(Problem("placeholder mismatch", LOCALE_FILE, key, lang, why, text))
    return problems


def card_rendering(content: Content) -> list[Problem]:
    """The card's summary can be written in every language, for every reason."""
    problems = []
    for lang in content.languages:
        have = content.agent_texts(lang)
        names = any(key.startswith("language_names.") for key in have)
        if not names or any(f"card.{key}" not in have for key in CardTexts.KEYS):
            continue  # agent_languages says what is missing
        try:
            texts = content.locales[lang].card
            for reason in Reason:
                said = [Entry("customer", "<text>", 0.0)]
                card_summary(reason, "<topic>", "<language>", said, texts)
                card_summary(reason, None, lang, [], texts)
        except (KeyError, IndexError, TypeError, ValueError, AttributeError) as error:
            why = f"the card's summary cannot be written: {type(error).__name__}: {error}"
            problems.append(Problem("cannot render", LOCALE_FILE, "card", lang, why))
    return problems


def _fields(text: Any) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(str(text)) if name is not None}
