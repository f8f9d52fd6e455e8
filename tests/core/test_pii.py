"""Masking national IDs, cards, account numbers and IBANs: every kind, every written form, and
what must stay as written. Over 400 lines: every example and property of masking, by kind,
in one place beside the generators (tests/core/pii_forms.py)."""

import io
import logging
import random
import sys
import unicodedata
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from core.pii import MaskingFilter, mask, mask_phone
from tests.core.pii_forms import KINDS, ordinary_text, redacted, sentences, valid_number, written

# --- Helpers: real check-digit algorithms, to generate valid numbers ------------------


def fodselsnummer(ddmmyy: str) -> str:
    """The first valid Norwegian fødselsnummer (or D-number) with this date part."""
    for individual in range(100, 1000):
        base = f"{ddmmyy}{individual}"
        k1 = mod11(base, (3, 7, 6, 1, 8, 9, 4, 5, 2))
        if k1 is None:
            continue
        k2 = mod11(f"{base}{k1}", (5, 4, 3, 2, 7, 6, 5, 4, 3, 2))
        if k2 is not None:
            return f"{base}{k1}{k2}"
    raise AssertionError(f"no fødselsnummer for {ddmmyy}")


def account_number(first_ten: str) -> str:
    check = mod11(first_ten, (5, 4, 3, 2, 7, 6, 5, 4, 3, 2))
    assert check is not None, f"{first_ten} has no check digit; pick another"
    return f"{first_ten}{check}"


def mod11(digits: str, weights: tuple[int, ...]) -> int | None:
    check = (11 - sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11) % 11
    return None if check == 10 else check


def henkilotunnus(ddmmyy: str, century: str, individual: str) -> str:
    check = "0123456789ABCDEFHJKLMNPRSTUVWXY"[int(ddmmyy + individual) % 31]
    return f"{ddmmyy}{century}{individual}{check}"


def luhn_complete(partial: str) -> str:
    """partial followed by its Luhn check digit."""
    total = 0
    for i, char in enumerate(reversed(partial)):
        d = int(char) * (1 if i % 2 else 2)
        total += d - 9 if d > 9 else d
    return f"{partial}{-total % 10}"


def iban(country: str, bban: str) -> str:
    numeric = int("".join(str(int(char, 36)) for char in f"{bban}{country}00"))
    return f"{country}{98 - numeric % 97:02d}{bban}"


def wrong_last_digit(number: str) -> str:
    return f"{number[:-1]}{(int(number[-1]) + 1) % 10}"


def keep_last_two(number: str) -> str:
    return "".join("*" if c.isalnum() else c for c in number[:-2]) + number[-2:]


# --- Valid numbers of each type are masked --------------------------------------------

FODSELSNUMRE = [
    fodselsnummer("010190"),
    fodselsnummer("311299"),
    fodselsnummer("290200"),  # 29 Feb 2000
    fodselsnummer("410190"),  # D-number: day + 40
    fodselsnummer("710385"),  # D-number on the 31st
]


@pytest.mark.parametrize("number", FODSELSNUMRE)
def test_valid_fodselsnummer_and_d_number_are_masked_completely(number: str) -> None:
    assert mask(number) == "***********"
    assert mask(f"{number[:6]} {number[6:]}") == "****** *****"
    assert mask(f"{number[:6]}-{number[6:]}") == "******-*****"
    assert mask(f"{number[:6]}.{number[6:]}") == "******.*****"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("010190\u00a010046", "******\u00a0*****"),  # no-break space
        ("010190\u202f10046", "******\u202f*****"),  # narrow no-break space
        ("010190\u201110046", "******\u2011*****"),  # non-breaking hyphen
        ("010190 \u2013 10046", "****** \u2013 *****"),  # en dash
        ("0101\u200b9010046", "****\u200b*******"),  # zero-width space
        ("01\u200d01\u206090\ufeff100\u00ad46", "**\u200d**\u2060**\ufeff***\u00ad**"),
        ("０１０１９０－１００４６", "******－*****"),  # full-width
    ],
)
def test_fodselsnummer_with_unusual_spaces_dashes_and_invisible_characters_is_masked(
    text: str, masked: str
) -> None:
    assert FODSELSNUMRE[0] == "01019010046"
    assert mask(text) == masked


def test_every_invisible_format_character_between_digits_is_read_as_absent() -> None:
    format_characters = [
        chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"
    ]
    assert len(format_characters) > 150
    for char in format_characters:
        assert mask(f"fnr 0101{char}9010046") == f"fnr ****{char}*******", hex(ord(char))


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("131052-308T", "******-****"),  # published example
        ("131052-308t", "******-****"),
        (henkilotunnus("010101", "A", "123"), "***********"),
        (henkilotunnus("311299", "-", "901"), "******-****"),
        (henkilotunnus("290200", "B", "555"), "***********"),
        (henkilotunnus("150598", "Y", "002"), "***********"),
        (henkilotunnus("010185", "+", "010"), "******+****"),
        *((henkilotunnus("010594", sign, "902"), "***********") for sign in "XWVUCDEF"),
        ("131052 308T", "****** ****"),  # a space for the dash
        ("131052\u00a0308T", "******\u00a0****"),
        ("131052.308T", "******.****"),
    ],
)
def test_valid_henkilotunnus_is_masked_completely(number: str, masked: str) -> None:
    assert mask(number) == masked


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("811228-9874", "******-****"),  # published example
        ("811228+9874", "******+****"),
        ("8112289874", "**********"),
        ("19811228-9874", "********-****"),
        ("198112289874", "************"),
        ("701063-2391", "******-****"),  # published samordningsnummer: day + 60
        (luhn_complete("000229123"), "**********"),  # 29 Feb 2000
        (f"20{luhn_complete('050587123')}", "************"),  # samordningsnummer
        ("811218 9876", "****** ****"),  # a space for the dash
        ("811218\u00a09876", "******\u00a0****"),
        ("19811218 9876", "******** ****"),
        ("811218.9876", "******.****"),
    ],
)
def test_valid_personnummer_and_samordningsnummer_are_masked_completely(
    number: str, masked: str
) -> None:
    assert mask(number) == masked


@pytest.mark.parametrize(
    "card",
    [
        "4111111111111111",  # Visa test card
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "4222222222222",  # 13-digit Visa
        "5555 5555 5555 4444",  # Mastercard
        "2223 0031 2200 3222",  # Mastercard 2-series
        "378282246310005",  # Amex
        "3782 822463 10005",
        "6011111111111117",  # Discover
        luhn_complete("272012345678901"),  # Mastercard, last 2-series prefix
        luhn_complete("501912345678901"),  # Dankort
        luhn_complete("675912345678901234"),  # Maestro, 19 digits
        "3530 1113 3330 0000",  # JCB
        "3056 930902 5904",  # Diners Club, 14 digits
        "6212 3456 7890 1232",  # UnionPay
        luhn_complete("621234567890123456"),  # UnionPay, 19 digits
        luhn_complete("220012345678901"),  # Mir
        "4111.1111.1111.1111",
        luhn_complete("911111111111111"),  # no issuer list: any Luhn-valid 13-19 digits
    ],
)
def test_valid_payment_cards_are_masked_keeping_last_two(card: str) -> None:
    assert mask(card) == keep_last_two(card)


ACCOUNT_NUMBERS = [account_number(ten) for ten in ("1503123456", "9710405678", "8601111794")]


@pytest.mark.parametrize("number", ACCOUNT_NUMBERS)
def test_valid_norwegian_account_numbers_are_masked_keeping_last_two(
    number: str,
) -> None:
    dotted, spaced, dashed = (sep.join((number[:4], number[4:6], number[6:])) for sep in ". -")
    assert mask(number) == f"*********{number[-2:]}"
    assert mask(dotted) == f"****.**.***{number[-2:]}"
    assert mask(spaced) == f"**** ** ***{number[-2:]}"
    assert mask(dashed) == f"****-**-***{number[-2:]}"


def test_fnr_with_impossible_date_but_valid_checks_is_masked_as_account() -> None:
    # The fødselsnummer's second check digit uses the account weights, so a number that
    # fails only on its date still passes as an account number.
    number = fodselsnummer("320190")
    assert mask(number) == keep_last_two(number)


@pytest.mark.parametrize(
    "number",
    [
        "NO9386011117947",
        "NO93 8601 1117 947",
        "no93 8601 1117 947",
        "FI21 1234 5600 0007 85",
        "SE45 5000 0000 0583 9825 7466",
        "DK50 0040 0440 1162 43",
        "IS14 0159 2600 7654 5510 7303 39",
        "GB29 NWBK 6016 1331 9268 19",
        "DE89 3704 0044 0532 0130 00",
        iban("NO", ACCOUNT_NUMBERS[0]),
        iban("FI", "98765400012345"),
        "NO93-8601-1117-947",
        "NO93 8601 11 17947",  # the account number's own grouping
        "MT84 MALT 0110 0001 2345 MTLC AST0 01S",  # published examples, letters in the BBAN
        "LC55HEMM000100010012001200023015",
        "BR1800360305000010009795493C1",
        "UA213223130000026007233566001",
    ],
)
def test_valid_ibans_are_masked_keeping_last_two(number: str) -> None:
    assert mask(number) == keep_last_two(number)


# --- Near-misses are left alone -------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        *(wrong_last_digit(number) for number in FODSELSNUMRE),
        "01019012345",  # right shape, wrong check digits
        "Ordrenummer 12345678901",
        *(wrong_last_digit(number) for number in ACCOUNT_NUMBERS),
        "1234.56.78901",
        "131052-308U",
        henkilotunnus("310252", "-", "308"),  # 31 February
        "811228-9875",
        luhn_complete("811328987"),  # month 13
        luhn_complete("811232987"),  # day 32
        "30811228-9874",  # no such century
        "4111111111111112",
        "4111 1111 1111 1112",
        "NO9386011117948",
        "NO93 8601 1117 948",
        "Kundenummer 12345678",
        "Postnummer 0150 Oslo",
        "Beløp: 1 234,50 kr",
        "NOK 1234567,00",
        "+47 412 34 567",
        "41234567",
        "+4741234567",
        "+46701234567",
        f"+{account_number('4670123456')}",  # phone digits that pass the account check
        "+358 40 123 4567",
        "01.01.2024",
        "2024-01-01",
        "Målerstand 012345 kWh",
        "Målepunkt-ID 707057500012345678",
        "Org.nr. 923 609 016",
        "kundeservice@example.no",
    ],
)
def test_near_misses_and_ordinary_numbers_are_left_alone(text: str) -> None:
    assert mask(text) == text


# --- Numbers in running text ----------------------------------------------------------

FNR = FODSELSNUMRE[0]
ACCOUNT = ACCOUNT_NUMBERS[0]


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (
            f"Hei, fødselsnummeret mitt er {FNR}, og kontoen er {ACCOUNT}?",
            f"Hei, fødselsnummeret mitt er ***********, og kontoen er *********{ACCOUNT[-2:]}?",
        ),
        (
            f"My card is 4111 1111 1111 1111 and my ID is {FNR[:6]} {FNR[6:]}.",
            "My card is **** **** **** **11 and my ID is ****** *****.",
        ),
        (
            "Henkilötunnukseni on 131052-308T ja tilini FI21 1234 5600 0007 85.",
            "Henkilötunnukseni on ******-**** ja tilini **** **** **** **** 85.",
        ),
        (
            "Mitt personnummer är 19811228-9874, ring 070-123 45 67!",
            "Mitt personnummer är ********-****, ring 070-123 45 67!",
        ),
        (f"{FNR} er mitt fnr", "*********** er mitt fnr"),
        (f"fnr:{FNR}", "fnr:***********"),
        (f"({FNR})", "(***********)"),
        ('"811228-9874"', '"******-****"'),
        ("IBAN: NO9386011117947.", "IBAN: *************47."),
        ("kort=4111111111111111;", "kort=**************11;"),
        ("131052-308T:n", "******-****:n"),
        (f"{FNR}\n{FNR}", "***********\n***********"),
    ],
)
def test_numbers_are_masked_inside_sentences_and_next_to_punctuation(
    text: str, masked: str
) -> None:
    assert mask(text) == masked


def test_text_around_masked_numbers_is_unchanged() -> None:
    text = (
        f"Kunde 12345678, ola@example.no, +47 412 34 567, fnr {FNR}, "
        "faktura 1 234,50 kr forfaller 01.01.2024, konto 8601.11.17947."
    )
    assert mask(text) == (
        "Kunde 12345678, ola@example.no, +47 412 34 567, fnr ***********, "
        "faktura 1 234,50 kr forfaller 01.01.2024, konto ****.**.***47."
    )


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("SE45 5000 0000 0583 9825 7466 OK", "**** **** **** **** **** **66 OK"),
        ("4111 1111 1111 1111 123", "**** **** **** **11 123"),
    ],
)
def test_grouped_number_followed_by_another_group_is_still_masked(text: str, masked: str) -> None:
    assert mask(text) == masked


def test_a_number_after_an_unrelated_group_is_still_masked() -> None:
    assert mask("PIN 1234 4111 1111 1111 1111") == "PIN 1234 **** **** **** **11"
    assert mask(f"kl. 12.30 {FNR[:6]} {FNR[6:]}") == "kl. 12.30 ****** *****"


def test_two_ibans_in_a_row_are_both_masked() -> None:
    assert mask("NO9386011117947 NO9386011117947") == "*************47 *************47"


def test_masking_twice_changes_nothing_more() -> None:
    once = mask(f"fnr {FNR}, kort 4111 1111 1111 1111, IBAN NO93 8601 1117 947")
    assert mask(once) == once


# --- Every written form (property tests) ----------------------------------------------

SENTENCES = list(sentences())


# A valid number takes many random draws (dates, digits, forms): its smallest example is large.
@settings(
    max_examples=600,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.large_base_example],
)
@given(
    kind=st.sampled_from(KINDS),
    rng=st.randoms(use_true_random=False),
    sentence=st.sampled_from(SENTENCES),
)
def test_no_valid_number_survives_in_any_written_form_in_any_sentence(
    kind: str, rng: random.Random, sentence: tuple[str, str, str]
) -> None:
    """Valid numbers of every kind, in every grouping with mixed separators, no-break and
    zero-width characters, full-width digits or lower case, in nb/en/fi/sv sentences."""
    number = valid_number(rng, kind)
    form = written(rng, number)
    language, before, after = sentence
    event(kind)
    event(f"language {language}")
    masked = mask(before + form + after)
    # Exactly the number's letters and digits are hidden (a card, account or IBAN keeps its
    # last two; an account number that is also a valid fødselsnummer is hidden completely).
    assert masked in {before + redacted(form, keep) + after for keep in (number.keep, 0)}


@settings(max_examples=600, deadline=None, database=None)
@given(rng=st.randoms(use_true_random=False))
def test_amounts_dates_times_postal_codes_phones_and_customer_numbers_are_not_masked(
    rng: random.Random,
) -> None:
    text = ordinary_text(rng)
    assert mask(text) == text


# --- Logging --------------------------------------------------------------------------


@pytest.fixture
def log() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskingFilter())
    logger = logging.getLogger("test_pii")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)


def test_masking_filter_masks_percent_style_args(
    log: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = log
    logger.info("user %s paid with %s", FNR, "4111 1111 1111 1111")
    assert stream.getvalue() == "user *********** paid with **** **** **** **11\n"


def test_masking_filter_masks_exception_text(
    log: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = log
    try:
        raise ValueError(f"unknown customer {FNR}")
    except ValueError:
        logger.exception("lookup failed")
    assert "ValueError: unknown customer ***********" in stream.getvalue()
    assert FNR not in stream.getvalue()


def test_masking_filter_masks_the_message_itself(
    log: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = log
    logger.warning(f"customer wrote {FNR[:6]}-{FNR[6:]}")
    assert stream.getvalue() == "customer wrote ******-*****\n"


def test_masking_filter_masks_every_exception_of_a_chained_traceback(
    log: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = log
    try:
        try:
            raise KeyError(f"no customer {FNR}")
        except KeyError as error:
            raise RuntimeError("card 4111 1111 1111 1111 declined") from error
    except RuntimeError:
        logger.exception("payment for %s failed", "811228-9874")
    written = stream.getvalue()
    assert "payment for ******-**** failed" in written
    assert "KeyError: 'no customer ***********'" in written
    assert "RuntimeError: card **** **** **** **11 declined" in written
    assert FNR not in written and "4111" not in written and "811228" not in written


def test_masking_filter_masks_a_malformed_call_instead_of_raising(
    log: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = log
    logger.info("fnr %d", FNR)
    assert stream.getvalue() == "fnr %d ('***********',)\n"


# --- mask_phone -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("+47 412 34 567", "+47 *** ** 567"),
        ("+4741234567", "+47*****567"),
        ("0047 412 34 567", "0047 *** ** 567"),
        ("41234567", "*****567"),
        ("412 34 567", "*** ** 567"),
        ("+46 70-123 45 67", "+46 **-*** *5 67"),
        ("+358 40 123 4567", "+358 ** *** *567"),
        ("+1 (212) 555-0100", "+1 (***) ***-*100"),
        ("112", "112"),
    ],
)
def test_mask_phone_keeps_country_code_format_and_last_three_digits(
    number: str, masked: str
) -> None:
    assert mask_phone(number) == masked
