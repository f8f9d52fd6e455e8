"""Valid numbers of every kind `core.pii.mask` hides, the forms customers write them in, and
ordinary texts it must leave alone.

Shared by the property tests (tests/core/test_pii.py, drawing through hypothesis'
`st.randoms()`) and the figure script (benchmarks/pii_forms.py, drawing from a seeded
`random.Random`). The check digits are computed here with the published algorithms, written
independently of core.pii. Over 400 lines: one generator per kind of number and per way of
writing it.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

# What customers put between the groups of a number (and what their keyboards and phones
# make of a space or a dash): space, no-break space, narrow no-break and figure space, two
# spaces, dot, dash, hyphen, non-breaking hyphen, en dash, minus, spaced dashes.
SEPARATORS = (
    " ",
    "\u00a0",
    "\u202f",
    "\u2007",
    "  ",
    ".",
    "-",
    "\u2010",
    "\u2011",
    "\u2013",
    "\u2212",
    " - ",
    " \u2013 ",
)
# Invisible characters that copy-paste and some keyboards leave between digits: zero-width
# space, non-joiner and joiner, word joiner, BOM (zero-width no-break space), soft hyphen,
# left-to-right mark.
ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e")
FULLWIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")

KINDS = (
    "fødselsnummer",
    "D-nummer",
    "personnummer",
    "personnummer (12 digits)",
    "samordningsnummer",
    "henkilötunnus",
    "card",
    "account number",
    "IBAN",
)

# Century signs of the henkilötunnus, by century (the letters since 2023).
CENTURY_SIGNS = {1800: "+", 1900: "-YXWVU", 2000: "ABCDEF"}
HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"

# Card networks: (prefixes, lengths). "any" is what no network list would hold: the masking
# must not depend on one.
CARD_NETWORKS = {
    "Visa": (("4",), (13, 16, 19)),
    "Mastercard": (("51", "55", "2221", "2720"), (16,)),
    "American Express": (("34", "37"), (15,)),
    "Discover": (("6011", "644", "65"), (16, 19)),
    "JCB": (("3528", "3589"), (16, 17, 18, 19)),
    "Diners Club": (("300", "305", "36", "38"), (14, 16)),
    "UnionPay": (("62", "81"), (16, 17, 18, 19)),
    "Mir": (("2200", "2204"), (16, 17, 18, 19)),
    "Maestro": (("5018", "6304", "6759"), (13, 15, 16, 18, 19)),
    "Dankort": (("5019",), (16,)),
    "any": (("1", "7", "8", "9"), (13, 14, 15, 16, 17, 18, 19)),
}

# IBAN countries: BBAN as n (digits), a (capital letters), c (letters or digits) runs.
IBAN_COUNTRIES = {
    "NO": "11n",
    "SE": "20n",
    "FI": "14n",
    "DK": "14n",
    "IS": "22n",
    "DE": "18n",
    "GB": "4a14n",
    "FR": "10n11c2n",
    "NL": "4a10n",
    "ES": "20n",
    "IT": "1a10n12c",
    "PL": "24n",
    "EE": "16n",
    "LV": "4a13c",
    "CH": "5n12c",
    "IE": "4a14n",
    "MT": "4a5n18c",
    "LC": "4a24c",
    "RU": "14n15c",
    "UA": "6n19c",
}

# Countries whose banks use IBANs outside SWIFT's registry (no registered length).
UNREGISTERED_IBAN_COUNTRIES = (
    "DZ",
    "AO",
    "BJ",
    "BF",
    "CM",
    "CV",
    "CI",
    "HN",
    "IR",
    "MG",
    "ML",
    "MA",
    "MZ",
    "SN",
)

SENTENCES = {
    "nb": (
        "Fødselsnummeret mitt er {}.",
        "Hei! Kan dere sjekke {} for meg?",
        "{} er kontoen min",
        "kortnr:{}",
        "Trekk det fra ({}), takk",
        "ok\n{}\nhilsen Kari",
    ),
    "en": ("My number is {}, thanks.", 'Card: "{}"!', "{}"),
    "fi": ("Henkilötunnukseni on {} ja osoite Mannerheimintie 5.", "Tilinumero {}, kiitos."),
    "sv": ("Mitt personnummer är {}.", "Kortet {} – det gamla."),
}


@dataclass(frozen=True)
class Number:
    """One valid number: its kind, the ways its characters are grouped, what may stand
    between the groups, and how many trailing letters and digits may stay readable."""

    kind: str
    groupings: tuple[tuple[str, ...], ...]
    joiners: tuple[str, ...] = SEPARATORS
    keep: int = 0

    @property
    def compact(self) -> str:
        return "".join(self.groupings[0])


# --- Valid numbers --------------------------------------------------------------------


def valid_number(rng: random.Random, kind: str) -> Number:
    """A valid number of this kind (one of KINDS), with random date and digits."""
    while True:
        number = _MAKERS[kind](rng)
        if number is not None:
            return number


def fodselsnummer(born: date, individual: int, d_number: bool) -> Number | None:
    """Norwegian fødselsnummer (D-number: day + 40); None when no check digit exists."""
    day = born.day + 40 if d_number else born.day
    base = f"{day:02d}{born:%m%y}{individual:03d}"
    k1 = _mod11(base, (3, 7, 6, 1, 8, 9, 4, 5, 2))
    k2 = None if k1 is None else _mod11(f"{base}{k1}", (5, 4, 3, 2, 7, 6, 5, 4, 3, 2))
    if k2 is None:
        return None
    digits = f"{base}{k1}{k2}"
    return Number(
        "D-nummer" if d_number else "fødselsnummer", ((digits,), (digits[:6], digits[6:]))
    )


def personnummer(born: date, serial: int, samordning: bool, twelve: bool) -> Number:
    """Swedish personnummer (samordningsnummer: day + 60), 10 or 12 digits."""
    day = born.day + 60 if samordning else born.day
    nine = f"{born:%y%m}{day:02d}{serial:03d}"
    digits = f"{born.year // 100}{nine}" if twelve else nine
    digits += str(_luhn_digit(nine))
    if samordning:
        kind = "samordningsnummer"
    else:
        kind = "personnummer (12 digits)" if twelve else "personnummer"
    split = len(digits) - 4
    return Number(kind, ((digits[:split], digits[split:]),), _joiners("", "-", "+", *SEPARATORS))


def henkilotunnus(born: date, individual: int, sign: str) -> Number:
    """Finnish henkilötunnus with this century sign (one of CENTURY_SIGNS[century])."""
    ddmmyy = f"{born:%d%m%y}"
    check = HETU_CHECK[int(f"{ddmmyy}{individual:03d}") % 31]
    groups = (ddmmyy, f"{individual:03d}{check}")
    return Number("henkilötunnus", (groups,), _joiners(sign, *SEPARATORS))


def card(prefix: str, length: int, rng: random.Random) -> Number:
    body = prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix) - 1))
    digits = f"{body}{_luhn_digit(body)}"
    fours = tuple(digits[i : i + 4] for i in range(0, length, 4))
    groupings: tuple[tuple[str, ...], ...] = ((digits,), fours)
    if length in (14, 15):  # American Express and Diners Club: 4-6-5, 4-6-4
        groupings += ((digits[:4], digits[4:10], digits[10:]),)
    return Number("card", groupings, keep=2)


def account_number(first_ten: str) -> Number | None:
    check = _mod11(first_ten, (5, 4, 3, 2, 7, 6, 5, 4, 3, 2))
    if check is None:
        return None
    digits = f"{first_ten}{check}"
    return Number("account number", ((digits,), (digits[:4], digits[4:6], digits[6:])), keep=2)


def iban(country: str, bban: str) -> Number:
    numeric = int("".join(str(int(char, 36)) for char in f"{bban}{country}00"))
    whole = f"{country}{98 - numeric % 97:02d}{bban}"
    groupings: tuple[tuple[str, ...], ...] = (
        (whole,),
        tuple(whole[i : i + 4] for i in range(0, len(whole), 4)),
    )
    if country == "NO":  # the account number's own grouping: NO93 8601 11 17947
        groupings += ((whole[:4], bban[:4], bban[4:6], bban[6:]),)
    return Number("IBAN", groupings, (" ", "\u00a0", "\u202f", "-", "."), keep=2)


def _fodselsnummer(rng: random.Random, d_number: bool = False) -> Number | None:
    return fodselsnummer(_date(rng, 1900, 2039), rng.randrange(1000), d_number)


def _personnummer(
    rng: random.Random, samordning: bool = False, twelve: bool = False
) -> Number | None:
    return personnummer(_date(rng, 1900, 2025), rng.randrange(1000), samordning, twelve)


def _henkilotunnus(rng: random.Random) -> Number:
    century = rng.choice(list(CENTURY_SIGNS))
    born = _date(rng, max(century, 1850), min(century + 99, 2025))
    return henkilotunnus(born, rng.randrange(2, 900), rng.choice(CENTURY_SIGNS[century]))


def _card(rng: random.Random) -> Number:
    prefixes, lengths = CARD_NETWORKS[rng.choice(list(CARD_NETWORKS))]
    return card(rng.choice(prefixes), rng.choice(lengths), rng)


def _account(rng: random.Random) -> Number | None:
    return account_number("".join(rng.choice("0123456789") for _ in range(10)))


def _iban(rng: random.Random) -> Number:
    if rng.random() < 0.2:
        # A country outside SWIFT's registry, with any length: the mod-97 check is the same
        # for all. Ending in a digit: without a registered length, a word after an IBAN that
        # ends in a letter could be part of it (1 in 97 pass the check with it).
        country = rng.choice(UNREGISTERED_IBAN_COUNTRIES)
        return iban(country, _chars(rng, "c", rng.randint(10, 29)) + _chars(rng, "n", 1))
    country = rng.choice(list(IBAN_COUNTRIES))
    runs = re.findall(r"(\d+)([nac])", IBAN_COUNTRIES[country])
    return iban(country, "".join(_chars(rng, kind, int(count)) for count, kind in runs))


_MAKERS: dict[str, Callable[[random.Random], Number | None]] = {
    "fødselsnummer": _fodselsnummer,
    "D-nummer": lambda rng: _fodselsnummer(rng, d_number=True),
    "personnummer": _personnummer,
    "personnummer (12 digits)": lambda rng: _personnummer(rng, twelve=True),
    "samordningsnummer": lambda rng: _personnummer(rng, samordning=True, twelve=rng.random() < 0.5),
    "henkilötunnus": _henkilotunnus,
    "card": _card,
    "account number": _account,
    "IBAN": _iban,
}


# --- Written forms --------------------------------------------------------------------


def written(rng: random.Random, number: Number) -> str:
    """One way a customer may write the number: a grouping, a joiner in each gap (mixed),
    perhaps zero-width characters anywhere inside, full-width digits, lower case."""
    groups = rng.choice(number.groupings)
    form = groups[0]
    for group in groups[1:]:
        form += rng.choice(number.joiners) + group
    if rng.random() < 0.5:
        density = rng.choice((0.1, 0.5, 1.0))
        form = form[0] + "".join(
            (rng.choice(ZERO_WIDTH) if rng.random() < density else "") + char for char in form[1:]
        )
    if rng.random() < 0.1:
        form = form.translate(FULLWIDTH)
    if rng.random() < 0.3:
        form = form.lower()
    return form


def every_form(number: Number) -> Iterator[str]:
    """Every grouping with every joiner (the same in each gap), each also with a zero-width
    character between every two characters, with full-width digits, and in lower case."""
    for groups in number.groupings:
        for joiner in number.joiners if len(groups) > 1 else ("",):
            form = joiner.join(groups)
            yield form
            yield form[0] + "".join(
                ZERO_WIDTH[i % len(ZERO_WIDTH)] + char for i, char in enumerate(form[1:])
            )
            yield form.translate(FULLWIDTH)
            if form.lower() != form:
                yield form.lower()


def sentences() -> Iterator[tuple[str, str, str]]:
    """(language, text before the number, text after it) for every sentence."""
    for language, templates in SENTENCES.items():
        for template in templates:
            before, after = template.split("{}")
            yield language, before, after


def redacted(form: str, keep: int) -> str:
    """The form as the customer should see it masked: every letter and digit a '*' but the
    last `keep`; separators and invisible characters as written."""
    alnum = [i for i, char in enumerate(form) if char.isalnum()]
    hidden = set(alnum[: len(alnum) - keep])
    return "".join("*" if i in hidden else char for i, char in enumerate(form))


# --- Ordinary texts -------------------------------------------------------------------

NB_MONTHS = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august")
PHONES = (
    "+47 9## ## ###",
    "+47 9#######",
    "+47 22 ## ## ##",
    "0047 9## ## ###",
    "0047 9#######",
    "9## ## ###",
    "4#######",
    "4# ## ## ##",
    "22 ## ## ##",
    "040 ### ####",
    "040-### ####",
    "050 ### ## ##",
    "09 ### ####",
    "+358 40 ### ####",
    "+358 9 ### ####",
    "+358#########",
    "00358 40 ### ####",
    "070-### ## ##",
    "070 ### ## ##",
    "+46 70 ### ## ##",
    "+46 70-### ## ##",
    "+4670#######",
    "0046 70 ### ## ##",
    "08-### ### ##",
    "08-## ## ##",
    "+46 8 ### ### ##",
)
ORDINARY_SENTENCES = {
    "nb": (
        "Kundenummer {customer}, telefon {phone}. Regningen på {amount} forfalt {date} kl. {time}.",
        "Hei, jeg bor i {postal_no} og strømmen gikk {date} {time}; ring {phone}! Kunde {customer}",
        "Måleren viste {reading} kWh {date}, beløp {amount}. Org.nr. {org}",
    ),
    "en": (
        "My customer number is {customer} and my phone {phone}; I paid {amount} on {date}.",
        "Call me at {phone} after {time}, please (account {customer}, due {date}).",
    ),
    "fi": (
        "Asiakasnumero {customer}, puhelin {phone}, lasku {amount}, eräpäivä {date} klo {time}.",
        "Osoite: Mannerheimintie 5, {postal_fi} Helsinki. Soita {phone}.",
    ),
    "sv": (
        "Kundnummer {customer}, ring {phone}. Fakturan på {amount} förföll {date} kl {time}.",
        "Jag bor på Drottninggatan 3, {postal_se} Stockholm. Mobil: {phone}",
    ),
}


def ordinary_text(rng: random.Random) -> str:
    """A message with amounts, dates, times, postal codes, phone and customer numbers, which
    the bot needs and the masking must leave as they are."""
    template = rng.choice(ORDINARY_SENTENCES[rng.choice(list(ORDINARY_SENTENCES))])
    return template.format(
        customer=_digits(rng, 8),
        phone="".join(rng.choice("0123456789") if c == "#" else c for c in rng.choice(PHONES)),
        amount=_amount(rng),
        date=_written_date(rng, _date(rng, 1990, 2030)),
        time=rng.choice(("{:02d}:{:02d}", "{:02d}.{:02d}", "{}:{:02d}:00")).format(
            rng.randrange(24), rng.randrange(60)
        ),
        postal_no=_digits(rng, 4),
        postal_fi=_digits(rng, 5),
        postal_se=rng.choice(("{} {}", "{}{}", "SE-{} {}")).format(
            _digits(rng, 3), _digits(rng, 2)
        ),
        reading=_digits(rng, rng.randint(4, 6)),
        org=" ".join(_digits(rng, 3) for _ in range(3)),
    )


def _amount(rng: random.Random) -> str:
    whole = f"{rng.randrange(10 ** rng.randint(1, 8)):,}".replace(",", rng.choice(" \u00a0.\u202f"))
    if rng.random() < 0.3:
        whole = whole.replace(" ", "").replace("\u00a0", "").replace(".", "").replace("\u202f", "")
    cents = rng.choice(("", ",-", f",{rng.randrange(100):02d}"))
    return rng.choice(("{} kr", "kr {}", "NOK {}", "{} €", "{} SEK", "EUR {}")).format(
        whole + cents
    )


def _written_date(rng: random.Random, day: date) -> str:
    forms = (
        f"{day:%d.%m.%Y}",
        f"{day.day}.{day.month}.{day.year}",
        f"{day:%Y-%m-%d}",
        f"{day:%d/%m/%Y}",
        f"{day:%d.%m.%y}",
        f"{day.day}. {NB_MONTHS[day.month % len(NB_MONTHS)]} {day.year}",
        f"{day:%m/%d/%Y}",
        f"{day:%d.%m.}",
        f"{day:%Y-%m-%dT%H:%M}",
    )
    return rng.choice(forms)


# --- Helpers ----------------------------------------------------------------------------


def _joiners(*joiners: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(joiners))


def _date(rng: random.Random, first_year: int, last_year: int) -> date:
    first, last = date(first_year, 1, 1), date(last_year, 12, 31)
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(count))


def _chars(rng: random.Random, kind: str, count: int) -> str:
    alphabet = {"n": "0123456789", "a": "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}.get(
        kind, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    )
    return "".join(rng.choice(alphabet) for _ in range(count))


def _mod11(digits: str, weights: tuple[int, ...]) -> int | None:
    check = (11 - sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11) % 11
    return None if check == 10 else check


def _luhn_digit(partial: str) -> int:
    """The digit that completes `partial` to a Luhn-valid number."""
    total = 0
    for i, char in enumerate(reversed(partial)):
        d = int(char) * (1 if i % 2 else 2)
        total += d - 9 if d > 9 else d
    return -total % 10
