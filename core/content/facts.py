"""Company facts as answer placeholders, written out in one language."""

from __future__ import annotations

from collections.abc import Mapping

from core.company import CompanyProfile
from core.content.answers import filled
from core.content.locale import Locale


def company_facts(profile: CompanyProfile, locale: Locale) -> dict[str, str]:
    """The `{placeholders}` every answer may use (docs/content.md lists them)."""
    promises = profile.promises
    figures = profile.figures
    currency = profile.currency
    facts = {
        # Not said: the renderer picks an answer's text for this role (core/content/answers.py).
        "company_role": profile.role,
        "grid_company": profile.grid_company.name,
        "grid_outage_map": profile.grid_company.outage_map,
        "grid_phone": profile.grid_company.phone,
        "paper_invoice_fee": locale.money(figures.paper_invoice_fee, currency),
        "reminder_fee": locale.money(figures.reminder_fee, currency),
        "spot_markup": locale.money_minor(figures.spot_markup_minor, currency),
        "monthly_fee": locale.money(figures.monthly_fee, currency),
        "fixed_binding": locale.month_count(figures.fixed_binding_months),
        "fixed_exit_fee": locale.money(figures.fixed_exit_fee, currency),
        "broadband_binding": locale.month_count(figures.broadband_binding_months),
        **state_scheme_facts(profile, locale),
        "company_name": profile.name,
        "assistant_name": profile.assistant_name,
        "phone": profile.phone,
        "on_call_phone": profile.on_call_phone,
        "email": profile.email,
        "post_address": profile.post_address,
        "web": profile.web,
        "my_page": profile.my_page,
        "opening_hours": locale.weekly_hours(profile.weekly),
        "postal_code_digits": str(profile.postal_code_digits),
        "postal_code_example": profile.postal_code_example,
        "place_example": profile.place_example,
        "price_area_count": str(len(profile.price_areas)),
        "phone_example": profile.phone_example,
        "phone_answer_time": locale.minutes(promises.phone_answer_minutes),
        "email_answer_time": locale.workdays(promises.email_answer_workdays),
        "letter_answer_time": locale.workdays(promises.letter_answer_workdays),
        "complaint_answer_time": locale.workdays(promises.complaint_answer_workdays),
        "callback_time": locale.workdays(promises.callback_workdays),
    }
    # A named text may name the facts above ("{grid_company} may cut off the power"). In a
    # language the company does not serve (an agent's), the company's own text for it.
    named = {
        name: filled(texts.get(locale.language, texts[profile.default_language]), facts)
        for name, texts in profile.named.items()
    }
    return {**facts, **named}


# Placeholders only a company with Norway's schemes has; the answer that uses them is never sent
# for another (actions/power_support.py), so the content check knows them for every profile.
STATE_SCHEME_FACTS = frozenset(
    {"support_threshold", "support_share", "norgespris", "norgespris_until", "schemes_as_of"}
)


def filled_topic_titles(
    titles: Mapping[str, Mapping[str, str]], facts: Mapping[str, Mapping[str, str]]
) -> dict[str, dict[str, str]]:
    """content/topics.yml with the company facts a title names filled in ("{einvoice} and
    {direct_debit}"), in each language the company serves."""
    return {
        intent: {
            lang: filled(title, facts[lang]) for lang, title in by_lang.items() if lang in facts
        }
        for intent, by_lang in titles.items()
    }


def state_scheme_facts(profile: CompanyProfile, locale: Locale) -> dict[str, str]:
    """Norway's schemes, for the answer only a company with them sends (actions/power_support)."""
    schemes = profile.state_schemes
    if schemes is None:
        return {}
    return {
        "support_threshold": locale.money_minor(schemes.support_threshold_ore, profile.currency),
        "support_share": f"{schemes.support_share_percent} %",
        "norgespris": locale.money_minor(schemes.norgespris_ore, profile.currency),
        "norgespris_until": locale.full_date(schemes.norgespris_until),
        "schemes_as_of": locale.full_date(schemes.as_of),
    }
