"""How long each kind of record is kept: a company fact (content/company.yml, `retention:`).

docs/privacy.md gives the defaults and the reasons. Conversations (their state, transcript and
Rasa's tracker) count from the customer's last message; handoffs, callbacks, complaints
and follow-ups from when they were made. Figures for reports are aggregates and hold no personal data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

DAY_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Retention:
    conversation_days: int = 90
    handoff_days: int = 396  # 13 months
    callback_days: int = 396
    complaint_days: int = 1095  # 3 years
    follow_up_days: int = 396  # as callbacks: a promise to contact the customer
    # Customers' answers to our questions and the topics the bot answered: a year compared
    # with the year before, as handoffs.
    feedback_days: int = 396
    log_days: int = 30  # the processes' masked log files, a file a day

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Retention:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"retention: unknown kinds {sorted(unknown)}; known: {sorted(known)}")
        values = {name: int(str(value)) for name, value in data.items()}
        if any(days < 1 for days in values.values()):
            raise ValueError("retention: every period is at least one day")
        return cls(**values)

    @property
    def conversation_seconds(self) -> int:
        return self.conversation_days * DAY_SECONDS

    @property
    def handoff_seconds(self) -> int:
        return self.handoff_days * DAY_SECONDS

    @property
    def callback_seconds(self) -> int:
        return self.callback_days * DAY_SECONDS

    @property
    def complaint_seconds(self) -> int:
        return self.complaint_days * DAY_SECONDS

    @property
    def feedback_seconds(self) -> int:
        return self.feedback_days * DAY_SECONDS

    @property
    def follow_up_seconds(self) -> int:
        return self.follow_up_days * DAY_SECONDS
