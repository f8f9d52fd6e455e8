"""Mask personal data before it is logged, stored in a transcript or shown to an agent.

Every number type is found by one compiled regex and then confirmed with its real
check digits (and birth date, for national IDs), so invoice amounts, customer numbers,
postal codes, dates and phone numbers pass through untouched.
E-mail addresses and phone numbers are deliberately left alone by `mask()`: agents need them.
"""

import logging
import re
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import NamedTuple


def mask(text: str) -> str:
    """Return text with national ID numbers, payment card numbers, bank account numbers and IBANs masked."""
    for rule in _RULES:
        text = rule.pattern.sub(partial(_mask_match, rule=rule), text)
    return text


def mask_phone(number: str) -> str:
    """Mask all but the last 3 digits of a phone number for logs: '+47 412 34 567' -> '+47 *** ** 567'.

    Spacing and format characters are kept, and so is a leading country code.
    """
    country = _COUNTRY_CODE.match(number)
    start = country.end() if country else 0
    return number[:start] + _redact(number[start:], keep=3)


class MaskingFilter(logging.Filter):
    """A logging filter that masks personal data in every record's final message (msg % args).

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
        return True


# --- Masking --------------------------------------------------------------------------


class _Rule(NamedTuple):
    pattern: re.Pattern[str]
    is_valid: Callable[[str], bool]
    keep: int  # trailing letters/digits left readable ("account ending 03"); 0 for national IDs


def _mask_match(match: re.Match[str], rule: _Rule) -> str:
    found = match.group()
    if rule.is_valid(found):
        return _redact(found, rule.keep)
    # A grouped number can swallow the next word or number ("... 7466 OK"): retry without it.
    head = found.rpartition(" ")[0]
    if head and rule.pattern.fullmatch(head) and rule.is_valid(head):
        return _redact(head, rule.keep) + found[len(head) :]
    return found


def _redact(text: str, keep: int) -> str:
    """Replace every letter and digit with '*' except the last `keep`, keeping separators."""
    to_hide = len(_ALNUM.findall(text)) - keep
    # Guarded because count=0 would mean "replace all".
    return _ALNUM.sub("*", text, count=to_hide) if to_hide > 0 else text


def _bounded(first: str, rest: str, edge: str = r"\d") -> re.Pattern[str]:
    """Compile `[first]rest` so a match never starts or ends inside a longer run of `edge`
    characters, nor right after a '+' (the country code of a phone number: +46701234567)."""
    # The left-edge check comes after the first character so that re can skip quickly
    # to candidate characters; a leading lookbehind makes every pass several times slower.
    return re.compile(rf"[{first}](?<![{edge}+].)(?:{rest})(?![{edge}])")


_ALNUM = re.compile(r"[^\W_]")
_NON_DIGIT = re.compile(r"\D")
# ITU country calling codes are prefix-free; these are all the 1- and 2-digit ones.
_COUNTRY_CODE = re.compile(
    r"\s*(?:\+|00)(?:[17]|2[07]|3[0-469]|4[013-9]|5[1-8]|6[0-6]|8[1246]|9[0-58]|\d{3})"
)
# Visa, Mastercard (51-55, 2221-2720), Amex, Discover, Maestro, Dankort.
_CARD_PREFIX = re.compile(
    r"4|5[1-5]|222[1-9]|22[3-9]\d|2[3-6]|27[01]|2720|3[47]|6011|64[4-9]|65|50(?:1[89]|20|38)|5893|6304|6759|676[1-3]"
)


# --- Checks ---------------------------------------------------------------------------


def _is_iban(text: str) -> bool:
    """ISO 13616: moved to the back and read with A=10..Z=35, an IBAN is 1 mod 97."""
    compact = text.replace(" ", "").upper()
    return int("".join(str(int(char, 36)) for char in compact[4:] + compact[:4])) % 97 == 1


def _is_card(text: str) -> bool:
    digits = _NON_DIGIT.sub("", text)
    return 13 <= len(digits) <= 19 and bool(_CARD_PREFIX.match(digits)) and _luhn(digits)


def _is_fodselsnummer(text: str) -> bool:
    """Norwegian fødselsnummer or D-number (day + 40): DDMMYY, 3 individual digits, 2 check digits."""
    d = _NON_DIGIT.sub("", text)
    day = int(d[:2])
    return (
        _is_date(int(d[4:6]), int(d[2:4]), day - 40 if day > 40 else day)
        and _mod11(d[:9], (3, 7, 6, 1, 8, 9, 4, 5, 2)) == int(d[9])
        and _mod11(d[:10], (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)) == int(d[10])
    )


def _is_henkilotunnus(text: str) -> bool:
    """Finnish henkilötunnus DDMMYYCZZZQ: Q is DDMMYYZZZ mod 31 in this alphabet."""
    text = text.upper()
    return _is_date(int(text[4:6]), int(text[2:4]), int(text[:2])) and (
        "0123456789ABCDEFHJKLMNPRSTUVWXY"[int(text[:6] + text[7:10]) % 31] == text[10]
    )


def _is_personnummer(text: str) -> bool:
    """Swedish personnummer or samordningsnummer (day + 60), Luhn over YYMMDDNNNN."""
    d = _NON_DIGIT.sub("", text)
    year, day = int(d[:-8]), int(d[-6:-4])
    return (
        (year < 100 or 1800 <= year < 2100)
        and _is_date(year, int(d[-8:-6]), day - 60 if day > 60 else day)
        and _luhn(d[-10:])
    )


def _is_bank_account(text: str) -> bool:
    """Norwegian account number: 4 + 2 + 5 digits, the last a mod-11 check digit."""
    d = _NON_DIGIT.sub("", text)
    return _mod11(d[:10], (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)) == int(d[10])


def _mod11(digits: str, weights: tuple[int, ...]) -> int | None:
    """The mod-11 check digit, or None when there is none (remainder 1: never issued)."""
    check = (11 - sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11) % 11
    return None if check == 10 else check


def _luhn(digits: str) -> bool:
    total = 0
    for i, char in enumerate(reversed(digits)):
        d = int(char) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _is_date(year: int, month: int, day: int) -> bool:
    """True if the date exists; a two-digit year may be in either century (29 Feb 00)."""
    for full_year in (year,) if year >= 100 else (1900 + year, 2000 + year):
        try:
            date(full_year, month, day)
            return True
        except ValueError:
            pass
    return False


# One line per type. Order matters: IBANs go first, because a Norwegian IBAN contains a
# valid account number; a plain 11-digit run is masked as a fødselsnummer (completely)
# if that check passes, otherwise as an account number if that check passes.
# fmt: off
_RULES: tuple[_Rule, ...] = (
    _Rule(_bounded("A-Za-z", r"[A-Za-z]\d\d(?:[A-Za-z0-9]{11,30}|(?: [A-Za-z0-9]{4}){2,7}(?: [A-Za-z0-9]{1,3})?)", "A-Za-z0-9"), _is_iban, keep=2),
    _Rule(_bounded(r"\d", r"\d{12,18}|\d{3}(?:[ -]\d{4}){2,3}(?:[ -]\d{1,3})?|\d{3}[ -]\d{6}[ -]\d{5}"), _is_card, keep=2),
    _Rule(_bounded(r"\d", r"\d{5} ?\d{5}"), _is_fodselsnummer, keep=0),
    _Rule(_bounded(r"\d", r"\d{5}[-+A-FU-Ya-fu-y]\d{3}[0-9A-Ya-y]", "A-Za-z0-9"), _is_henkilotunnus, keep=0),
    _Rule(_bounded(r"\d", r"\d{5}(?:\d\d)?[-+]?\d{4}"), _is_personnummer, keep=0),
    _Rule(_bounded(r"\d", r"\d{3}([. ]?)\d{2}\1\d{5}"), _is_bank_account, keep=2),
)
# fmt: on
