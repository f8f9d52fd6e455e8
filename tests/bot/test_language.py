"""Which language a customer writes in, decided per message from our own examples."""

from __future__ import annotations

import pytest

from bot.language import LanguageDetector
from core.settings import Settings


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector.from_training_data(("nb", "en"), Settings().nlu_dir)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("hei", "nb"),
        ("hi", "en"),
        ("hello", "en"),
        ("strommen er borte", "nb"),
        ("når åpner dere", "nb"),
        ("my power is out", "en"),
        ("what is the nettleie on my bill", "en"),
        ("kan jeg få eFaktura?", "nb"),
    ],
)
def test_a_first_message_sets_the_language(
    detector: LanguageDetector, text: str, language: str
) -> None:
    assert detector.detect(text, current=None) == language


@pytest.mark.parametrize("text", ["ok", "0150", "12345678", "👍", "ja", "thanks"])
def test_short_or_wordless_messages_keep_the_conversations_language(
    detector: LanguageDetector, text: str
) -> None:
    assert detector.detect(text, current="nb") == "nb"


def test_a_full_sentence_in_another_language_switches(detector: LanguageDetector) -> None:
    assert (
        detector.detect("sorry, can we continue in English please? I don't speak Norwegian", "nb")
        == "en"
    )
    assert (
        detector.detect("kan vi heller snakke norsk, jeg forstår ikke så godt engelsk", "en")
        == "nb"
    )


def test_an_unknown_current_language_falls_back_to_the_default(detector: LanguageDetector) -> None:
    assert detector.detect("0150", current="fi") == "nb"


def test_a_language_without_identification_is_refused() -> None:
    with pytest.raises(ValueError, match="no language identification"):
        LanguageDetector(("nb", "xx"), {})
