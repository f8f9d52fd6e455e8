"""The plain-language check: it passes on the real content and catches each kind of problem."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from core.content.check import main
from core.content.reach import CODE_FOLDERS

ROOT = Path(__file__).resolve().parents[3]


def run(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["--root", str(root)])
    return code, capsys.readouterr().out


class ContentCopy:
    """A copy of the shipped content and docs, and what sends answers, to break one thing in."""

    def __init__(self, root: Path, capsys: pytest.CaptureFixture[str]) -> None:
        for folder in ("content", "docs", "data", *CODE_FOLDERS):
            shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns("nlu"))
        shutil.copy(ROOT / "domain.yml", root / "domain.yml")
        self.root = root
        self._capsys = capsys

    def edit(self, file: str, change: Callable[[Any], Any]) -> None:
        """Load a YAML file of the copy, let `change` edit the data, write it back."""
        path = self.root / file
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    def set_text(self, topic: str, answer: str, language: str, text: str) -> None:
        def change(data: dict[str, Any]) -> None:
            body = data[answer][language]
            if isinstance(body, dict):
                body["text"] = text
            else:
                data[answer][language] = text

        self.edit(f"content/answers/{topic}.yml", change)

    def check(self) -> tuple[int, str]:
        return run(self.root, self._capsys)

    def breaking(self, file: str, change: Callable[[Any], Any]) -> str:
        """The check's report after `change` to one YAML file; the check must fail."""
        self.edit(file, change)
        return self.failed()

    def breaking_text(self, topic: str, answer: str, language: str, text: str) -> str:
        """The check's report with one answer's text replaced; the check must fail."""
        self.set_text(topic, answer, language, text)
        return self.failed()

    def breaking_named(self, profile: str, name: str, language: str, text: str) -> str:
        """The check's report with one of a profile's `named:` texts replaced; it must fail."""

        def change(data: dict[str, Any]) -> None:
            data["named"][name][language] = text

        return self.breaking(profile, change)

    def failed(self) -> str:
        code, out = self.check()
        assert code == 1, out
        return out


@pytest.fixture
def content(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> ContentCopy:
    return ContentCopy(tmp_path, capsys)


def test_the_real_content_passes_the_check(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(ROOT, capsys)
    assert code == 0, out
    assert out.splitlines()[-1].endswith(": all fine")


def test_the_check_prints_lix_median_and_max_per_language(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out = run(ROOT, capsys)
    assert "LIX [nb]: median " in out
    assert "LIX [en]: median " in out
    assert "LIX [sv]: median " in out
    assert ", max " in out


def test_the_untouched_copy_passes(content: ContentCopy) -> None:
    code, out = content.check()
    assert code == 0, out


# content/company.yml lists nb and en; the answers are written in sv too, for a profile that
# serves Swedish, so an answer without its sv text is as wrong as one without en.
@pytest.mark.parametrize("language", ["en", "sv"])
def test_a_missing_translation_is_reported(content: ContentCopy, language: str) -> None:
    out = content.breaking(
        "content/answers/conversation.yml", lambda data: data["utter_goodbye"].pop(language)
    )
    assert (
        f"content/answers/conversation.yml: utter_goodbye [{language}]: no text in this language"
    ) in out
    assert out.splitlines()[-1].endswith("1 problem (1 missing translation)")


def test_swedish_answers_are_held_to_lix_under_40(content: ContentCopy) -> None:
    long_words = "Elnätsavgiften administreras genom kommunikationsinfrastrukturens leverantörer."
    out = content.breaking_text("conversation", "utter_goodbye", "sv", long_words)
    assert "content/answers/conversation.yml: utter_goodbye [sv]: LIX " in out


def test_a_next_step_without_a_button_title_is_reported(content: ContentCopy) -> None:
    def no_title(data: dict[str, Any]) -> None:
        data["utter_moving"]["ends_topic"] = "greet"  # small talk has no topic title

    out = content.breaking("content/answers/moving.yml", no_title)
    assert (
        "content/answers/moving.yml: utter_moving [nb]: "
        "ends_topic: 'greet' has no title in content/topics.yml"
    ) in out
    assert out.splitlines()[-1].endswith("4 problems (4 no next step)")  # nb, en, sv and fi


def test_a_malformed_flag_on_an_answer_is_refused(content: ContentCopy) -> None:
    out = content.breaking(
        "content/answers/moving.yml", lambda data: data["utter_moving"].update(ends_contact="yes")
    )
    assert "utter_moving: ends_contact is true or false" in out


def test_a_language_the_profile_does_not_list_is_checked_once_any_answer_has_it(
    content: ContentCopy,
) -> None:
    # content/company.yml speaks nb and en; fi is written for the companies that speak it.
    out = content.breaking(
        "content/answers/conversation.yml", lambda data: data["utter_goodbye"].pop("fi")
    )
    assert "content/answers/conversation.yml: utter_goodbye [fi]: no text in this language" in out
    assert out.splitlines()[-1].endswith("1 problem (1 missing translation)")


def test_a_new_language_in_one_answer_makes_every_other_answer_missing_it(
    content: ContentCopy,
) -> None:
    def add_danish(data: dict[str, Any]) -> None:
        data["utter_goodbye"]["da"] = "Hav en god dag!"

    out = content.breaking("content/answers/conversation.yml", add_danish)
    assert "content/answers/conversation.yml: utter_thank [da]: no text in this language" in out
    assert "utter_goodbye [da]" not in out
    assert "content/locale.yml: desk.claim [da]: no text in this language" in out


def test_finnish_long_words_of_grammar_pass_where_the_same_lengths_in_norwegian_fail(
    content: ContentCopy,
) -> None:
    # 8-9 letters each: long for LIX in Norwegian, ordinary for Finnish (more than 9 letters).
    content.set_text(
        "conversation", "utter_goodbye", "fi", "Kiitoksia viestistä. Kirjoita uudelleen."
    )
    code, out = content.check()
    assert code == 0, out
    content.set_text("conversation", "utter_goodbye", "nb", "Strømmen kommer. Regningen kommer.")
    code, out = content.check()
    # 4 words, 2 sentences, 2 long: 2 + 50 = 52.0
    assert "utter_goodbye [nb]: LIX 52.0 (must be under 40)" in out


def test_a_hard_finnish_answer_is_reported_with_its_finnish_lix(content: ContentCopy) -> None:
    # 2 words, 1 sentence, both over 9 letters: 2 + 100 = 102.0
    out = content.breaking_text(
        "conversation", "utter_goodbye", "fi", "Sähkönsiirtosopimuksesi irtisanottiin."
    )
    assert "utter_goodbye [fi]: LIX 102.0 (must be under 40)" in out


def test_an_answer_over_60_words_is_reported(content: ContentCopy) -> None:
    long_text = " ".join(["Vi ringer deg."] * 21)  # 63 short words
    out = content.breaking_text("conversation", "utter_thank", "nb", long_text)
    # nb is the Norwegian company's: its profile renders it, the same in every role.
    assert (
        "content/company.yml: content/answers/conversation.yml: utter_thank [nb]: "
        "63 words (at most 60)"
    ) in out
    assert out.splitlines()[-1].endswith("1 problem (1 too long)")
    assert "    | Vi ringer deg." in out  # the text is printed below the problem


def test_a_hard_to_read_answer_is_reported_with_its_lix(content: ContentCopy) -> None:
    # 11 words in 1 sentence, 7 of them long: LIX 11 + 100 * 7/11 = 74.6
    text = (
        "Strømforbruket registreres fortløpende gjennom avanserte måleinstallasjoner"
        " i alle norske husholdninger nå."
    )
    out = content.breaking_text("meter", "utter_meter_reading", "nb", text)
    assert "utter_meter_reading [nb]: LIX 74.6 (must be under 40)" in out


WORDY_CUT_OFF_RULE = (
    "Your power can be cut off only after we have sent you a letter by post that tells you the "
    "date and gives you at least two weeks to pay the whole bill."
)  # 33 words where the profile has 12
HARD_GRID_FIXED_FEE = (
    "Beløpet beregnes etter husholdningens gjennomsnittlige effektuttak i månedens tre "
    "høyeste forbrukstimer."
)


@pytest.mark.parametrize(
    ("profile", "name", "language", "text", "reported", "summary"),
    [
        # Said by the Finnish supplier's payment answers; not by the grid texts, nor in Norway.
        (
            "content/companies/kuusivirta.yml",
            "cut_off_rule",
            "en",
            WORDY_CUT_OFF_RULE,
            [
                "content/companies/kuusivirta.yml: content/answers/payment.yml: "
                "utter_payment_plan [en]: 77 words (at most 60)",
                "content/companies/kuusivirta.yml: content/answers/payment_trouble.yml: "
                "utter_payment_trouble [en]: 80 words (at most 60)",
            ],
            "2 problems (2 too long)",
        ),
        # Said by every role's text, each rendered with that role's facts.
        (
            "content/company.yml",
            "grid_fixed_fee",
            "nb",
            HARD_GRID_FIXED_FEE,
            [
                f"content/company.yml{role}: content/answers/invoice.yml: "
                f"utter_invoice_part_grid_rent [nb]: LIX {lix} (must be under 40)"
                for role, lix in [("", "53.5"), (" as grid", "50.0"), (" as both", "52.5")]
            ],
            "3 problems (3 hard to read)",
        ),
    ],
)
def test_a_profile_sentence_that_makes_an_answer_too_long_or_hard_is_reported_where_said(
    content: ContentCopy,
    profile: str,
    name: str,
    language: str,
    text: str,
    reported: list[str],
    summary: str,
) -> None:
    out = content.breaking_named(profile, name, language, text)
    for line in reported:
        assert line in out
    assert out.splitlines()[-1].endswith(summary)


def test_unexplained_jargon_is_reported(content: ContentCopy) -> None:
    out = content.breaking_text(
        "invoice", "utter_invoice_missing", "nb", "Nettleien står på regningen."
    )
    assert "utter_invoice_missing [nb]: 'nettleie' is not explained here" in out


def test_jargon_with_its_explanation_passes(content: ContentCopy) -> None:
    text = "Nettleie er det du betaler for strømnettet. Den står på regningen."
    content.set_text("invoice", "utter_invoice_missing", "nb", text)
    _, out = content.check()
    assert "not explained" not in out


def test_a_literal_phone_number_is_reported(content: ContentCopy) -> None:
    out = content.breaking_text("login", "utter_login_help", "en", "Call us on +47 21 00 00 00.")
    assert "utter_login_help [en]: writes out a company fact ('+47 21 00 00 00')" in out
    assert "use {phone}" in out


@pytest.mark.parametrize(
    ("text", "placeholder"),
    [
        ("Ring vakta på 21000099.", "on_call_phone"),
        ("Skriv til kundeservice@straumen.example.", "email"),
        ("Gå til minside.straumen.example.", "my_page"),
        ("Velkommen til Straumen Energi!", "company_name"),
        ("Send brev til Postboks 100 Sentrum.", "post_address"),
        ("Vi åpner kl. 08.00.", "opening_hours"),
        ("Vi stenger kl. 16.", "opening_hours"),
        ("We close at 4 pm.", "opening_hours"),
    ],
)
def test_other_literal_company_facts_are_reported(
    content: ContentCopy, text: str, placeholder: str
) -> None:
    out = content.breaking_text("conversation", "utter_thank", "nb", text)
    assert f"use {{{placeholder}}}" in out


def test_an_unknown_placeholder_is_reported(content: ContentCopy) -> None:
    out = content.breaking_text("conversation", "utter_goodbye", "en", "Bye, {customer_name}!")
    assert "utter_goodbye [en]: unknown placeholder {customer_name}" in out


def test_a_value_listed_for_another_answer_is_unknown_here(content: ContentCopy) -> None:
    out = content.breaking_text(
        "conversation", "utter_goodbye", "en", "Bye! We answer by {deadline}."
    )
    assert "utter_goodbye [en]: unknown placeholder {deadline}" in out


def test_a_listed_value_and_the_company_facts_are_allowed(content: ContentCopy) -> None:
    text = "Vi ringer {phone} innen {deadline}. Spør oss på {email}."
    content.set_text("callback", "utter_callback_confirmed", "nb", text)
    code, out = content.check()
    assert code == 0, out


def test_mismatched_button_payloads_are_reported(content: ContentCopy) -> None:
    def change(data: dict[str, Any]) -> None:
        data["utter_greet"]["en"]["buttons"][0]["payload"] = "/invoice_missing"

    out = content.breaking("content/answers/conversation.yml", change)
    assert "utter_greet [en]: button payloads ['/invoice_missing'" in out


def test_a_broken_placeholder_cannot_be_rendered(content: ContentCopy) -> None:
    out = content.breaking_text("conversation", "utter_goodbye", "nb", "Ring {phone for hjelp.")
    assert "utter_goodbye [nb]: cannot be rendered" in out


def test_answers_missing_from_content_or_docs_are_reported(content: ContentCopy) -> None:
    def change(data: dict[str, Any]) -> None:
        data["utter_extra"] = data.pop("utter_goodbye")

    out = content.breaking("content/answers/conversation.yml", change)
    missing = "docs/answers.md: utter_goodbye [all]: missing from content/answers/conversation.yml"
    unlisted = "content/answers/conversation.yml: utter_extra [all]: not listed in docs/answers.md"
    assert missing in out
    assert unlisted in out


def test_an_answer_in_the_wrong_topic_file_is_reported(content: ContentCopy) -> None:
    moved: dict[str, Any] = {}
    content.edit("content/answers/conversation.yml", lambda d: moved.update(x=d.pop("utter_thank")))
    moved["utter_thank"] = moved.pop("x")
    out = content.breaking("content/answers/survey.yml", lambda d: d.update(moved))
    assert "utter_thank [all]: docs/answers.md puts it in content/answers/conversation.yml" in out


def test_a_missing_topic_title_is_reported(content: ContentCopy) -> None:
    out = content.breaking("content/topics.yml", lambda data: data["moving"].pop("en"))
    assert "content/topics.yml: moving [en]: no title for the fallback's topic buttons" in out


def test_unreadable_content_is_reported(content: ContentCopy) -> None:
    (content.root / "content/answers/broken.yml").write_text(
        "utter_x: [unclosed\n", encoding="utf-8"
    )
    out = content.failed()
    assert "cannot read the content" in out


# --- Texts for agents: the context card and the desk (content/locale.yml) ------------------


@pytest.mark.parametrize("language", ["en", "sv"])  # sv: in the content, not in the profile
def test_a_desk_text_missing_in_one_language_is_reported(
    content: ContentCopy, language: str
) -> None:
    out = content.breaking("content/locale.yml", lambda data: data[language]["desk"].pop("claim"))
    assert f"content/locale.yml: desk.claim [{language}]: no text in this language" in out
    assert out.splitlines()[-1].endswith("1 problem (1 missing translation)")


def test_a_callbacks_text_missing_in_one_language_is_reported(content: ContentCopy) -> None:
    out = content.breaking(
        "content/locale.yml", lambda data: data["nb"]["desk_callbacks"].pop("overdue")
    )
    assert "content/locale.yml: desk_callbacks.overdue [nb]: no text in this language" in out


def test_a_card_reason_the_code_needs_is_reported_in_every_language_it_is_missing_from(
    content: ContentCopy,
) -> None:
    def change(data: dict[str, Any]) -> None:
        for language in ("nb", "en"):
            data[language]["card"]["reasons"].pop("complaint")

    out = content.breaking("content/locale.yml", change)
    assert "content/locale.yml: card.reasons.complaint [nb]: no text in this language" in out
    assert "content/locale.yml: card.reasons.complaint [en]: no text in this language" in out
    assert out.splitlines()[-1].endswith("2 problems (2 missing translation)")


def test_a_channel_the_insights_page_shows_without_a_label_is_reported(
    content: ContentCopy,
) -> None:
    out = content.breaking(
        "content/locale.yml", lambda data: data["fi"]["desk_insights"].pop("v_telegram")
    )
    assert "content/locale.yml: desk_insights.v_telegram [fi]: no text in this language" in out


def test_an_outcome_label_missing_in_every_language_is_still_reported(
    content: ContentCopy,
) -> None:
    def change(data: dict[str, Any]) -> None:
        for language in ("nb", "en", "sv", "fi"):
            data[language]["desk_insights"].pop("v_handed_off:customer_left")

    out = content.breaking("content/locale.yml", change)
    for language in ("nb", "en", "sv", "fi"):
        assert (
            f"desk_insights.v_handed_off:customer_left [{language}]: no text in this language"
        ) in out


def test_a_language_missing_from_the_language_names_is_reported(content: ContentCopy) -> None:
    out = content.breaking(
        "content/locale.yml", lambda data: data["en"]["language_names"].pop("nb")
    )
    assert "content/locale.yml: language_names.nb [en]: no text in this language" in out


def test_a_translation_that_drops_a_placeholder_is_reported(content: ContentCopy) -> None:
    def change(data: dict[str, Any]) -> None:
        data["en"]["desk"]["waiting_stats"] = "{n} waiting · next one answered soon"

    out = content.breaking("content/locale.yml", change)
    assert (
        "content/locale.yml: desk.waiting_stats [en]: placeholders ['n'] differ from "
        "[nb] ['m', 'n']"
    ) in out


def test_a_card_text_with_a_placeholder_the_code_does_not_fill_cannot_be_written(
    content: ContentCopy,
) -> None:
    def change(data: dict[str, Any]) -> None:
        for language in ("nb", "en"):
            data[language]["card"]["topic"] = "{title}."

    out = content.breaking("content/locale.yml", change)
    assert "content/locale.yml: card [nb]: the card's summary cannot be written: KeyError" in out


def test_desk_texts_are_short_and_written_as_text(content: ContentCopy) -> None:
    def change(data: dict[str, Any]) -> None:
        data["nb"]["desk"]["pick_one"] = " ".join(["Velg en chat."] * 9)  # 27 words
        data["en"]["desk"]["claim"] = True  # what YAML makes of an unquoted `yes`
        data["en"]["desk"]["send"] = "Ring {phone"

    out = content.breaking("content/locale.yml", change)
    assert "desk.pick_one [nb]: 27 words (at most 25 for agent texts)" in out
    assert "desk.claim [en]: not a text: True (write it in quotes)" in out
    assert "desk.send [en]: cannot be filled in" in out


def test_a_company_fact_in_a_desk_text_is_reported(content: ContentCopy) -> None:
    out = content.breaking(
        "content/locale.yml", lambda data: data["nb"]["desk"].update(send="Ring 21000000")
    )
    assert "desk.send [nb]: writes out a company fact ('21000000')" in out


def test_the_summary_counts_the_agent_texts(capsys: pytest.CaptureFixture[str]) -> None:
    _, out = run(ROOT, capsys)
    assert re.search(r"\d+ answers and \d+ agent texts in \d+ languages: all fine", out)


def test_an_answer_nothing_sends_is_reported(content: ContentCopy) -> None:
    def change(data: dict[str, Any]) -> None:
        data["utter_solar_panels"] = {
            "nb": "Vi selger solceller.",
            "en": "We sell solar panels.",
            "sv": "Vi säljer solceller.",
            "fi": "Meiltä saa paneeleja.",
        }

    content.edit("content/answers/conversation.yml", change)
    with (content.root / "docs/answers.md").open("a", encoding="utf-8") as docs:
        docs.write("| conversation | utter_solar_panels | | solar panels |\n")
    out = content.failed()
    assert (
        "content/answers/conversation.yml: utter_solar_panels [all]: "
        "no rule, story, form or code sends this answer"
    ) in out
    assert out.splitlines()[-1].endswith("1 problem (1 unreachable)")


def test_an_answer_a_rule_sends_but_content_lacks_is_reported(content: ContentCopy) -> None:
    def change(data: dict[str, Any]) -> None:
        data["rules"].append(
            {"rule": "solar", "steps": [{"intent": "greet"}, {"action": "utter_solar_panels"}]}
        )

    out = content.breaking("data/rules.yml", change)
    assert "data/rules.yml: utter_solar_panels [all]: sent here, but not in content/answers/" in out


def test_an_answer_the_code_sends_counts_as_reached(content: ContentCopy) -> None:
    def change(data: dict[str, Any]) -> None:
        data["rules"] = [
            rule
            for rule in data["rules"]
            if {"action": "utter_meter_reading"} not in (rule.get("steps") or [])
        ]

    content.edit("data/rules.yml", change)
    _, out = content.check()
    assert "utter_meter_reading [all]: no rule, story, form or code sends this answer" in out
    (content.root / "actions/meter.py").write_text(
        'METER = "utter_meter_reading"\n', encoding="utf-8"
    )
    _, out = content.check()
    assert "utter_meter_reading" not in out, out


def test_a_role_without_a_text_is_reported(content: ContentCopy) -> None:
    def change(data: dict[str, Any]) -> None:
        data["utter_meter_reading"]["en"].pop("both")

    out = content.breaking("content/answers/meter.yml", change)
    assert "content/answers/meter.yml: utter_meter_reading [en]: no text for the role 'both'" in out


def test_a_missing_translation_of_a_role_answer_is_reported(content: ContentCopy) -> None:
    out = content.breaking(
        "content/answers/outage.yml", lambda data: data["utter_outage_found"].pop("nb")
    )
    assert "content/answers/outage.yml: utter_outage_found [nb]: no text in this language" in out
