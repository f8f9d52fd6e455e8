"""The frustration rule: shouting in anger, or negative words that repeat."""

from __future__ import annotations

import pytest

from bot.frustration import is_frustrated, is_shouting


@pytest.mark.parametrize(
    ("text", "earlier"),
    [
        ("DETTE ER HELT UTROLIG, SVAR MEG NÅ!", []),  # shouting with an exclamation mark
        ("WHY IS MY POWER STILL OUT, THIS IS USELESS", []),  # shouting with a negative word
        ("dere er elendige og helt ubrukelige", []),  # two negative words at once
        ("this is ridiculous", ["the bot is useless"]),  # negative again
        ("fy faen", ["hei", "dette er jo håpløst"]),
        ("I'm fed up", ["what a joke", "hello"]),
    ],
)
def test_these_customers_sound_frustrated(text: str, earlier: list[str]) -> None:
    assert is_frustrated(text, earlier)


@pytest.mark.parametrize(
    ("text", "earlier"),
    [
        ("internettet er elendig i dag", []),  # one negative word describes a problem
        ("STRØMBRUDD", []),  # one word in capitals: not shouting
        ("NÅR ÅPNER DERE", []),  # capitals without anger
        ("BankID virker ikke på Min side", []),
        ("hvorfor er regningen så høy?", ["hei", "jeg har et spørsmål"]),
        ("this is ridiculous", ["the bot is useless", "hi", "ok"]),  # too long ago
        ("jeg vil leie en måler", ["jeg er lei"]),  # "leie" is not "lei av"
        ("", []),
    ],
)
def test_these_customers_do_not(text: str, earlier: list[str]) -> None:
    assert not is_frustrated(text, earlier)


def test_shouting_needs_enough_letters_in_capitals() -> None:
    assert is_shouting("HVOR ER STRØMMEN MIN")
    assert not is_shouting("Hvor er strømmen min")
    assert not is_shouting("OK TAKK")
    assert not is_shouting("12345678 0150 !!!")
