"""Another company adopts Svar by its profile alone: the Finnish example company's answers say
its facts (euro, Finnish bodies and services, its one price area) and nothing of the Norwegian
company's, while the Norwegian profile renders as before."""

from __future__ import annotations

import re
import string
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from actions.power_support import power_support_answer
from core.company import CompanyProfile, ProfileError
from core.content.answers import AnswerBook
from core.content.check import main
from core.content.facts import company_facts
from core.content.locale import Locale
from core.content.values import area_prices_value, minor_value, written_out
from core.price_areas import PriceAreas
from core.settings import Settings
from tests.helpers import SWEDISH_AREAS, swedish_profile

ROOT = Path(__file__).resolve().parents[3]
FINNISH = Path("content/companies/kuusivirta.yml")
PROFILES = [Path("content/company.yml"), FINNISH]
LOCALES = Locale.load_all(ROOT / "content/locale.yml")
ANSWERS = AnswerBook.load(ROOT / "content/answers")

# Facts of the Norwegian company and of Norway that must never reach a Finnish customer: its
# bodies, schemes, services, money, places and the Norwegian company's own names and numbers.
NORWEGIAN = re.compile(
    r"Elhub|Norgespris|strømstøtte|\bNAV\b|Elklagenemnda|Forbrukerrådet|strompris\.no|"
    r"\bNOK\b|\bkr\b|kroner|øre\b|\bNO[1-5]\b|AvtaleGiro|eFaktura|BankID|\bAMS\b|nettleie|"
    r"D-num|55 55 33 39|\+47|Straumen|Linjenett|skifteattest|tingrett|Husbanken|"
    r"Oslo|Bergen|Trondheim|Stavanger|Tromsø|Norway|Norge|Norja|Norwegian|norsk|"
    r"five price areas|viidellä hinta-alueella|fem prisområder|"
    r"beløpsgrense|winter bill is over the limit|talven lasku|vinterräkning|"
    r"expensive power|kallista sähköä|dyr el\b|dyr strøm|a lot of power at the same time|"
    r"paljon sähköä yhtä aikaa|mycket el samtidigt|"
    r"Only \w+ can|Bara \w+ kan|Vain \w+ voi|Sen voi tehdä vain|"
    r"(?-i:\b\d{4} [A-ZÆØÅ]{3,})",  # a Norwegian postal address: "0150 OSLO"
    re.IGNORECASE,
)


def finnish() -> CompanyProfile:
    return Settings.from_env({"SVAR_COMPANY": str(FINNISH)}).load_profile()


@pytest.mark.parametrize("company", PROFILES, ids=lambda path: path.stem)
def test_the_content_check_passes_for_each_shipped_profile(
    company: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--root", str(ROOT), "--company", str(company)])
    assert code == 0, capsys.readouterr().out


def test_svar_company_names_the_profile_the_processes_load() -> None:
    assert Settings.from_env({}).load_profile().name == "Straumen Energi"
    profile = finnish()
    assert (profile.name, profile.country, profile.currency) == ("Kuusivirta", "FI", "EUR")
    assert profile.languages == ("fi", "sv", "en")
    assert profile.postal_code_digits == 5
    assert profile.spot_price_feed == ROOT / "content/companies/kuusivirta/spot_prices.yml"
    calendar = profile.calendar()
    assert not calendar.is_workday(date(2027, 12, 6))  # Independence Day
    assert (profile.promises.email_answer_workdays, profile.promises.callback_workdays) == (3, 1)


def test_no_answer_tells_a_customer_of_the_finnish_company_a_norwegian_fact() -> None:
    profile = finnish()
    leaks = {}
    for language in profile.languages:
        facts = company_facts(profile, LOCALES[language])
        for answer in ANSWERS:
            if answer.name == "utter_power_support":  # Norway's schemes: never sent here
                continue
            variant = answer.pick(language, profile.role)
            assert variant is not None, f"{answer.name} has no {language} text"
            wanted = {n for _, n, _, _ in string.Formatter().parse(variant.text) if n}
            samples = {name: "<value>" for name in wanted - set(facts)}
            rendered = ANSWERS.render(answer.name, language, {**facts, **samples}, language)
            said = "\n".join([rendered.text, *(b.title for b in rendered.buttons)])
            if found := NORWEGIAN.search(said):
                leaks[answer.name, language] = found.group()
    assert leaks == {}


def test_a_country_without_state_support_gets_the_answer_that_says_so() -> None:
    assert power_support_answer(finnish()) == "utter_power_support_none"
    norwegian = Settings.from_env({}).load_profile()
    assert power_support_answer(norwegian) == "utter_power_support"


def test_amounts_are_written_in_each_company_s_currency() -> None:
    norwegian = Settings.from_env({}).load_profile()
    assert company_facts(norwegian, LOCALES["nb"])["reminder_fee"] == "35 kr"
    assert company_facts(norwegian, LOCALES["en"])["spot_markup"] == "4.9 øre"
    facts = company_facts(finnish(), LOCALES["en"])
    assert (facts["reminder_fee"], facts["paper_invoice_fee"]) == ("€5", "€3.90")
    assert facts["spot_markup"] == "0.49 cents"
    assert written_out({"price": minor_value(12.5)}, LOCALES["en"], finnish()) == {
        "price": "12.5 cents"
    }


def test_spot_prices_are_listed_per_price_area_of_the_profile_with_its_names() -> None:
    norwegian = Settings.from_env({}).load_profile()
    prices = area_prices_value({"NO1": 94.5, "NO2": 90.2, "NO3": 38.7, "NO4": 15.0, "NO5": 84.9})
    assert written_out({"p": prices}, LOCALES["nb"], norwegian)["p"] == (
        "Øst (NO1): 94,5 øre\nSør (NO2): 90,2 øre\nMidt (NO3): 38,7 øre\n"
        "Nord (NO4): 15 øre\nVest (NO5): 84,9 øre"
    )
    finnish_prices = area_prices_value({"FI": 9.51})
    assert written_out({"p": finnish_prices}, LOCALES["en"], finnish())["p"] == (
        "Finland (FI): 9.51 cents"
    )


def test_a_named_fact_that_starts_a_sentence_starts_with_a_capital() -> None:
    en = company_facts(finnish(), LOCALES["en"])
    fees = ANSWERS.render("utter_fees", "en", en, "en").text
    assert "€3.90. E-invoice in your online bank and e-mail are free." in fees
    norwegian = company_facts(Settings.from_env({}).load_profile(), LOCALES["en"])
    fees = ANSWERS.render("utter_fees", "en", norwegian, "en").text
    assert "NOK 39. eFaktura in your online bank and e-mail are free." in fees


def asked_for_the_area(profile: CompanyProfile, language: str) -> str:
    """The question for the customer's price area, as the profile's customer reads it."""
    facts = company_facts(profile, LOCALES[language])
    return ANSWERS.render("utter_ask_price_area", language, facts, language).text


def test_the_price_area_question_says_the_profile_s_count_and_a_place_of_its_own() -> None:
    norwegian = Settings.from_env({}).load_profile()
    assert asked_for_the_area(norwegian, "en") == (
        "The country has 5 price areas, each with its own price. What is your postal code, "
        "or the place you live? For example 0150 or Bergen."
    )
    areas = PriceAreas.for_company(norwegian)
    assert norwegian.price_area_lookup == ROOT / "content/price_areas.yml"
    assert areas.in_text(norwegian.place_example) == "NO5"
    # Finland is one price area: the bot never asks there (tests/actions/test_spot_price.py).
    assert list(finnish().price_areas) == ["FI"]


def test_what_direct_debit_does_with_a_large_bill_follows_the_company_s_country() -> None:
    norwegian = company_facts(Settings.from_env({}).load_profile(), LOCALES["en"])
    setup = ANSWERS.render("utter_einvoice_setup", "en", norwegian, "en").text
    assert setup.endswith(
        "Set a high enough amount limit. If a winter bill is over the limit, it is not paid."
    )
    finnish_facts = company_facts(finnish(), LOCALES["en"])
    setup = ANSWERS.render("utter_einvoice_setup", "en", finnish_facts, "en").text
    assert setup.endswith("A bill over the limit you set in your bank waits there for you to pay.")
    trouble = ANSWERS.render(
        "utter_payment_trouble", "fi", company_facts(finnish(), LOCALES["fi"]), "fi"
    ).text
    assert (
        "Eikö suoramaksu maksanut laskua automaattisesti? Tarkista raja verkkopankissa" in trouble
    )


def test_moving_without_a_plan_and_the_grid_fee_follow_the_company_s_country() -> None:
    finnish_facts = company_facts(finnish(), LOCALES["en"])
    moving = ANSWERS.render("utter_moving", "en", finnish_facts, "en").text
    assert "Without a plan, Lähiverkko may cut off the power." in moving  # a fact naming a fact
    grid = ANSWERS.render("utter_invoice_part_grid_rent", "en", finnish_facts, "en").text
    assert "It has a basic fee each month." in grid
    norwegian = company_facts(Settings.from_env({}).load_profile(), LOCALES["nb"])
    moving = ANSWERS.render("utter_moving", "nb", norwegian, "nb").text
    assert "Men uten avtale får du dyr strøm fra Linjenett en stund." in moving


# --- A Swedish company sets its price areas in its profile -------------------------------------


def test_a_swedish_company_adopts_svar_with_its_elomraden_by_its_profile_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = swedish_profile(tmp_path)
    assert main(["--root", str(ROOT), "--company", str(path)]) == 0, capsys.readouterr().out
    swedish = Settings.from_env({"SVAR_COMPANY": str(path)}).load_profile()
    assert list(swedish.price_areas) == ["SE1", "SE2", "SE3", "SE4"]
    assert swedish.price_area_lookup == ROOT / "content/price_areas_se.yml"
    assert asked_for_the_area(swedish, "sv") == (
        "Landet har 4 prisområden, med olika pris. Vad är ditt postnummer, eller orten där du "
        "bor? Till exempel 113 56 eller Göteborg."
    )
    prices = area_prices_value({"SE3": 88.2, "SE4": 121.4})
    assert written_out({"p": prices}, LOCALES["en"], swedish)["p"] == (
        "Stockholm (SE3): 88.2 öre\nMalmö (SE4): 121.4 öre"
    )


def test_a_profile_without_a_price_area_lookup_uses_norway_s(tmp_path: Path) -> None:
    raw = (ROOT / "content/company.yml").read_text(encoding="utf-8")
    path = tmp_path / "company.yml"
    path.write_text(raw.replace("price_area_lookup: content/price_areas.yml\n", ""))
    assert "\nprice_area_lookup:" not in path.read_text()
    profile = CompanyProfile.load(path, ROOT)
    assert profile.price_area_lookup == ROOT / "content/price_areas.yml"
    assert finnish().price_area_lookup == ROOT / "content/price_areas.yml"  # never read: one area


def test_an_area_the_market_does_not_have_is_a_profile_error(tmp_path: Path) -> None:
    path = swedish_profile(tmp_path, price_areas={**SWEDISH_AREAS, "SE5": "Visby"})
    with pytest.raises(
        ProfileError, match="'SE5' is not a price area; the known ones are SE1, SE2, SE3, SE4"
    ):
        CompanyProfile.load(path, ROOT)


def test_an_area_of_another_country_is_a_profile_error(tmp_path: Path) -> None:
    path = swedish_profile(tmp_path, price_areas={**SWEDISH_AREAS, "NO1": "Oslo"})
    with pytest.raises(
        ProfileError, match=r"NO1 is a price area of NO, but company\.country is SE"
    ):
        CompanyProfile.load(path, ROOT)


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"price_area_lookup": "content/price_areas.yml"}, "is none of the company's"),
        ({"price_area_lookup": "content/nowhere.yml"}, "cannot be read"),
        ({"price_areas": {**SWEDISH_AREAS, "NO1": "Oslo"}}, "is a price area of NO"),
    ],
)
def test_the_content_check_refuses_a_price_area_lookup_of_other_areas(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], changes: dict[str, Any], said: str
) -> None:
    path = swedish_profile(tmp_path, **changes)
    assert main(["--root", str(ROOT), "--company", str(path)]) == 1
    assert said in capsys.readouterr().out


def test_the_content_check_says_when_the_examples_the_bot_gives_lead_to_no_area(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = swedish_profile(tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Göteborg", "Bergen").replace("113 56", "'0150'"))
    assert main(["--root", str(ROOT), "--company", str(path)]) == 1
    out = capsys.readouterr().out
    assert "place_example [all]: 'Bergen', the example the bot gives, is no place" in out
    assert "postal_code_example [all]: '0150', the example the bot gives, is in no range" in out
