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


@pytest.mark.parametrize("text", ["ok", "0150", "12345678", "👍", "ja", "thanks", "takk"])
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


# --- Four languages: the Norwegian company serves nb and en, the Finnish one fi, sv and en;
# the tests below use all four at once, the hardest case (nb and sv share many words).

FOUR = ("nb", "en", "fi", "sv")


@pytest.fixture(scope="module")
def four() -> LanguageDetector:
    return LanguageDetector.from_training_data(FOUR, Settings().nlu_dir)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("hei", "nb"),
        ("strømmen er borte", "nb"),
        ("når åpner dere", "nb"),
        ("hi", "en"),
        ("my power is out", "en"),
        ("moi", "fi"),
        ("sähköt on poikki", "fi"),
        ("milloin olette auki?", "fi"),
        ("mun lasku on liian iso", "fi"),
        ("hej", "sv"),
        ("strömmen har gått", "sv"),
        ("när har ni öppet", "sv"),
        ("jag vill prata med en människa", "sv"),
        ("stromavbrott i hela huset", "sv"),
    ],
)
def test_a_short_first_message_in_each_of_four_languages_sets_it(
    four: LanguageDetector, text: str, language: str
) -> None:
    assert four.detect(text, current=None) == language


@pytest.mark.parametrize("current", FOUR)
@pytest.mark.parametrize("text", ["ok", "kiitos", "tack", "joo", "ja", "takk", "👍", "00100"])
def test_one_word_never_flips_a_conversation(
    four: LanguageDetector, text: str, current: str
) -> None:
    assert four.detect(text, current=current) == current


def test_a_sentence_switches_between_finnish_and_swedish(four: LanguageDetector) -> None:
    assert four.detect("voitteko vastata suomeksi, en ymmärrä ruotsia kovin hyvin", "sv") == "fi"
    assert four.detect("kan vi ta det här på svenska i stället, tack", "fi") == "sv"


def test_letters_tell_swedish_from_norwegian_where_the_words_are_shared(
    four: LanguageDetector,
) -> None:
    # "har", "fakturan" and "min" are written the same in both: ä and ø decide.
    assert four.detect("jag har en fråga om fakturan min", None) == "sv"
    assert four.detect("jeg har et spørsmål om fakturaen min", None) == "nb"


def test_nynorsk_is_understood_and_answered_in_bokmal(four: LanguageDetector) -> None:
    assert four.detect("korleis kan eg betale rekninga mi no", None) == "nb"
    assert four.detect("eg vil snakke med eit menneske", "en") == "nb"


def test_danish_which_no_company_serves_is_kept_as_bokmal(four: LanguageDetector) -> None:
    assert four.detect("jeg vil gerne tale med en medarbejder om min regning", None) == "nb"


def test_the_finnish_company_s_languages_are_the_only_answers() -> None:
    finnish = LanguageDetector.from_training_data(("fi", "sv", "en"), Settings().nlu_dir)
    assert finnish.detect("hei, strømmen er borte", None) in {"fi", "sv", "en"}
    assert finnish.detect("0150", None) == "fi"
