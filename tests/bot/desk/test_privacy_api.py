"""A supervisor exports and erases a customer's data from the desk; in-process, real Redis."""

from __future__ import annotations

import dataclasses
import json
import time
from datetime import datetime, timezone

import pytest
from aiohttp.test_utils import TestClient
from redis.asyncio import Redis

from bot.app import create_app
from core.clock import system_clock
from core.settings import Settings
from store import keys
from store.agents import Agents
from store.audit import PrivacyAudit
from store.stores import Stores
from tests.helpers import AGENT_PASSWORD as PASSWORD
from tests.helpers import RETENTION, keep_everything_about, login, mentions

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=timezone.utc)
ERASE_ME, KEEP_ME = "web:erase-me", "web:keep-me"


@pytest.fixture
async def client(aiohttp_client, settings: Settings, redis_client: Redis) -> TestClient:  # type: ignore[no-untyped-def]
    agents = Agents(redis_client)
    await agents.add("sara", "Sara", PASSWORD, supervisor=True)
    await agents.add("kari", "Kari", PASSWORD)
    stores = Stores.over(redis_client, system_clock, RETENTION)
    await keep_everything_about(stores, ERASE_ME)
    await keep_everything_about(stores, KEEP_ME)
    clocked = dataclasses.replace(settings, clock_start=NOW.isoformat())
    return await aiohttp_client(create_app(clocked))


def export_url(conversation: str) -> str:
    return f"/desk/api/privacy/{conversation}"


def erase_url(conversation: str) -> str:
    return f"/desk/api/privacy/{conversation}/erase"


async def test_a_supervisor_downloads_everything_kept_about_the_conversation_in_every_store(
    client: TestClient, redis_client: Redis
) -> None:
    headers = await login(client, "sara")
    me = await (await client.get("/desk/api/me", headers=headers)).json()
    assert me["supervisor"] is True

    response = await client.get(export_url(ERASE_ME), headers={"Cookie": headers["Cookie"]})
    assert response.status == 200, await response.text()
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="svar-web-erase-me.json"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    exported = await response.json()
    assert exported["conversation_id"] == ERASE_ME
    text = json.dumps(exported, ensure_ascii=False)
    # The chat, the agent's note, the callback and its call, the complaint, the Messenger event.
    for expected in ("hei, jeg vil klage", "ringer tilbake", "Kari Nordmann", "+4741234567",
                     "prøv igjen", "regningen er feil", "hallo"):  # fmt: skip
        assert expected in text
    records = set(exported["records"])
    for key in (keys.conversation(ERASE_ME), keys.transcript(ERASE_ME),
                keys.rasa_tracker(ERASE_ME)):  # fmt: skip
        assert key in records
    for prefix in ("svar:handoff:", "svar:callback:", "svar:complaint:"):
        assert any(k.startswith(prefix) for k in records), prefix
    assert {keys.handoffs_log(), keys.callbacks_log(), keys.complaints_log()} <= set(
        exported["log_entries"]
    )
    assert KEEP_ME not in text

    [entry] = await PrivacyAudit(redis_client).history()
    assert (entry.action, entry.conversation_id, entry.agent) == ("export", ERASE_ME, "sara")
    # The real time, not the desk's demo clock: an audit says when it really happened.
    assert time.time() - 60 < entry.at <= time.time()


async def test_an_ordinary_agent_gets_403_and_no_session_gets_401_and_nothing_changes(
    client: TestClient, redis_client: Redis
) -> None:
    before = await mentions(redis_client, ERASE_ME)
    headers = await login(client, "kari")
    assert (await (await client.get("/desk/api/me", headers=headers)).json())["supervisor"] is False
    assert (await client.get(export_url(ERASE_ME), headers=headers)).status == 403
    assert (await client.post(erase_url(ERASE_ME), json={}, headers=headers)).status == 403
    assert (await client.get(export_url(ERASE_ME))).status == 401
    assert (await client.post(erase_url(ERASE_ME), json={})).status == 401
    assert await mentions(redis_client, ERASE_ME) == before
    assert await PrivacyAudit(redis_client).history() == []


async def test_erase_leaves_nothing_of_the_customer_but_the_audit_of_who_erased_it_and_when(
    client: TestClient, redis_client: Redis
) -> None:
    headers = await login(client, "sara")
    response = await client.post(erase_url(ERASE_ME), json={}, headers=headers)
    assert response.status == 200, await response.text()
    body = await response.json()
    assert body["conversation_id"] == ERASE_ME
    assert body["removed"]["keys"] >= 6 and body["removed"]["log_entries"] >= 6

    # Only the audit trail still names the conversation; the erase did not remove its own record.
    assert await mentions(redis_client, ERASE_ME) == {keys.privacy_audit()}
    [(_, fields)] = await redis_client.xrange(keys.privacy_audit())
    at = float(fields.pop("at"))
    assert fields == {"action": "erase", "conversation": ERASE_ME, "agent": "sara"}
    assert time.time() - 60 < at <= time.time()
    # The other customer keeps everything.
    kept = await (await client.get(export_url(KEEP_ME), headers=headers)).json()
    assert "ringer tilbake" in json.dumps(kept, ensure_ascii=False)
    assert keys.rasa_tracker(KEEP_ME) in kept["records"]

    # A second erase finds nothing and is recorded too; the export is then empty.
    again = await (await client.post(erase_url(ERASE_ME), json={}, headers=headers)).json()
    assert again["removed"] == {"keys": 0, "log_entries": 0, "index_members": 0}
    empty = await (await client.get(export_url(ERASE_ME), headers=headers)).json()
    assert empty["records"] == {} and empty["log_entries"] == {}
    audit = await PrivacyAudit(redis_client).history()
    assert [(e.action, e.conversation_id, e.agent) for e in audit] == [
        ("erase", ERASE_ME, "sara"),
        ("export", KEEP_ME, "sara"),
        ("erase", ERASE_ME, "sara"),
        ("export", ERASE_ME, "sara"),
    ]


async def test_erase_needs_the_csrf_token_and_the_desks_own_origin(
    client: TestClient, redis_client: Redis
) -> None:
    before = await mentions(redis_client, ERASE_ME)
    headers = await login(client, "sara")
    cookie_only = {"Cookie": headers["Cookie"]}
    assert (await client.post(erase_url(ERASE_ME), json={}, headers=cookie_only)).status == 403
    wrong = {**headers, "X-CSRF-Token": "guessed"}
    assert (await client.post(erase_url(ERASE_ME), json={}, headers=wrong)).status == 403
    foreign = {**headers, "Origin": "https://evil.example"}
    assert (await client.post(erase_url(ERASE_ME), json={}, headers=foreign)).status == 403
    assert await mentions(redis_client, ERASE_ME) == before
    assert await PrivacyAudit(redis_client).history() == []


async def test_a_demotion_takes_effect_at_once_and_a_removed_agents_session_ends(
    client: TestClient, redis_client: Redis
) -> None:
    headers = await login(client, "sara")
    assert (await client.get(export_url(KEEP_ME), headers=headers)).status == 200
    assert await Agents(redis_client).set_supervisor("sara", False)
    assert (await client.get(export_url(KEEP_ME), headers=headers)).status == 403
    me = await (await client.get("/desk/api/me", headers=headers)).json()
    assert me["supervisor"] is False
    assert await Agents(redis_client).set_supervisor("sara", True)
    assert (await client.get(export_url(KEEP_ME), headers=headers)).status == 200
    await Agents(redis_client).remove("sara")
    assert (await client.get(export_url(KEEP_ME), headers=headers)).status == 401


async def test_what_is_no_conversation_id_is_refused_and_not_recorded(
    client: TestClient, redis_client: Redis
) -> None:
    headers = await login(client, "sara")
    for bad in ("web:a%20b", "web:%C3%A6", "x" * 101):
        assert (await client.get(export_url(bad), headers=headers)).status == 400, bad
    assert await PrivacyAudit(redis_client).history() == []
