"""Operations notices: a supervisor publishes one; the widget shows it while it goes on; it
is dropped a day after its expected end."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient
from redis.asyncio import Redis

from bot.app import create_app
from core.settings import Settings
from store.agents import Agents
from store.ops_notices import OpsNotice, OpsNotices
from tests.helpers import AGENT_PASSWORD, OSLO, login

STORM = {"nb": "Storm i Arna: vi jobber med linjene.", "en": "Storm in Arna: we are on the lines."}


@pytest.fixture
async def client(aiohttp_client, settings: Settings, redis_client: Redis) -> TestClient:  # type: ignore[no-untyped-def]
    agents = Agents(redis_client)
    await agents.add("kari", "Kari", AGENT_PASSWORD)
    await agents.add("sara", "Sara", AGENT_PASSWORD, supervisor=True)
    return await aiohttp_client(create_app(settings))


async def test_a_supervisor_publishes_a_notice_the_widget_shows_until_removed(
    client: TestClient,
) -> None:
    kari, sara = await login(client, "kari"), await login(client, "sara")
    body = {"text": STORM, "postal_codes": ["5262"]}
    assert (await client.post("/desk/api/notices", json=body, headers=kari)).status == 403
    only_nb = {"text": {"nb": STORM["nb"]}}
    assert (await client.post("/desk/api/notices", json=only_nb, headers=sara)).status == 400
    published = await client.post("/desk/api/notices", json=body, headers=sara)
    assert published.status == 200, await published.text()
    notice_id = (await published.json())["id"]
    listed = await (await client.get("/desk/api/notices", headers=kari)).json()
    assert [(n["id"], n["postal_codes"], n["by"]) for n in listed["notices"]] == [
        (notice_id, ["5262"], "sara")
    ]
    for language in ("nb", "en"):
        shown = await (await client.get(f"/api/notice?lang={language}")).json()
        assert shown["notices"] == [STORM[language]]
    removed = await client.post(f"/desk/api/notices/{notice_id}/remove", json={}, headers=sara)
    assert removed.status == 200
    assert (await (await client.get("/api/notice?lang=nb")).json())["notices"] == []


async def test_a_notice_shows_only_while_it_goes_on_and_is_dropped_a_day_after(
    redis_client: Redis,
) -> None:
    notices = OpsNotices(redis_client)
    starts = datetime(2026, 11, 24, 8, 0, tzinfo=OSLO)
    notice = OpsNotice.new(
        text=STORM,
        postal_codes=("5262",),
        starts=starts,
        ends=starts + timedelta(hours=4),
        by="sara",
    )
    await notices.publish(notice)
    assert await notices.active(starts - timedelta(minutes=1)) == []
    assert await notices.active(starts + timedelta(hours=1), "5262") == [notice]
    assert await notices.active(starts + timedelta(hours=1), "0550") == []
    assert await notices.active(starts + timedelta(hours=4)) == []
    assert await notices.all(starts + timedelta(hours=5)) == [notice]
    assert await notices.all(starts + timedelta(days=1, hours=5)) == []
    with pytest.raises(ValueError):
        OpsNotice.new(text=STORM, postal_codes=(), starts=starts, ends=starts, by="sara")
