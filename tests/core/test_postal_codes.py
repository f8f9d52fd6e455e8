"""Postal codes as customers write them: with a place after them, spaced as in Sweden, or
wrong."""

from __future__ import annotations

from typing import Any

import pytest

from core.postal_codes import normalise_postal_code


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0550", "0550"),
        (" 0550 ", "0550"),
        ("0550 Oslo", "0550"),
        ("550", None),
        ("12345", None),
        ("hei", None),
        (None, None),
    ],
)
def test_postal_codes_are_normalised_or_refused(value: Any, expected: str | None) -> None:
    assert normalise_postal_code(value, digits=4) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("00100", "00100"),
        ("00100 Helsingfors", "00100"),
        ("114 32", "11432"),
        ("114 32 Stockholm", "11432"),
        ("11432", "11432"),
        ("114 3", None),
        ("114 32 1", None),
        ("0550", None),
    ],
)
def test_five_digit_postal_codes_are_taken_as_written_in_finland_and_sweden(
    value: str, expected: str | None
) -> None:
    assert normalise_postal_code(value, digits=5) == expected
