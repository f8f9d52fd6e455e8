"""The content check of the company's price area lookup (`price_area_lookup:` in the profile):
it reads, it names only the profile's areas, every area can be found from a postal code or a
place, and the examples the bot gives when it asks ({postal_code_example}, {place_example})
lead to an area.

A company with one price area (Finland) never asks, so its lookup is not read.
"""

from __future__ import annotations

import yaml

from core.company import CompanyProfile
from core.content.inventory import Content, Problem
from core.price_areas import PriceAreas

_KIND = "price area lookup"


def price_area_lookup(content: Content) -> list[Problem]:
    profile = content.profile
    if len(profile.price_areas) == 1:
        return []
    where = content.file(profile.price_area_lookup)
    try:
        areas = PriceAreas.for_company(profile)
    except (OSError, KeyError, TypeError, ValueError, yaml.YAMLError) as error:
        return [Problem(_KIND, where, "price_area_lookup", "all", f"cannot be read: {error}")]
    return [Problem(_KIND, where, name, "all", why) for name, why in _gaps(areas, profile)]


def _gaps(areas: PriceAreas, profile: CompanyProfile) -> list[tuple[str, str]]:
    found = {r.area for r in areas.ranges} | set(areas.places.values())
    gaps = [
        (area, "no postal code or place leads to this area of the profile")
        for area in areas.areas
        if area not in found
    ]
    if areas.for_postal_code(profile.postal_code_example) is None:
        gaps.append(
            (
                "postal_code_example",
                f"{profile.postal_code_example!r}, the example the bot gives, is in no range",
            )
        )
    if areas.in_text(profile.place_example) is None:
        gaps.append(
            ("place_example", f"{profile.place_example!r}, the example the bot gives, is no place")
        )
    return gaps
