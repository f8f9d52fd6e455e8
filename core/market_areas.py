"""The day-ahead market's price areas Svar knows, per country: the one list of them.

A company's profile lists its own (`price_areas:`, core/company.py), which must be among these
and of its country: Norway's five (NO1–NO5), Sweden's four elområden (SE1 Luleå, SE2 Sundsvall,
SE3 Stockholm, SE4 Malmö) and Finland's one (FI). A country not here gets its areas by adding
them here and to the price feed.
"""

from __future__ import annotations

from collections.abc import Mapping

AREAS_BY_COUNTRY: Mapping[str, tuple[str, ...]] = {
    "NO": ("NO1", "NO2", "NO3", "NO4", "NO5"),
    "SE": ("SE1", "SE2", "SE3", "SE4"),
    "FI": ("FI",),
}
KNOWN_AREAS = tuple(area for areas in AREAS_BY_COUNTRY.values() for area in areas)


def country_of(area: str) -> str | None:
    """The country a known area is in ("SE3" -> "SE"), or None for an area Svar does not know."""
    return next((country for country, areas in AREAS_BY_COUNTRY.items() if area in areas), None)
