"""Mask personal data before it is logged, stored in a transcript or shown to an agent.

`mask()` reads a normalised copy of the text: NFKC (so no-break and other spaces are
spaces, full-width digits are digits), every dash a '-', and format characters such as
zero-width spaces removed. What it returns is the customer's own text with only the
letters and digits of the numbers it found replaced by '*'.

Numbers are found as runs of digit groups joined by separators (space, dot, dash, and '+'
for Swedish IDs). Each run is searched for the groupings people write each number in
(DDMMYY-NNNNN, 4-4-4-4, 4.2.5, ...), and a candidate is masked only when its real check
digits (and birth date, for national IDs) agree: so invoice amounts, customer numbers,
postal codes, dates and phone numbers pass through untouched. IBANs and Finnish IDs, which
hold letters, have their own patterns. E-mail addresses and phone numbers are deliberately
left alone by `mask()`: agents need them.
"""

import logging
import re
import unicodedata
from collections.abc import Callable, Iterator
from typing import NamedTuple

from core import check_digits


def mask(text: str) -> str:
    """Return text with national ID numbers, payment card numbers, bank account numbers and IBANs masked."""
    normal, origin = _normalise(text)
    pieces: list[str] = []
    last = 0
    for start, end, keep in _find(normal):
        if origin is not None:  # back to the customer's own characters
            start, end = max(origin[start], last), origin[end - 1] + 1
        pieces += (text[last:start], _redact(text[start:end], keep))
        last = end
    return "".join(pieces) + text[last:] if pieces else text


def mask_phone(number: str) -> str:
    """Mask all but the last 3 digits of a phone number for logs: '+47 412 34 567' -> '+47 *** ** 567'.

    Spacing and format characters are kept, and so is a leading country code.
    """
    country = _COUNTRY_CODE.match(number)
    start = country.end() if country else 0
    return number[:start] + _redact(number[start:], keep=3)


class MaskingFilter(logging.Filter):
    """A logging filter that masks personal data in every record's final message (msg % args),
    its traceback and its stack.

    Attach it to handlers, not loggers: a logger's filters do not see records
    propagated from its child loggers, a handler's filters see them all.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            # A malformed %-call: logging would print the raw args via handleError.
            message = f"{record.msg} {record.args}"
        record.msg, record.args = mask(message), None
        if record.exc_info and not record.exc_text:
            # Exception messages often quote user input; render the traceback now to mask it.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return True


# --- Reading the text -----------------------------------------------------------------

# Unicode's format characters (category Cf: zero-width space and joiners, word joiner, soft
# hyphen, direction marks, BOM...): invisible, so they are read as absent.
# tests/core/test_pii.py checks this list against unicodedata.
_FORMAT = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
_DASHES = "\u2010-\u2015\u2212"  # hyphen, non-breaking hyphen, figure/en/em dash, minus
_UNUSUAL = re.compile(f"[{_FORMAT}{_DASHES}]")
_IS_FORMAT = re.compile(f"[{_FORMAT}]")
_TO_HYPHEN = dict.fromkeys(range(0x2010, 0x2016), "-") | {0x2212: "-"}
# A quick first look: the Latin-1 characters that NFKC keeps as they are (ASCII, æ, ø, å, ä,
# ö, é...) need no normalising; only texts with other characters are looked at closer.
_MAY_CHANGE = re.compile(
    "[^{}]".format(
        re.escape(
            "".join(
                chr(c)
                for c in range(256)
                if unicodedata.normalize("NFKC", chr(c)) == chr(c) and not _IS_FORMAT.match(chr(c))
            )
        )
    )
)


def _normalise(text: str) -> tuple[str, list[int] | None]:
    """The text to search, and for each of its characters the index it came from in `text`
    (None: the same text, as almost every message is)."""
    if not _MAY_CHANGE.search(text) or (
        unicodedata.is_normalized("NFKC", text) and not _UNUSUAL.search(text)
    ):
        return text, None
    chars: list[str] = []
    origin: list[int] = []
    last = 0
    for found in _MAY_CHANGE.finditer(text):
        i = found.start()
        chars.append(text[last:i])
        origin += range(last, i)
        if not _IS_FORMAT.match(found.group()):
            normal = unicodedata.normalize("NFKC", found.group()).translate(_TO_HYPHEN)
            chars.append(normal)
            origin += [i] * len(normal)
        last = i + 1
    chars.append(text[last:])
    origin += range(last, len(text))
    return "".join(chars), origin


# --- Finding numbers ------------------------------------------------------------------


class _Kind(NamedTuple):
    is_valid: Callable[[str], bool]  # given the digits alone
    keep: int  # trailing letters/digits left readable ("account ending 03"); 0 for national IDs


_Span = tuple[int, int, int]  # start, end, keep


def _find(text: str) -> list[_Span]:
    """Where the numbers to mask are in `text`, in order, none overlapping."""
    spans: list[_Span] = []
    if not _DIGITS.search(text):
        return spans
    for finder in (_ibans, _henkilotunnukset, _digit_numbers):
        if spans:  # numbers already found are not read again as parts of other numbers
            text = _blank(text, spans)
        spans = sorted((*spans, *finder(text)))
    return spans


def _ibans(text: str) -> Iterator[_Span]:
    """IBANs of any country, written whole or in groups of any size."""
    for match in _IBAN_RUN.finditer(text):
        offset = match.start() - 2  # the country code before the check digits
        run = text[offset : match.end()]
        groups = [(m.start(), m.end()) for m in _ALNUM_RUN.finditer(run)]
        i = 0
        while i < len(groups):
            j = _iban_end(run, groups, i) if i == 0 or _IBAN_HEAD.match(run, groups[i][0]) else None
            if j is None:
                i += 1
            else:
                yield offset + groups[i][0], offset + groups[j][1], 2
                i = j + 1


def _iban_end(run: str, groups: list[tuple[int, int]], i: int) -> int | None:
    """The last group of the IBAN that starts with group i, if one does.

    The words after an IBAN are groups too, and one in 97 passes the check with them: so the
    best is the one of the country's registered length; else one ending in a digit (the
    words after an IBAN seldom hold one); else the longest."""
    length = check_digits.IBAN_LENGTHS.get(run[groups[i][0] : groups[i][0] + 2].upper())
    best: tuple[tuple[bool, bool, int], int] | None = None
    compact = ""
    for j in range(i, len(groups)):
        compact += run[groups[j][0] : groups[j][1]]
        if len(compact) > 34:
            break
        if len(compact) >= 15 and check_digits.is_iban(compact):
            rank = (len(compact) == length, run[groups[j][1] - 1].isdigit(), j)
            best = max(best, (rank, j)) if best else (rank, j)
    return None if best is None else best[1]


def _henkilotunnukset(text: str) -> Iterator[_Span]:
    """Finnish IDs with a letter (century sign or check character). One all in digits
    (131052-3082) is read with the other digit numbers, as it may be part of one of them."""
    for match in _HETU.finditer(text):
        found = match.group()
        if _has_letter(found) and check_digits.is_henkilotunnus(found[:6], found[-4:-1], found[-1]):
            yield match.start(), match.end(), 0


def _is_henkilotunnus_in_digits(d: str) -> bool:
    return check_digits.is_henkilotunnus(d[:6], d[6:9], d[9])


def _digit_numbers(text: str) -> Iterator[_Span]:
    """Cards, Norwegian and Swedish IDs and Norwegian accounts: in each run of digit groups,
    the earliest and then longest run of whole groups that is one of them."""
    for run in _DIGIT_RUN.finditer(text):
        groups = [(m.start(), m.end()) for m in _DIGITS.finditer(text, run.start(), run.end())]
        i = 0
        while i < len(groups):
            found = None
            start, end = groups[i]
            # Not right after a '+': that is a phone number's country code (+46701234567).
            if end - start in _FIRST_GROUPS and text[start - 1 : start] != "+":
                found = _longest_number(text, groups, i)
            if found is None:
                i += 1
            else:
                j, keep = found
                yield groups[i][0], groups[j][1], keep
                i = j + 1


def _longest_number(text: str, groups: list[tuple[int, int]], i: int) -> tuple[int, int] | None:
    """(last group, keep) of the longest number that starts with group i, if any."""
    lengths: list[int] = []
    total = 0
    for k in range(i, len(groups)):
        start, end = groups[k]
        total += end - start
        if total > _MOST_DIGITS:
            break
        lengths.append(end - start)
    while lengths:
        kinds = _SHAPES.get(tuple(lengths))
        if kinds:
            digits = "".join(text[s:e] for s, e in groups[i : i + len(lengths)])
            for kind in kinds:
                if kind.is_valid(digits):
                    return i + len(lengths) - 1, kind.keep
        lengths.pop()
    return None


def _blank(text: str, spans: list[_Span]) -> str:
    pieces: list[str] = []
    last = 0
    for start, end, _ in spans:
        pieces += (text[last:start], "*" * (end - start))
        last = end
    return "".join(pieces) + text[last:]


def _redact(text: str, keep: int) -> str:
    """Replace every letter and digit with '*' except the last `keep`, keeping separators."""
    to_hide = len(_ALNUM.findall(text)) - keep
    # Guarded because count=0 would mean "replace all".
    return _ALNUM.sub("*", text, count=to_hide) if to_hide > 0 else text


# --- Patterns and groupings -------------------------------------------------------------

_ALNUM = re.compile(r"[^\W_]")
_has_letter = re.compile(r"[A-Za-z]").search
_DIGITS = re.compile(r"[0-9]+")
_ALNUM_RUN = re.compile(r"[A-Za-z0-9]+")
# Between two groups: a space or two, or a dot or dash with or without a space on each side;
# '+' only alone (Swedish IDs of people over 100: 811228+9874).
_SEPARATOR = r"(?: ?[.\-] ?| {1,2}|\+)"
# Two check digits after a country code's two letters, then groups of letters and digits.
# It starts at the check digits (found quickly: digits are rare) and looks back for the rest.
_IBAN_RUN = re.compile(
    rf"[0-9](?<=(?<![A-Za-z0-9])[A-Za-z]{{2}}.)[0-9][A-Za-z0-9]*(?:{_SEPARATOR}[A-Za-z0-9]+)*"
)
_IBAN_HEAD = re.compile(r"[A-Za-z]{2}[0-9]{2}")
# DDMMYY, a century sign or a separator in its place, ZZZ, the check character.
_HETU = re.compile(
    r"[0-9](?<![A-Za-z0-9].)[0-9]{5}(?:[-+A-FU-Ya-fu-y]| ?[.\-+] ?| {1,2})[0-9]{3}[0-9A-Ya-y](?![A-Za-z0-9])"
)
# ITU country calling codes are prefix-free; these are all the 1- and 2-digit ones.
_COUNTRY_CODE = re.compile(
    r"\s*(?:\+|00)(?:[17]|2[07]|3[0-469]|4[013-9]|5[1-8]|6[0-6]|8[1246]|9[0-58]|\d{3})"
)

_CARD = _Kind(check_digits.is_card, keep=2)
_FODSELSNUMMER = _Kind(check_digits.is_fodselsnummer, keep=0)
_PERSONNUMMER = _Kind(check_digits.is_personnummer, keep=0)
_HENKILOTUNNUS = _Kind(_is_henkilotunnus_in_digits, keep=0)
_ACCOUNT = _Kind(check_digits.is_bank_account, keep=2)

# The digit groups each number is written in. An 11-digit number is masked as a
# fødselsnummer (completely) if that check passes, otherwise as an account number.
_GROUPINGS: tuple[tuple[_Kind, tuple[tuple[int, ...], ...]], ...] = (
    (_FODSELSNUMMER, ((11,), (6, 5))),
    (_PERSONNUMMER, ((10,), (6, 4), (12,), (8, 4))),
    (_HENKILOTUNNUS, ((6, 4),)),  # with a '-' or '+' sign, or a separator in its place
    (_ACCOUNT, ((11,), (4, 2, 5))),
    (
        _CARD,
        (
            *((n,) for n in range(13, 20)),
            *((4, 4, 4, n) for n in range(1, 5)),  # 13-16 digits in fours
            *((4, 4, 4, 4, n) for n in range(1, 4)),  # 17-19
            (4, 6, 5),  # Amex
            (4, 6, 4),  # Diners
        ),
    ),
)
_SHAPES: dict[tuple[int, ...], list[_Kind]] = {}
for _kind, _shapes in _GROUPINGS:
    for _shape in _shapes:
        _SHAPES.setdefault(_shape, []).append(_kind)
_FIRST_GROUPS = {shape[0] for shape in _SHAPES}
_FEWEST_DIGITS = min(sum(shape) for shape in _SHAPES)
_MOST_DIGITS = max(sum(shape) for shape in _SHAPES)
# Digit groups; a run as long as the separators allow (numbers are found inside it). The
# lookahead skips short numbers quickly.
_DIGIT_RUN = re.compile(
    rf"[0-9](?=[0-9 .\-+]{{{_FEWEST_DIGITS - 1}}})[0-9]*(?:{_SEPARATOR}[0-9]+)*"
)
