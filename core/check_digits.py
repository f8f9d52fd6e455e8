"""Check digits and dates of the numbers `core.pii` masks: is this string of digits (or an
IBAN without its spaces) a valid number of its kind?"""

from datetime import date


def is_iban(compact: str) -> bool:
    """ISO 13616: moved to the back and read with A=10..Z=35, an IBAN is 1 mod 97."""
    return int("".join(str(int(char, 36)) for char in compact[4:] + compact[:4])) % 97 == 1


def is_card(digits: str) -> bool:
    """Any number of 13-19 digits that passes Luhn. No card number starts with 0 (ISO/IEC 7812
    assigns that industry digit to no issuer); a phone number dialled with 00 often does."""
    return digits[0] != "0" and _luhn(digits)


def is_fodselsnummer(d: str) -> bool:
    """Norwegian fødselsnummer or D-number (day + 40): DDMMYY, 3 individual digits, 2 check digits."""
    day = int(d[:2])
    return (
        _is_date(int(d[4:6]), int(d[2:4]), day - 40 if day > 40 else day)
        and _mod11(d[:9], (3, 7, 6, 1, 8, 9, 4, 5, 2)) == int(d[9])
        and _mod11(d[:10], (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)) == int(d[10])
    )


def is_henkilotunnus(ddmmyy: str, individual: str, check: str) -> bool:
    """Finnish henkilötunnus DDMMYYCZZZQ: Q is DDMMYYZZZ mod 31 in this alphabet.

    The century sign C (+ 1800s; - Y X W V U 1900s; A-F 2000s) is not checked: the pattern
    allows every one of them, and a separator in its place."""
    return _is_date(int(ddmmyy[4:6]), int(ddmmyy[2:4]), int(ddmmyy[:2])) and (
        "0123456789ABCDEFHJKLMNPRSTUVWXY"[int(ddmmyy + individual) % 31] == check.upper()
    )


def is_personnummer(d: str) -> bool:
    """Swedish personnummer or samordningsnummer (day + 60), Luhn over YYMMDDNNNN."""
    year, day = int(d[:-8]), int(d[-6:-4])
    return (
        (year < 100 or 1800 <= year < 2100)
        and _is_date(year, int(d[-8:-6]), day - 60 if day > 60 else day)
        and _luhn(d[-10:])
    )


def is_bank_account(d: str) -> bool:
    """Norwegian account number: 4 + 2 + 5 digits, the last a mod-11 check digit."""
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


# Each country's IBAN length (SWIFT's IBAN registry); IBANs of countries not listed are found
# by the check alone.
# fmt: off
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27,
    "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27,
    "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22,
    "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32,
    "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
    "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24,
    "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31,
    "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28, "TL": 23,
    "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}
# fmt: on
