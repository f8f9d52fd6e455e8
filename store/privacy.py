"""A customer's right of access and to erasure (GDPR articles 15 and 17), for one conversation.

`export` gathers every record Svar keeps about a conversation, in every store (Rasa's tracker,
handoffs with their notes and log, callbacks, complaints and the channel inboxes included);
`erase` removes the same records and says what it removed. Both find a conversation's records
the same way (`_Found`), so what is exported is what is erased. Every use of the commands
below is written to the audit trail (store/audit.py), as the desk's are.

    python -m store.privacy export web:1a2b…  > customer.json
    python -m store.privacy erase web:1a2b…
    python -m store.privacy sweep            # apply the retention now (store/retention.py)
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis

from core.company import CompanyProfile
from core.settings import Settings
from store import keys
from store.audit import PrivacyAudit
from store.feedback import conversation_records
from store.retention import bound_the_unbounded, sweep
from store.stores import client as redis_client

# Erase looks again after deleting, this many times at most, for records written meanwhile.
ERASE_PASSES = 3
# Every channel whose webhook events wait in an inbox stream (bot/channels/inbox.py).
INBOX_CHANNELS = ("messenger", "telegram")


@dataclass
class _Found:
    """Where one conversation's records are: whole keys, and entries inside shared keys."""

    keys: list[str] = field(default_factory=list)
    stream_entries: dict[str, list[str]] = field(default_factory=dict)
    index_members: dict[str, list[str]] = field(default_factory=dict)
    # The index members above that are whole records (JSON), exported as well as erased.
    record_members: list[str] = field(default_factory=list)


async def export(redis: Redis, conversation_id: str, by: str) -> dict[str, Any]:
    """Everything kept about the conversation, as JSON-ready data, by Redis key; `by` (who
    asked) goes to the audit trail first, so no use goes unrecorded."""
    await PrivacyAudit(redis).record("export", conversation_id, by, time.time())
    found = await _find(redis, conversation_id)
    records: dict[str, Any] = {}
    for key in found.keys:
        value = await _value(redis, key)
        if value is not None:
            records[key] = value
    entries: dict[str, list[dict[str, str]]] = {}
    for stream, ids in found.stream_entries.items():
        for entry_id in ids:
            for _, fields in await redis.xrange(stream, entry_id, entry_id):
                entries.setdefault(stream, []).append({"id": entry_id, **fields})
    # Members of shared sets that are records of their own (answers to our questions).
    members = {
        index: [json.loads(m) for m in found.index_members[index]] for index in found.record_members
    }
    return {
        "conversation_id": conversation_id,
        "records": records,
        "log_entries": entries,
        "set_members": members,
    }


async def erase(redis: Redis, conversation_id: str, by: str) -> dict[str, int]:
    """Remove every record of the conversation; returns how many of each kind were removed.
    `by` (who asked) goes to the audit trail first, which the erasure leaves in place."""
    await PrivacyAudit(redis).record("erase", conversation_id, by, time.time())
    removed = {"keys": 0, "log_entries": 0, "index_members": 0}
    # Finding is not part of the deleting transaction: a record the customer's channel wrote
    # in between is caught by looking again, until nothing more is found.
    for _ in range(ERASE_PASSES):
        found = await _find(redis, conversation_id)
        done = await _remove(redis, found)
        removed = {kind: removed[kind] + done[kind] for kind in removed}
        if not any(done.values()):
            break
    return removed


async def _remove(redis: Redis, found: _Found) -> dict[str, int]:
    async with redis.pipeline(transaction=True) as pipe:
        if found.keys:
            pipe.delete(*found.keys)
        for stream, ids in found.stream_entries.items():
            pipe.xdel(stream, *ids)
        for index, members in found.index_members.items():
            pipe.zrem(index, *members)
        results = await pipe.execute()
    removed = iter(results)
    return {
        "keys": int(next(removed)) if found.keys else 0,
        "log_entries": sum(int(next(removed)) for _ in found.stream_entries),
        "index_members": sum(int(next(removed)) for _ in found.index_members),
    }


async def _find(redis: Redis, conversation_id: str) -> _Found:
    found = _Found(
        keys=[
            keys.conversation(conversation_id),
            keys.transcript(conversation_id),
            keys.rasa_tracker(conversation_id),
            keys.rasa_lock(conversation_id),
            keys.survey_question(conversation_id),
            keys.survey_rated(conversation_id),
            keys.survey_nps(conversation_id),
        ]
    )
    found.keys += [k async for k in redis.scan_iter(keys.web_message_seen(conversation_id, "*"))]
    # Handoffs: every one ever queued for the conversation is in the log with its conversation.
    log = await redis.xrange(keys.handoffs_log())
    handoffs = {f["handoff"] for _, f in log if f.get("conversation") == conversation_id}
    latest = await redis.hget(keys.conversation(conversation_id), "handoff")
    handoffs |= {latest} if latest else set()
    for handoff_id in sorted(handoffs):
        found.keys += [keys.handoff(handoff_id), keys.handoff_notes(handoff_id)]
    _entries(found, keys.handoffs_log(), [i for i, f in log if f.get("handoff") in handoffs])
    queue = await redis.xrange(keys.handoff_queue())
    _entries(found, keys.handoff_queue(), [i for i, f in queue if f.get("handoff") in handoffs])
    for index in (keys.handoffs_waiting(), keys.handoffs_claimed()):
        _members(found, index, sorted(handoffs))
    # Webhook events that failed every attempt, by the channel of the conversation's prefix.
    for channel in DEAD_LETTER_CHANNELS:
        dead = await redis.xrange(keys.inbox_dead(channel))
        _entries(
            found,
            keys.inbox_dead(channel),
            [i for i, f in dead if f.get("conversation") == conversation_id],
        )
    # Callbacks, complaints and follow-ups: one JSON record each, with the conversation's id in it.
    for record, index, log_key, id_field in (
        (keys.callback, keys.callbacks_by_deadline(), keys.callbacks_log(), "callback"),
        (keys.complaint, keys.complaints_by_deadline(), keys.complaints_log(), "complaint"),
        (keys.follow_up, keys.follow_ups_by_due(), keys.follow_ups_log(), "follow_up"),
    ):
        ids = await redis.zrange(index, 0, -1)
        raws = await redis.mget([record(i) for i in ids]) if ids else []
        mine = [
            i for i, raw in zip(ids, raws, strict=True) if raw and _belongs(raw, conversation_id)
        ]
        found.keys += [record(i) for i in mine]
        _members(found, index, mine)
        entries = await redis.xrange(log_key)
        _entries(found, log_key, [i for i, f in entries if f.get(id_field) in mine])
    # Answers to "did that help?", CSAT and NPS, and the topics the bot answered, per day.
    for day_set, members in (await conversation_records(redis, conversation_id)).items():
        _members(found, day_set, members)
        found.record_members.append(day_set)
    # Webhook events not yet processed: they hold the customer's own words.
    for channel in INBOX_CHANNELS:
        inbox = keys.inbox(channel)
        pending = await redis.xrange(inbox)
        _entries(found, inbox, [i for i, f in pending if f.get("conversation") == conversation_id])
    return found


def _belongs(raw: str, conversation_id: str) -> bool:
    return bool(json.loads(raw).get("conversation_id") == conversation_id)


# The channels whose webhook events go through an inbox (bot/channels/inbox.py).
DEAD_LETTER_CHANNELS = ("messenger", "telegram")


def _entries(found: _Found, stream: str, ids: Sequence[str]) -> None:
    if ids:
        found.stream_entries[stream] = list(ids)


def _members(found: _Found, index: str, members: Sequence[str]) -> None:
    if members:
        found.index_members[index] = list(members)


async def _value(redis: Redis, key: str) -> Any:
    kind = await redis.type(key)
    if kind == "string":
        raw = await redis.get(key)
        try:
            return json.loads(raw)
        except (TypeError, ValueError):
            return raw
    if kind == "hash":
        return await redis.hgetall(key)
    if kind == "list":
        return [json.loads(item) for item in await redis.lrange(key, 0, -1)]
    return None


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    redis = redis_client(settings.redis_url)
    try:
        if args.command == "export":
            exported = await export(redis, args.conversation, _operator())
            print(json.dumps(exported, ensure_ascii=False, indent=2))
        elif args.command == "erase":
            removed = await erase(redis, args.conversation, _operator())
            print(
                f"erased {args.conversation}: " + ", ".join(f"{n} {k}" for k, n in removed.items())
            )
        else:
            retention = CompanyProfile.load(settings.content_dir / "company.yml").retention
            bounded = await bound_the_unbounded(redis, retention)
            swept = await sweep(redis, retention, time.time())
            print(
                f"swept {swept.stream_entries} log entries, {swept.index_members} index members; "
                f"{bounded} records without a retention have one now"
            )
        return 0
    finally:
        await redis.close()


def _operator() -> str:
    """Who used the command, for the audit trail: the operating system's user."""
    return f"command line ({getpass.getuser()})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m store.privacy", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("export", "print everything kept about a conversation, as JSON"),
        ("erase", "remove everything kept about a conversation"),
    ):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("conversation", help="the conversation id, e.g. web:1a2b or fb:<PSID>")
    commands.add_parser("sweep", help="remove what is older than the company's retention")
    args = parser.parse_args(argv)
    return asyncio.run(_run(args, Settings.from_env()))


if __name__ == "__main__":
    sys.exit(main())
