"""What the supervisors' insights show, for a period: `python -m bot.reports.insights
--from 2026-11-01 --to 2026-11-30 [--csv]`.

One computation for the desk's insights page and this command: the contacts of the period and
their outcomes (core/outcomes.py) from Rasa's trackers and the handoff log, the ratings, the
queue waits, the promises (bot/reports/promises.py), as tables of plain values. The page draws
each table as a chart; here each is printed, or written as CSV.
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from bot.reports.period import period_bounds, period_parser
from bot.reports.promises import Tally
from bot.reports.promises import collect as collect_promises
from core.clock import clock_from_env
from core.company import CompanyProfile
from core.outcomes import (
    Contact,
    CustomerAnswer,
    HandoffEnd,
    Outcome,
    contacts_of,
    mark_recontacts,
    outcome_name,
    rate,
    turns_from_tracker,
    with_answers,
)
from core.settings import Settings
from store.handoff_log import LogEvent
from store.stores import Stores

# How many not-understood messages per topic the page lists: enough for an editor's day.
TOP_MISSES = 10
SATISFIED = (4, 5)  # CSAT counts the share of ratings of 4 and 5 out of 5


@dataclass(frozen=True)
class Table:
    name: str  # also the key of its title and column names in content/locale.yml
    columns: tuple[str, ...]
    rows: tuple[tuple[str | int | float | None, ...], ...]


@dataclass(frozen=True)
class Rating:
    at: float  # the company's time of the contact rated
    score: int


def handoff_ends(events: Iterable[LogEvent]) -> list[HandoffEnd]:
    """Each handoff's end from the log: taken or not, its closing outcome, its rating."""
    found: dict[str, HandoffEnd] = {}
    for event in events:
        if event.event == "queued":
            found[event.handoff_id] = HandoffEnd(
                conversation_id=event.fields.get("conversation", ""),
                queued_at=event.at,
                reason=event.fields.get("reason", ""),
            )
        known = found.get(event.handoff_id)
        if known is None:
            continue
        if event.event == "claimed" and known.waited is None:
            found[event.handoff_id] = replace(known, waited=float(event.fields.get("waited") or 0))
        elif event.event == "closed":
            found[event.handoff_id] = replace(known, outcome=event.fields.get("outcome") or "")
        elif event.event == "rated" and event.fields.get("rating"):
            found[event.handoff_id] = replace(known, rating=int(event.fields["rating"]))
    return list(found.values())


def contacts_in(
    trackers: Iterable[tuple[str, list[dict[str, object]]]],
    handoffs: Sequence[HandoffEnd],
    answers: Iterable[CustomerAnswer],
    profile: CompanyProfile,
    start: float,
    end: float,
) -> list[Contact]:
    """The contacts that began in [start, end), with what their customers answered, each
    marked when the customer came back."""
    by_conversation: dict[str, list[HandoffEnd]] = {}
    for handoff in handoffs:
        by_conversation.setdefault(handoff.conversation_id, []).append(handoff)
    policy = profile.insights
    contacts = [
        contact
        for conversation_id, events in trackers
        for contact in contacts_of(
            conversation_id,
            turns_from_tracker(events),
            by_conversation.get(conversation_id, []),
            policy.contact_gap_minutes * 60,
        )
    ]
    answered = with_answers(contacts, answers, policy.contact_gap_minutes * 60)
    marked = mark_recontacts(answered, policy.recontact_window_hours * 3600)
    return [c for c in marked if start <= c.start < end]


def tables(
    contacts: Sequence[Contact],
    promises: Sequence[tuple[str, Tally]],
    profile: CompanyProfile,
) -> list[Table]:
    """Every table of the insights, from the period's contacts and promises."""
    handoffs = [c.handoff for c in contacts if c.handoff is not None]
    ratings = [Rating(c.start, c.rating) for c in contacts if c.rating is not None]
    recommends = [Rating(c.start, c.nps) for c in contacts if c.nps is not None]
    zone = ZoneInfo(profile.timezone)

    def day(at: float) -> str:
        return _day(at, zone)

    return [
        _solved("per_day", "day", contacts, lambda c: day(c.start)),
        _solved("per_topic", "topic", contacts, lambda c: c.topic or "-"),
        _count("outcomes", "outcome", (outcome_name(c) for c in contacts)),
        _csat(ratings, day, profile.insights.csat_excellent),
        _nps(recommends, day, profile.insights.nps_excellent),
        _count("handoff_reasons", "reason", (h.reason for h in handoffs), "handoffs"),
        _waits(handoffs, profile.promises.phone_answer_minutes),
        Table(
            "promises",
            ("promise", "due", "kept", "late", "missed", "not_yet_due"),
            tuple((n, t.due, t.kept, t.late, t.missed, t.not_yet_due) for n, t in promises),
        ),
        _misses(contacts),
        _count("channels", "channel", (c.channel for c in contacts)),
        _count("languages", "language", (c.language for c in contacts)),
    ]


def _solved(
    name: str, key: str, contacts: Sequence[Contact], by: Callable[[Contact], str]
) -> Table:
    groups: dict[str, list[Contact]] = {}
    for contact in contacts:
        groups.setdefault(by(contact), []).append(contact)
    rows = []
    for group, members in sorted(groups.items()):
        contained = sum(c.contained for c in members)
        fcr = sum(c.first_contact_resolved for c in members)
        bot = sum(c.outcome is Outcome.BOT_RESOLVED for c in members)
        rows.append(
            (group, len(members), bot, contained, _percent(contained, len(members)),
             fcr, _percent(fcr, len(members)))
        )  # fmt: skip
    columns = (key, "contacts", "bot_resolved", "contained", "containment_pct", "fcr", "fcr_pct")
    return Table(name, columns, tuple(rows))


def _count(name: str, key: str, values: Iterable[str], unit: str = "contacts") -> Table:
    counted = Counter(v or "-" for v in values)
    ordered = sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))
    return Table(name, (key, unit), tuple(ordered))


def _csat(ratings: Sequence[Rating], day: Callable[[float], str], bar: int) -> Table:
    groups: dict[str, list[int]] = {}
    for rating in ratings:
        groups.setdefault(day(rating.at), []).append(rating.score)
    rows = tuple(
        (d, len(s), sum(x in SATISFIED for x in s), _percent(sum(x in SATISFIED for x in s), len(s)), bar)
        for d, s in sorted(groups.items())
    )  # fmt: skip
    return Table("csat", ("day", "ratings", "satisfied", "csat_pct", "excellent_above"), rows)


def _nps(answers: Sequence[Rating], day: Callable[[float], str], bar: int) -> Table:
    groups: dict[str, list[int]] = {}
    for answer in answers:
        groups.setdefault(day(answer.at), []).append(answer.score)
    rows = []
    for d, scores in sorted(groups.items()):
        promoters = sum(s >= 9 for s in scores)
        detractors = sum(s <= 6 for s in scores)
        rows.append((d, len(scores), promoters, detractors,
                     round(100 * (promoters - detractors) / len(scores), 1), bar))  # fmt: skip
    return Table("nps", ("day", "answers", "promoters", "detractors", "nps", "excellent_above"),
                 tuple(rows))  # fmt: skip


def _waits(handoffs: Sequence[HandoffEnd], promise_minutes: int) -> Table:
    waits = sorted(h.waited for h in handoffs if h.waited is not None)
    median = round(statistics.median(waits) / 60, 1) if waits else None
    p90 = round(waits[min(len(waits) - 1, int(0.9 * len(waits)))] / 60, 1) if waits else None
    return Table(
        "queue_waits",
        ("claimed", "median_minutes", "p90_minutes", "promise_minutes"),
        ((len(waits), median, p90, promise_minutes),),
    )


def _misses(contacts: Sequence[Contact]) -> Table:
    """What the bot did not understand, and what the customer said did not help, per topic."""
    by_topic: dict[tuple[str, str], Counter[str]] = {}
    for contact in contacts:
        for kind, texts in (("not_understood", contact.misses), ("not_helped", contact.not_helped)):
            for text in texts:
                group = by_topic.setdefault((contact.topic or "-", kind), Counter())
                group[text.strip().lower()] += 1
    rows = tuple(
        (topic, kind, text, times)
        for (topic, kind), counted in sorted(by_topic.items())
        for text, times in counted.most_common(TOP_MISSES)
    )
    return Table("misses", ("topic", "kind", "message", "times"), rows)


def _percent(part: int, whole: int) -> float | None:
    share = rate(part, whole)
    return None if share is None else round(100 * share, 1)


def _day(at: float, zone: ZoneInfo) -> str:
    return datetime.fromtimestamp(at, timezone.utc).astimezone(zone).date().isoformat()


async def gather(
    stores: Stores, profile: CompanyProfile, first: date, last: date, now: float
) -> list[Table]:
    """The insights of the days `first` to `last` (both included), from Redis."""
    start, end = period_bounds(first, last, ZoneInfo(profile.timezone))
    handoffs = handoff_ends(await stores.handoff_log.history())
    trackers = [item async for item in stores.rasa_trackers.all_events()]
    # Answers come during a contact or just after it: a contact late in the period has its own.
    answers = await stores.feedback.between(start, end + profile.insights.contact_gap_minutes * 60)
    contacts = contacts_in(trackers, handoffs, answers, profile, start, end)
    promised = await collect_promises(
        (stores.callbacks, stores.complaints, stores.follow_ups), start, end, now
    )
    return tables(
        contacts,
        [("callbacks", promised.callbacks), ("complaints", promised.complaints),
         ("follow_ups", promised.follow_ups)],
        profile,
    )  # fmt: skip


def to_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.columns)
    writer.writerows(["" if v is None else v for v in row] for row in table.rows)
    return out.getvalue()


def render(report: Sequence[Table], first: date, last: date, as_csv: bool = False) -> str:
    if as_csv:
        return "\n".join(f"# {t.name}\n{to_csv(t)}" for t in report)
    lines = [f"Insights {first} to {last}"]
    for table in report:
        widths = [
            max(len(str(c)), *(len(_cell(r[i])) for r in table.rows)) if table.rows else len(c)
            for i, c in enumerate(table.columns)
        ]
        lines += [
            "",
            table.name,
            "  " + "  ".join(c.ljust(w) for c, w in zip(table.columns, widths, strict=True)),
        ]
        lines += [
            "  " + "  ".join(_cell(v).ljust(w) for v, w in zip(row, widths, strict=True))
            for row in table.rows
        ]
    return "\n".join(lines)


def _cell(value: str | int | float | None) -> str:
    return "n/a" if value is None else str(value)


def main() -> None:
    parser = period_parser(__doc__.splitlines()[0])
    parser.add_argument("--csv", action="store_true", help="every table as CSV")
    args = parser.parse_args()
    settings = Settings.from_env()
    profile = settings.load_profile()
    clock = clock_from_env(os.environ)
    stores = Stores.connect(settings.redis_url, clock, profile.retention)

    async def run() -> str:
        try:
            report = await gather(stores, profile, args.start, args.end, clock().timestamp())
        finally:
            await stores.close()
        return render(report, args.start, args.end, args.csv)

    print(asyncio.run(run()))


if __name__ == "__main__":
    main()
