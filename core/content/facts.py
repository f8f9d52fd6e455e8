"""Company facts as answer placeholders, written out in one language."""

from __future__ import annotations

from core.company import CompanyProfile
from core.content.locale import Locale


def company_facts(profile: CompanyProfile, locale: Locale) -> dict[str, str]:
    """The `{placeholders}` every answer may use (docs/content.md lists them)."""
    promises = profile.promises
    figures = profile.figures
    schemes = profile.state_schemes
    return {
        # Not said: the renderer picks an answer's text for this role (core/content/answers.py).
        "company_role": profile.role,
        "grid_company": profile.grid_company.name,
        "grid_outage_map": profile.grid_company.outage_map,
        "grid_phone": profile.grid_company.phone,
        "paper_invoice_fee": locale.kroner(figures.paper_invoice_fee),
        "reminder_fee": locale.kroner(figures.reminder_fee),
        "spot_markup": locale.ore(figures.spot_markup_ore),
        "monthly_fee": locale.kroner(figures.monthly_fee),
        "fixed_binding": locale.month_count(figures.fixed_binding_months),
        "fixed_exit_fee": locale.kroner(figures.fixed_exit_fee),
        "broadband_binding": locale.month_count(figures.broadband_binding_months),
        "support_threshold": locale.ore(schemes.support_threshold_ore),
        "support_share": f"{schemes.support_share_percent} %",
        "norgespris": locale.ore(schemes.norgespris_ore),
        "norgespris_until": locale.full_date(schemes.norgespris_until),
        "schemes_as_of": locale.full_date(schemes.as_of),
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
        "phone_answer_time": locale.minutes(promises.phone_answer_minutes),
        "email_answer_time": locale.workdays(promises.email_answer_workdays),
        "letter_answer_time": locale.workdays(promises.letter_answer_workdays),
        "complaint_answer_time": locale.workdays(promises.complaint_answer_workdays),
        "callback_time": locale.workdays(promises.callback_workdays),
    }
