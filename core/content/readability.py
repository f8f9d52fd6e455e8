"""Readability figures for answers: words, sentences and LIX.

LIX (Björnsson) = words per sentence + 100 × share of long words, where a long word has more
than 6 letters. Under 40 reads easily; it works for Norwegian, English and Swedish alike.
Finnish words are long by grammar, not by difficulty (case endings, possessive suffixes and
compounds: "laskussasi", "sähkönsiirto"), so for Finnish a word is long from more than 9
letters: the LIX variant with a threshold fitted to the language (docs/content.md, "Finnish").

Answers are templates, so the counting is made for them:
- a `{placeholder}` is one short word (it stands for a phone number, a date, a link);
- a URL or an e-mail address is one short word too, and its dots do not end a sentence;
- "kl. 08.00", "f.eks.", "e.g.": the dots of known abbreviations and inside numbers do not end
  a sentence, nor does an ordinal dot before a lowercase word ("22. november") or a list
  number at the start of a line ("1. Slå av ruteren.");
- a sentence ends at `.`, `!`, `?`, `…` or a line break; a colon ends one (as in Björnsson's
  LIX) only before a capital or a line break, so "Ring oss: {phone}." stays one sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LONG_WORD_LETTERS = 6
# Languages whose ordinary words are longer: the threshold that gives their plain answers the
# share of long words nb and en have (docs/content.md, "Finnish").
LONG_WORD_LETTERS_BY_LANGUAGE = {"fi": 9}

# Abbreviations whose final dot does not end a sentence (Norwegian, English and Finnish).
ABBREVIATIONS = (
    "f.eks",
    "bl.a",
    "dvs",
    "ca",
    "kl",
    "nr",
    "evt",
    "mv",
    "pga",
    "ift",
    "tlf",
    "jf",
    "osv",
    "e.g",
    "i.e",
    "etc",
    "approx",
    "vs",
    "mr",
    "mrs",
    "ms",
    "dr",
    "esim",
    "mm",
    "ns",
    "puh",
    "jne",
    "yms",
)
# These often close a list at the end of a sentence: their dot ends it before a capital.
CLOSING_ABBREVIATIONS = ("osv.", "mv.", "etc.", "jne.", "yms.")

_TOKEN = re.compile(
    r"""
      (?P<placeholder>\{[^{}\s]*\})
    | (?P<url>(?:https?://|www\.)\S+?)(?=[.,:;!?)\]'"»”]*(?:\s|$))
    | (?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)
    | (?P<abbreviation>(?<![\w.])(?:ABBREVIATIONS)\.(?=\s|$|[,;)]))
    | (?P<word>[^\W_]+(?:[-'’.:,/–][^\W_]+)*)
    | (?P<end>[.!?:…]+|\n)
    """.replace("ABBREVIATIONS", "|".join(re.escape(a) for a in ABBREVIATIONS)),
    re.VERBOSE | re.IGNORECASE,
)


@dataclass(frozen=True)
class Token:
    kind: str  # placeholder, url, email, abbreviation, word, end
    text: str
    start: int
    end: int

    def is_long(self, letters: int = LONG_WORD_LETTERS) -> bool:
        """More than `letters` letters; placeholders, links and addresses count as short."""
        if self.kind != "word":
            return False
        return sum(c.isalnum() for c in self.text) > letters


def tokens(text: str) -> list[Token]:
    """Words (of every kind) and sentence ends, in order; `{{`/`}}` are literal braces."""
    text = text.replace("{{", "  ").replace("}}", "  ")
    return [Token(str(m.lastgroup), m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def sentence_tokens(text: str) -> list[list[Token]]:
    """The words of each sentence (sentence ends left out); empty sentences are dropped."""
    found: list[list[Token]] = []
    current: list[Token] = []
    at_line_start = True  # whether `current` began a line
    all_tokens = tokens(text)
    for i, token in enumerate(all_tokens):
        following = all_tokens[i + 1] if i + 1 < len(all_tokens) else None
        if token.kind != "end":
            if not current:
                at_line_start = i == 0 or all_tokens[i - 1].text == "\n"
            current.append(token)
            if _closes_list(token, following):
                found.append(current)
                current = []
        elif current and not _keeps_open(current, at_line_start, token, following):
            found.append(current)
            current = []
    if current:
        found.append(current)
    return found


def sentences(text: str) -> list[str]:
    """The sentences of `text`, each as written (with its end mark)."""
    result = []
    all_tokens = tokens(text)
    for words in sentence_tokens(text):
        end = words[-1].end
        after = [t for t in all_tokens if t.start >= end]
        if after and after[0].kind == "end" and after[0].text != "\n":
            end = after[0].end
        result.append(text[words[0].start : end].strip())
    return result


def words(text: str) -> list[str]:
    return [t.text for sentence in sentence_tokens(text) for t in sentence]


def word_count(text: str) -> int:
    return len(words(text))


def long_word_count(text: str, letters: int = LONG_WORD_LETTERS) -> int:
    return sum(t.is_long(letters) for sentence in sentence_tokens(text) for t in sentence)


def lix(text: str, long_word_letters: int = LONG_WORD_LETTERS) -> float:
    """Words per sentence + 100 × long words / words; 0.0 for a text without words."""
    found = sentence_tokens(text)
    n_words = sum(len(s) for s in found)
    if n_words == 0:
        return 0.0
    n_long = sum(t.is_long(long_word_letters) for s in found for t in s)
    return n_words / len(found) + 100 * n_long / n_words


def readability(text: str, language: str) -> float:
    """LIX with the language's long-word threshold: Björnsson's for nb, en and sv, Finnish's
    own for fi; one scale, so one limit for every language."""
    return lix(text, LONG_WORD_LETTERS_BY_LANGUAGE.get(language, LONG_WORD_LETTERS))


def _keeps_open(
    current: list[Token], at_line_start: bool, end: Token, following: Token | None
) -> bool:
    """An ordinal dot ("22. november"), a list number ("1. Ring oss") or a colon before a
    lowercase word or a link is no sentence end."""
    if end.text == ":":
        return following is not None and following.kind != "end" and not following.text[0].isupper()
    previous = current[-1]
    if end.text != "." or previous.kind != "word" or not previous.text.isdigit():
        return False
    if len(current) == 1 and at_line_start:
        return True
    return following is not None and following.kind == "word" and following.text[0].islower()


def _closes_list(token: Token, following: Token | None) -> bool:
    """ "strøm, nett osv. Ring oss": a closing abbreviation before a capital ends a sentence."""
    return (
        token.kind == "abbreviation"
        and token.text.lower() in CLOSING_ABBREVIATIONS
        and following is not None
        and following.kind == "word"
        and following.text[0].isupper()
    )
