"""Splitting long answers for channels that limit the length of one message."""

from __future__ import annotations

import re

# The end of a sentence: its punctuation (and a closing quote or bracket), then a space.
_SENTENCE_END = re.compile(r"[.!?…]+[\"'»”’)\]]*(?=\s)|\n")
_SPACE = re.compile(r"\s")


def split_text(text: str, limit: int) -> list[str]:
    """`text` in parts of at most `limit` characters: cut between sentences where one fits,
    else between words, else (a single overlong word) anywhere."""
    if limit < 1:
        raise ValueError("the limit must be at least one character")
    parts: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = _cut(rest, limit)
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts


def _cut(text: str, limit: int) -> int:
    """Where to end the first part: after the last sentence, or word, that fits."""
    window = text[: limit + 1]  # a space right after the limit still ends a word that fits
    sentence_ends = [m.end() for m in _SENTENCE_END.finditer(window) if 0 < m.end() <= limit]
    if sentence_ends:
        return sentence_ends[-1]
    spaces = [m.start() for m in _SPACE.finditer(window) if m.start() > 0]
    if spaces:
        return spaces[-1]
    return limit
