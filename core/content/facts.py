"""Company facts as answer placeholders, written out in one language."""

from __future__ import annotations

from core.company import CompanyProfile
from core.content.locale import Locale


def company_facts(profile: CompanyProfile, locale: Locale) -> dict[str, str]:
    """The `{placeholders}` every answer may use (docs/content.md lists them)."""
    promises = profile.promises
    return {
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
