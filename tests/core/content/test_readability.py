"""LIX, words and sentences on texts counted by hand."""

import pytest

from core.content.readability import (
    lix,
    long_word_count,
    readability,
    sentences,
    word_count,
    words,
)


def test_lix_of_short_words_in_short_sentences_is_words_per_sentence() -> None:
    # 8 words, 2 sentences, no word over 6 letters: 8/2 + 0 = 4.0
    assert lix("Vi har åpent nå. Ring oss i dag.") == pytest.approx(4.0)


def test_lix_adds_the_share_of_long_words_in_percent() -> None:
    # 4 words, 1 sentence; "Regningen" and "automatisk" are long: 4 + 100 * 2/4 = 54.0
    assert lix("Regningen din kommer automatisk.") == pytest.approx(54.0)


def test_lix_of_an_english_text() -> None:
    # 6 words, 1 sentence; electricity, company, invoices, monthly are long: 6 + 400/6
    assert lix("The electricity company sends invoices monthly.") == pytest.approx(6 + 400 / 6)


def test_a_word_is_long_from_seven_letters() -> None:
    assert lix("Nettet.") == pytest.approx(1.0)  # 6 letters: short
    assert lix("Strømmen.") == pytest.approx(101.0)  # 8 letters: long


def test_in_finnish_a_word_is_long_from_ten_letters() -> None:
    assert readability("Maksuaika.", "fi") == pytest.approx(1.0)  # 9 letters: short
    assert readability("Laskussasi.", "fi") == pytest.approx(101.0)  # 10 letters: long
    assert readability("Maksuaika.", "nb") == pytest.approx(101.0)  # Björnsson's 6 elsewhere


def test_finnish_readability_of_a_plain_answer() -> None:
    # 8 words, 2 sentences; "postinumerosi" (13 letters) and "sähkökatkoa" (11) are long;
    # "tiedossa" (8) is not: 8/2 + 100 * 2/8 = 29.0
    text = "Mikä on postinumerosi? Katson, onko siellä tiedossa sähkökatkoa."
    assert readability(text, "fi") == pytest.approx(29.0)


def test_finnish_abbreviations_do_not_end_a_sentence() -> None:
    assert sentences("Kirjoita esim. klo 12 jälkeen. Kiitos!") == [
        "Kirjoita esim. klo 12 jälkeen.",
        "Kiitos!",
    ]


def test_lix_of_an_empty_text_is_zero() -> None:
    assert lix("") == 0.0
    assert lix("  \n ") == 0.0


def test_a_placeholder_counts_as_one_short_word() -> None:
    assert words("Ring {on_call_phone} nå.") == ["Ring", "{on_call_phone}", "nå"]
    assert lix("Ring {on_call_phone} nå.") == pytest.approx(3.0)


def test_literal_braces_are_no_placeholder() -> None:
    assert words("Skriv {{navn}} her.") == ["Skriv", "navn", "her"]


def test_a_url_is_one_short_word_and_its_dots_end_no_sentence() -> None:
    text = "Logg inn på https://minside.straumen.example. Der ser du regningen."
    assert sentences(text) == [
        "Logg inn på https://minside.straumen.example.",
        "Der ser du regningen.",
    ]
    # 8 words, 2 sentences, only "regningen" long: 4 + 100/8
    assert lix(text) == pytest.approx(4 + 100 / 8)


def test_an_email_address_is_one_short_word() -> None:
    text = "Skriv til kundeservice@straumen.example i dag."
    assert sentences(text) == [text]
    assert word_count(text) == 5
    assert long_word_count(text) == 0


def test_clock_times_and_kl_do_not_end_a_sentence() -> None:
    text = "Vi åpner kl. 08.00 i morgen. Velkommen!"
    assert sentences(text) == ["Vi åpner kl. 08.00 i morgen.", "Velkommen!"]
    assert word_count(text) == 7  # "08.00" is one word


def test_abbreviations_do_not_end_a_sentence() -> None:
    assert sentences("Skriv f.eks. etter kl. 12. Eller trykk her.") == [
        "Skriv f.eks. etter kl. 12.",
        "Eller trykk her.",
    ]
    assert sentences('Write e.g. "after 12". Or tap below.') == [
        'Write e.g. "after 12".',
        "Or tap below.",
    ]


def test_no_is_a_word_not_an_abbreviation() -> None:
    assert sentences("Answer yes or no. Then go.") == ["Answer yes or no.", "Then go."]


def test_a_list_ending_abbreviation_ends_the_sentence_before_a_capital() -> None:
    assert sentences("Strøm, nett osv. Ring oss.") == ["Strøm, nett osv.", "Ring oss."]


def test_an_ordinal_date_does_not_end_a_sentence() -> None:
    text = "Vi svarer innen fredag 27. november. Takk!"
    assert sentences(text) == ["Vi svarer innen fredag 27. november.", "Takk!"]


def test_a_number_then_a_capital_ends_a_sentence() -> None:
    assert sentences("Vi åpner kl. 8. Ring da.") == ["Vi åpner kl. 8.", "Ring da."]


def test_each_line_is_a_sentence_and_list_numbers_stay_with_their_line() -> None:
    text = "1. Slå av ruteren\n2. Vent litt.\n\n3. Slå den på igjen"
    assert sentences(text) == ["1. Slå av ruteren", "2. Vent litt.", "3. Slå den på igjen"]


def test_a_colon_ends_a_sentence_only_before_a_capital_or_a_line_break() -> None:
    assert sentences("Ring oss: {phone}.") == ["Ring oss: {phone}."]
    assert sentences("Slik gjør du: Slå av ruteren.") == ["Slik gjør du:", "Slå av ruteren."]
    assert sentences("Slik når du oss:\nRing {phone}.") == ["Slik når du oss:", "Ring {phone}."]


def test_question_and_exclamation_marks_end_sentences() -> None:
    assert sentences("Hei! Hva lurer du på? Skriv her") == ["Hei!", "Hva lurer du på?", "Skriv her"]


def test_hyphenated_words_and_contractions_are_one_word() -> None:
    found = words("Send e-post om Wi-Fi. I'm here.")
    assert found == ["Send", "e-post", "om", "Wi-Fi", "I'm", "here"]
