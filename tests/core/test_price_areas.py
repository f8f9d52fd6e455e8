"""Which price area a customer is in, from a postal code, a place or the area they wrote, read
from the shipped files: content/price_areas.yml (Norway, the Norwegian profile's) and
content/price_areas_se.yml (Sweden's elområden, for a Swedish company's profile)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.price_areas import PriceAreas
from core.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
AREAS = PriceAreas.for_company(Settings.from_env({}).load_profile())
SWEDEN = PriceAreas.load(
    ROOT / "content" / "price_areas_se.yml", ("SE1", "SE2", "SE3", "SE4"), postal_code_digits=5
)


@pytest.mark.parametrize(
    ("postal_code", "area"),
    [("0150", "NO1"), ("3050", "NO1"), ("4006", "NO2"), ("5003", "NO5"), ("5527", "NO2"),
     ("6002", "NO3"), ("7010", "NO3"), ("6900", "NO5"), ("8006", "NO4"), ("9008", "NO4")],
)  # fmt: skip
def test_a_postal_code_gives_its_price_area(postal_code: str, area: str) -> None:
    assert AREAS.for_postal_code(postal_code) == area


@pytest.mark.parametrize(
    ("text", "area"),
    [
        ("hva koster strømmen i Bergen nå", "NO5"),
        ("jeg bor i Nord-Norge", "NO4"),
        ("vi bor i mo i rana", "NO4"),
        ("prisområde NO 3", "NO3"),
        ("no2", "NO2"),
        ("what's the price in Tromsø today", "NO4"),
        ("Trondheim", "NO3"),
        ("0550", "NO1"),
        ("postnummer 4010 Stavanger", "NO2"),
        ("I live in western Norway", "NO5"),
        ("prisområde 3", "NO3"),
    ],
)
def test_a_place_an_area_code_or_a_postal_code_in_a_message_gives_the_area(
    text: str, area: str
) -> None:
    assert AREAS.in_text(text) == area


@pytest.mark.parametrize(
    "text",
    ["hva koster strømmen nå", "ok", "i live in Gothenburg", "kundenummer 12345678", "SE3",
     "se 3", "i Malmö", "113 56", "prisområde 6"],
)  # fmt: skip
def test_a_message_naming_no_area_of_the_company_gives_none(text: str) -> None:
    assert AREAS.in_text(text) is None


@pytest.mark.parametrize(
    ("text", "area"),
    [
        ("SE3", "SE3"),
        ("vi har se 3", "SE3"),
        ("SE-4", "SE4"),
        ("elområde 3", "SE3"),
        ("Vilket område? Område 4", "SE4"),
        ("elområde 1 tror jag", "SE1"),
        ("113 56", "SE3"),
        ("11356", "SE3"),
        ("postnummer 211 22 Malmö", "SE4"),
        ("SE-852 30 Sundsvall", "SE2"),
        ("972 31", "SE1"),
        ("jag bor i Malmö", "SE4"),
        ("vad kostar elen i Umeå nu", "SE2"),
        ("we live in Gothenburg", "SE3"),
        ("Kiruna", "SE1"),
        ("i södra Sverige", "SE4"),
    ],
)
def test_a_swedish_company_reads_its_areas_postal_codes_and_places(text: str, area: str) -> None:
    assert SWEDEN.in_text(text) == area


@pytest.mark.parametrize(
    "text",
    ["NO3", "prisområde NO 3", "i Bergen", "0150", "elområde 5", "vad kostar elen nu",
     "ring 08-123 456 78", "kundnummer 12345678"],
)  # fmt: skip
def test_a_swedish_company_reads_no_norwegian_area_and_no_phone_number(text: str) -> None:
    assert SWEDEN.in_text(text) is None


@pytest.mark.parametrize(
    ("postal_code", "area"),
    [("113 56", "SE3"), ("41105", "SE3"), ("21122", "SE4"), ("35230", "SE4"), ("85230", "SE2"),
     ("90325", "SE2"), ("97231", "SE1"), ("98131", "SE1"), ("113", None), ("1135", None)],
)  # fmt: skip
def test_a_swedish_postal_code_of_five_digits_gives_its_area(
    postal_code: str, area: str | None
) -> None:
    assert SWEDEN.for_postal_code(postal_code) == area


@pytest.mark.parametrize(
    ("written", "area"), [("0550 Oslo", "NO1"), (" 5003 ", "NO5"), ("5003 Bergen", "NO5")]
)
def test_a_postal_code_with_its_place_after_it_gives_its_area_as_the_outage_form_takes_it(
    written: str, area: str
) -> None:
    assert AREAS.for_postal_code(written) == area


def test_a_spaced_swedish_postal_code_with_its_town_gives_its_area() -> None:
    assert SWEDEN.for_postal_code("114 32 Stockholm") == "SE3"


def test_every_swedish_area_is_found_from_a_postal_code_and_a_place() -> None:
    assert {r.area for r in SWEDEN.ranges} == {"SE1", "SE2", "SE3", "SE4"}
    assert set(SWEDEN.places.values()) == {"SE1", "SE2", "SE3", "SE4"}


def test_an_area_the_company_does_not_have_is_refused() -> None:
    with pytest.raises(ValueError, match="NO6"):
        PriceAreas.from_dict({"places": {"NO6": ["atlantis"]}}, ("NO1", "NO2"), 4)
    with pytest.raises(ValueError, match="'NO3' is none of the company's: SE1, SE2, SE3, SE4"):
        PriceAreas.from_dict({"places": {"NO3": ["trondheim"]}}, ("SE1", "SE2", "SE3", "SE4"), 5)
