"""The desk's login, session and CSRF rules (bot/desk/auth.py), in-process with a real Redis.
(The cookie's attributes, guessing and foreign origins: tests/bot/desk/test_desk.py.)"""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient
from redis.asyncio import Redis

from bot.app import create_app
from core.settings import Settings
from store.agents import Agents

PASSWORD = "a long desk password"


@pytest.fixture
async def desk(aiohttp_client, settings: Settings, redis_client: Redis) -> TestClient:  # type: ignore[no-untyped-def]
    await Agents(redis_client).add("kari", "Kari Nordmann", PASSWORD)
    return await aiohttp_client(create_app(settings))


async def log_in(
    desk: TestClient, username: str = "kari", password: str = PASSWORD
) -> dict[str, str]:
    response = await desk.post("/desk/api/login", json={"username": username, "password": password})
    assert response.status == 200, await response.text()
    body = await response.json()
    assert body["agent"] == {"username": "kari", "name": "Kari Nordmann"}
    return {
        "Cookie": f"svar_desk={response.cookies['svar_desk'].value}",
        "X-CSRF-Token": body["csrf"],
    }


async def test_the_username_is_read_without_case_or_spaces(desk: TestClient) -> None:
    await log_in(desk, "  KARI ")


async def test_me_tells_who_is_logged_in_and_repeats_the_csrf_token(desk: TestClient) -> None:
    headers = await log_in(desk)
    me = await (await desk.get("/desk/api/me", headers={"Cookie": headers["Cookie"]})).json()
    assert me["agent"]["username"] == "kari" and me["csrf"] == headers["X-CSRF-Token"]
    assert me["supervisor"] is False
    assert (await desk.get("/desk/api/me")).status == 401


async def test_logging_out_needs_the_csrf_token_and_ends_the_session_for_good(
    desk: TestClient,
) -> None:
    headers = await log_in(desk)
    cookie_only = {"Cookie": headers["Cookie"]}
    assert (await desk.post("/desk/api/logout", headers=cookie_only)).status == 403
    assert (await desk.get("/desk/api/me", headers=cookie_only)).status == 200
    assert (await desk.post("/desk/api/logout", headers=headers)).status == 200
    assert (await desk.get("/desk/api/me", headers=cookie_only)).status == 401


async def test_a_session_of_one_login_does_not_carry_the_csrf_token_of_another(
    desk: TestClient,
) -> None:
    first, second = await log_in(desk), await log_in(desk)
    assert first["X-CSRF-Token"] != second["X-CSRF-Token"]
    mixed = {"Cookie": first["Cookie"], "X-CSRF-Token": second["X-CSRF-Token"]}
    assert (await desk.post("/desk/api/logout", headers=mixed)).status == 403


async def test_a_login_that_is_not_json_is_refused(desk: TestClient) -> None:
    response = await desk.post("/desk/api/login", data={"username": "kari", "password": PASSWORD})
    assert response.status in (400, 415)
