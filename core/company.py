"""The company profile (`content/company.yml`): the one place that holds company facts.

Loaded once at start-up and passed to whatever needs it, so that another company adopts Svar
by editing that file alone.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, time
from pathlib import Path
from typing import Any

import yaml

from core.calendar import BusinessCalendar, OpeningHours
from core.market_areas import AREAS_BY_COUNTRY, KNOWN_AREAS, country_of
from core.retention import Retention
from core.survey import SurveyPolicy

# What the company is: a power supplier, the grid company (nettselskap) that owns the lines, or
# both. Answers that depend on it have one text per role (docs/content.md, "Role").
ROLES = ("supplier", "grid", "both")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Where a customer's price area is looked up (postal codes and places) unless the profile names
# a file of its own (`price_area_lookup:`): Norway's.
DEFAULT_PRICE_AREA_LOOKUP = "content/price_areas.yml"
# Recurring closed days (MM-DD) are expanded over this span; far beyond any deadline asked.
_RECURRING_YEARS = range(2000, 2101)


class ProfileError(ValueError):
    """The company profile is missing a field or has a malformed one."""


@dataclass(frozen=True)
class Promises:
    phone_answer_minutes: int
    email_answer_workdays: int
    letter_answer_workdays: int
    complaint_answer_workdays: int
    callback_workdays: int
    follow_up_workdays: int = 2


@dataclass(frozen=True)
class InsightsPolicy:
    """How the insights count a contact as solved, and the charter's bars for the ratings."""

    recontact_window_hours: int = 24
    contact_gap_minutes: int = 240
    csat_excellent: int = 80
    nps_excellent: int = 50


@dataclass(frozen=True)
class QueuePolicy:
    long_wait_minutes: int
    extra_high_load_waiting: int
    # A queued or claimed chat where nobody wrote for this long goes back to the bot, which
    # offers the customer a callback: no chat waits for an absent agent for good.
    quiet_return_minutes: int
    # This many minutes before the desk closes, everyone still queued is told and offered a
    # callback; at closing, whoever still waits goes back to the bot.
    closing_notice_minutes: int = 15

    def busy(self, waiting: int, wait_minutes: int) -> bool:
        """A long wait, or so many waiting that it counts as extra high load."""
        return wait_minutes > self.long_wait_minutes or waiting >= self.extra_high_load_waiting


@dataclass(frozen=True)
class GridCompany:
    """The grid company where the customers live: the company itself unless it is a supplier."""

    name: str
    outage_map: str
    phone: str  # day and night: outages and danger


@dataclass(frozen=True)
class Figures:
    """What customers pay, as the answers show it (in the profile's currency, VAT included)."""

    paper_invoice_fee: float
    reminder_fee: float
    spot_markup_minor: float  # the markup per kWh on top of the spot price, in øre or cents
    monthly_fee: float
    fixed_binding_months: int
    fixed_exit_fee: float
    broadband_binding_months: int

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Figures:
        return cls(
            paper_invoice_fee=float(raw["paper_invoice_fee"]),
            reminder_fee=float(raw["reminder_fee"]),
            spot_markup_minor=float(raw["spot_markup_minor"]),
            monthly_fee=float(raw["monthly_fee"]),
            fixed_binding_months=int(raw["fixed_binding_months"]),
            fixed_exit_fee=float(raw["fixed_exit_fee"]),
            broadband_binding_months=int(raw["broadband_binding_months"]),
        )


@dataclass(frozen=True)
class StateSchemes:
    """Norway's schemes for power prices (strømstøtte, Norgespris), as of a date. A company in a
    country without them has none, and its power-support answer says so."""

    as_of: date
    support_threshold_ore: float
    support_share_percent: int
    norgespris_ore: float
    norgespris_until: date

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> StateSchemes:
        return cls(
            as_of=date.fromisoformat(str(raw["as_of"])),
            support_threshold_ore=float(raw["support_threshold_ore"]),
            support_share_percent=int(raw["support_share_percent"]),
            norgespris_ore=float(raw["norgespris_ore"]),
            norgespris_until=date.fromisoformat(str(raw["norgespris_until"])),
        )


@dataclass(frozen=True)
class CompanyProfile:
    name: str
    assistant_name: str
    phone: str
    on_call_phone: str
    email: str
    post_address: str
    web: str
    my_page: str
    country: str
    timezone: str
    languages: tuple[str, ...]
    customer_number_digits: int
    postal_code_digits: int
    postal_code_example: str
    place_example: str  # a place the price area lookup knows (`price_area_lookup`)
    phone_example: str
    weekly: dict[int, OpeningHours | None]
    closed_days: tuple[date, ...]
    promises: Promises
    queue: QueuePolicy
    insights: InsightsPolicy
    outage_feed: Path
    spot_price_feed: Path | str  # a file, or an http(s) URL in production
    retention: Retention
    role: str
    grid_company: GridCompany
    figures: Figures
    state_schemes: StateSchemes | None
    currency: str  # "NOK", "EUR": content/locale.yml writes amounts in it per language
    # The spot price areas in the price feed, in order: code -> language -> the area's name.
    # Each is one of the country's known areas (core/market_areas.py).
    price_areas: dict[str, dict[str, str]]
    # The postal code ranges and places per area (core/price_areas.py reads it).
    price_area_lookup: Path
    # What the answers call the country's services, schemes and bodies, in each language
    # (`named:`; docs/content.md): placeholder -> language -> text.
    named: dict[str, dict[str, str]]
    surveys: SurveyPolicy

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def as_role(self, role: str) -> CompanyProfile:
        """The same company in another role, to render each role's texts with its facts: as
        grid or both, the grid company is the company itself, on its on-call phone."""
        if role == self.role:
            return self
        own = GridCompany(self.name, self.grid_company.outage_map, self.on_call_phone)
        grid = self.grid_company if role == "supplier" else own
        return replace(self, role=_role(role), grid_company=grid)

    @classmethod
    def load(cls, path: Path, root: Path) -> CompanyProfile:
        """The profile at `path`; the feeds it names are relative to the repository `root`."""
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        try:
            return _parse(raw, base=root)
        except (KeyError, TypeError, ValueError) as error:
            raise ProfileError(f"{path}: {error!r}") from error

    def calendar(self) -> BusinessCalendar:
        return BusinessCalendar(
            timezone=self.timezone,
            country=self.country,
            weekly=self.weekly,
            closed_days=self.closed_days,
        )


def _parse(raw: dict[str, Any], base: Path) -> CompanyProfile:
    company = raw["company"]
    languages = tuple(str(code) for code in company["languages"])
    if not languages:
        raise ValueError("company.languages must name at least one language")
    return CompanyProfile(
        name=company["name"],
        assistant_name=company["assistant_name"],
        phone=company["phone"],
        on_call_phone=company["on_call_phone"],
        email=company["email"],
        post_address=company["post_address"],
        web=company["web"],
        my_page=company["my_page"],
        country=str(company["country"]),
        timezone=company["timezone"],
        languages=languages,
        customer_number_digits=int(company["customer_number_digits"]),
        postal_code_digits=int(company["postal_code_digits"]),
        postal_code_example=str(company["postal_code_example"]),
        place_example=str(company["place_example"]),
        phone_example=str(company["phone_example"]),
        weekly={i: _hours(raw["opening_hours"][day]) for i, day in enumerate(WEEKDAYS)},
        closed_days=tuple(_closed_days(raw.get("closed_days") or [])),
        promises=Promises(**{k: int(v) for k, v in raw["promises"].items()}),
        queue=QueuePolicy(**{k: int(v) for k, v in raw["queue"].items()}),
        insights=InsightsPolicy(**{k: int(v) for k, v in (raw.get("insights") or {}).items()}),
        outage_feed=base / raw["outage_feed"],
        spot_price_feed=_feed(str(raw["spot_price_feed"]), base),
        retention=Retention.from_dict(raw["retention"]),
        role=_role(str(company["role"])),
        grid_company=GridCompany(**{k: str(v) for k, v in raw["grid_company"].items()}),
        figures=Figures.from_dict(raw["figures"]),
        state_schemes=_state_schemes(raw["state_schemes"]),
        currency=str(company["currency"]),
        price_areas={
            _price_area(str(code), str(company["country"])): _by_language(
                names, languages, f"price_areas.{code}"
            )
            for code, names in raw["price_areas"].items()
        },
        price_area_lookup=base / str(raw.get("price_area_lookup") or DEFAULT_PRICE_AREA_LOOKUP),
        named={
            str(name): _by_language(text, languages, f"named.{name}")
            for name, text in raw["named"].items()
        },
        surveys=SurveyPolicy(
            nps_share=float(raw["surveys"]["nps_share"]),
            nps_every_days=int(raw["surveys"]["nps_every_days"]),
        ),
    )


def _state_schemes(raw: Any) -> StateSchemes | None:
    """`state_schemes: none` (or empty) where the country has no such schemes."""
    if raw is None or str(raw).strip().lower() == "none":
        return None
    return StateSchemes.from_dict(raw)


def _by_language(value: Any, languages: tuple[str, ...], where: str) -> dict[str, str]:
    """A text in each served language: a mapping by language, or one text for all of them."""
    if not isinstance(value, dict):
        return {language: str(value) for language in languages}
    missing = [language for language in languages if language not in value]
    if missing:
        raise ValueError(f"{where} has no text in {', '.join(missing)}")
    return {str(language): str(text) for language, text in value.items()}


def _price_area(code: str, country: str) -> str:
    """A price area the market has, in the company's own country."""
    own = AREAS_BY_COUNTRY.get(country)
    if code not in KNOWN_AREAS:
        known = ", ".join(own or KNOWN_AREAS)
        raise ValueError(f"price_areas: {code!r} is not a price area; the known ones are {known}")
    if own is not None and code not in own:
        raise ValueError(
            f"price_areas: {code} is a price area of {country_of(code)}, but company.country is "
            f"{country}, whose areas are {', '.join(own)}"
        )
    return code


def _feed(source: str, base: Path) -> Path | str:
    """A feed's http(s) URL as it is; a file relative to the project folder."""
    if source.startswith(("http://", "https://")):
        return source
    return base / source


def _role(role: str) -> str:
    if role not in ROLES:
        raise ValueError(f"company.role is {role!r}; it must be one of {', '.join(ROLES)}")
    return role


def _hours(spec: str) -> OpeningHours | None:
    """'08:00-16:00' -> OpeningHours; 'closed' -> None."""
    if spec.strip().lower() == "closed":
        return None
    opens, closes = (time.fromisoformat(part.strip()) for part in spec.split("-"))
    if closes <= opens:
        raise ValueError(f"opening hours {spec!r} close before they open")
    return OpeningHours(opens, closes)


def _closed_days(specs: list[str]) -> list[date]:
    days: list[date] = []
    for spec in specs:
        if len(spec) == 5:  # MM-DD: every year
            month, day = (int(part) for part in spec.split("-"))
            days.extend(date(year, month, day) for year in _RECURRING_YEARS)
        else:
            days.append(date.fromisoformat(spec))
    return days
