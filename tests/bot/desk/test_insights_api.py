"""The insights API: a supervisor reads a period's tables and downloads them as CSV; other
agents get 403, a browser without a session is sent to log in. In-process, real Redis."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from datetime import datetime, timezone

import pytest
from aiohttp.test_utils import TestClient
from redis.asyncio import Redis

from bot.app import create_app
from core.settings import Settings
from store import keys
from store.agents import Agents
from tests.helpers import AGENT_PASSWORD as PASSWORD
from tests.helpers import login

# Wednesday 25 November 2026, 10:00 in Oslo.
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
async def client(aiohttp_client, settings: Settings, redis_client: Redis) -> TestClient:  # type: ignore[no-untyped-def]
    agents = Agents(redis_client)
    await agents.add("sara", "Sara", PASSWORD, supervisor=True)
    await agents.add("kari", "Kari", PASSWORD)
    at = NOW.timestamp() - 3600
    user = {
        "event": "user",
        "timestamp": at,
        "text": "når åpner dere",
        "parse_data": {"intent": {"name": "opening_hours"}},
        "metadata": {"at": at, "channel": "telegram", "language": "nb"},
    }
    answer = {"event": "bot", "timestamp": at, "metadata": {"utter_action": "utter_opening_hours"}}
    await redis_client.set(keys.rasa_tracker("tg:1"), json.dumps({"events": [user, answer]}))
    clocked = dataclasses.replace(settings, clock_start=NOW.isoformat())
    return await aiohttp_client(create_app(clocked))


async def test_a_supervisor_gets_every_table_of_the_period_and_one_as_csv(
    client: TestClient,
) -> None:
    cookie = {"Cookie": (await login(client, "sara"))["Cookie"]}
    response = await client.get("/desk/api/insights?from=2026-11-25&to=2026-11-25", headers=cookie)
    assert response.status == 200, await response.text()
    body = await response.json()
    assert body["bars"] == {"csat": 80, "nps": 50, "phone_answer_minutes": 5}
    tables = {t["name"]: t for t in body["tables"]}
    assert tables["per_day"]["rows"] == [["2026-11-25", 1, 1, 1, 100.0, 1, 100.0]]
    assert tables["channels"]["rows"] == [["telegram", 1]]

    # The default period: the last 30 days up to the clock's today.
    default = await (await client.get("/desk/api/insights", headers=cookie)).json()
    assert (default["from"], default["to"]) == ("2026-10-27", "2026-11-25")

    download = await client.get(
        "/desk/api/insights.csv?table=per_topic&from=2026-11-25&to=2026-11-25", headers=cookie
    )
    assert download.status == 200
    assert download.headers["Content-Disposition"] == (
        'attachment; filename="svar-per_topic-2026-11-25-2026-11-25.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(await download.text())))
    assert [(r["topic"], r["contained"], r["fcr_pct"]) for r in rows] == [
        ("opening_hours", "1", "100.0")
    ]


async def test_a_plain_agent_gets_403_and_no_session_is_sent_to_log_in(
    client: TestClient,
) -> None:
    cookie = {"Cookie": (await login(client, "kari"))["Cookie"]}
    for path in ("/desk/insights", "/desk/api/insights", "/desk/api/insights.csv?table=nps"):
        assert (await client.get(path, headers=cookie)).status == 403, path
    anonymous = await client.get("/desk/insights", allow_redirects=False)
    assert (anonymous.status, anonymous.headers["Location"]) == (302, "/desk")
    assert (await client.get("/desk/api/insights")).status == 401


async def test_a_period_backwards_or_no_day_at_all_is_a_clear_400(client: TestClient) -> None:
    cookie = {"Cookie": (await login(client, "sara"))["Cookie"]}
    for query in (
        "from=2026-11-25&to=2026-11-01",
        "from=yesterday",
        "from=2024-01-01&to=2026-01-01",
    ):
        response = await client.get(f"/desk/api/insights?{query}", headers=cookie)
        assert response.status == 400, query
    missing = await client.get("/desk/api/insights.csv?table=nothing", headers=cookie)
    assert missing.status == 400
