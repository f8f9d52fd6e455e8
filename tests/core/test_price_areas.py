"""Which price area a customer is in, from a postal code or a place they wrote, read from the
shipped content/price_areas.yml."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.price_areas import PriceAreas

AREAS = PriceAreas.load(Path(__file__).resolve().parents[2] / "content" / "price_areas.yml")


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
    ],
)
def test_a_place_an_area_code_or_a_postal_code_in_a_message_gives_the_area(
    text: str, area: str
) -> None:
    assert AREAS.in_text(text, 4) == area


@pytest.mark.parametrize(
    "text", ["hva koster strømmen nå", "ok", "i live in Gothenburg", "kundenummer 12345678"]
)
def test_a_message_naming_no_area_gives_none(text: str) -> None:
    assert AREAS.in_text(text, 4) is None


def test_an_area_the_market_does_not_have_is_refused() -> None:
    with pytest.raises(ValueError, match="NO6"):
        PriceAreas.from_dict({"places": {"NO6": ["atlantis"]}})
