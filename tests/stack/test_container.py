"""`python -m stack.container <process>`: one process of the image, as `make run` would start
it, but listening on every interface, pointed at the platform's services, and refusing to
start without the secrets every replica must share."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from stack.container import REQUIRED, ContainerError, container_spec, ready, run
from stack.processes import ProcessSpec

MODEL = Path("/app/.state/models/svar-0123456789abcdef.tar.gz")
PLATFORM = {
    "REDIS_URL": "redis://:pw@redis-master:6379/0",
    "RASA_TOKEN": "rasa-token-of-the-secret",
    "SVAR_NLG_TOKEN": "nlg-token-of-the-secret",
    "SVAR_CONVERSATION_SECRET": "conversation-secret-of-the-secret",
    "RASA_URL": "http://svar-rasa:5005",
    "ACTIONS_URL": "http://svar-actions:5055",
    "SVAR_NLG_URL": "http://svar-frontdoor:8000/nlg",
}


def test_each_process_listens_on_every_interface_and_reaches_the_others_by_service() -> None:
    frontdoor = container_spec("frontdoor", PLATFORM, MODEL)
    assert frontdoor.env["SVAR_HOST"] == "0.0.0.0"
    assert frontdoor.env["RASA_URL"] == "http://svar-rasa:5005"
    assert frontdoor.env["ACTIONS_URL"] == "http://svar-actions:5055"
    assert frontdoor.env["REDIS_URL"] == PLATFORM["REDIS_URL"]

    rasa = container_spec("rasa", PLATFORM, MODEL)
    interface = rasa.command[rasa.command.index("--interface") + 1]
    assert interface == "0.0.0.0"
    assert str(MODEL) in rasa.command
    assert rasa.env["SVAR_NLG_URL"] == "http://svar-frontdoor:8000/nlg"
    assert rasa.env["ACTIONS_URL"] == "http://svar-actions:5055"
    assert rasa.env["REDIS_URL"] == PLATFORM["REDIS_URL"]
    # The shared secrets, not fresh ones: every replica must agree on them.
    assert rasa.env["RASA_TOKEN"] == PLATFORM["RASA_TOKEN"]
    assert rasa.env["SVAR_NLG_TOKEN"] == PLATFORM["SVAR_NLG_TOKEN"]

    actions = container_spec("actions", PLATFORM, MODEL)
    assert actions.env["SANIC_HOST"] == "0.0.0.0"


def test_a_replica_without_the_shared_secrets_refuses_to_start_naming_them() -> None:
    for missing in REQUIRED:
        env = {k: v for k, v in PLATFORM.items() if k != missing}
        with pytest.raises(ContainerError, match=missing):
            container_spec("frontdoor", env, MODEL)


def test_an_unknown_process_is_refused() -> None:
    with pytest.raises(ContainerError, match="frontdoor, rasa, actions"):
        container_spec("redis", PLATFORM, MODEL)


def test_the_rasa_probe_asks_rasa_s_status_with_the_platform_s_token_on_this_pod() -> None:
    url = urlsplit(container_spec("rasa", PLATFORM, MODEL).health_url or "")
    assert (url.hostname, url.path) == ("127.0.0.1", "/status")
    assert parse_qs(url.query) == {"token": [PLATFORM["RASA_TOKEN"]]}


async def test_the_probe_says_ready_only_when_the_process_answers_200() -> None:
    loaded = False

    async def status(request: web.Request) -> web.Response:
        return web.json_response({"model_file": "m"}) if loaded else web.Response(status=409)

    app = web.Application()
    app.router.add_get("/status", status)
    async with TestServer(app, host="127.0.0.1") as server:
        spec = ProcessSpec("rasa", ["rasa"], {}, str(server.make_url("/status?token=t")))
        assert not await asyncio.to_thread(ready, spec)
        loaded = True
        assert await asyncio.to_thread(ready, spec)
    assert not await asyncio.to_thread(ready, spec), "nothing listening is not ready"


async def test_what_the_process_prints_reaches_standard_output_masked(
    capfd: pytest.CaptureFixture[str],
) -> None:
    secret = PLATFORM["RASA_TOKEN"]
    printing = ProcessSpec(
        "printer",
        [sys.executable, "-c", f"print('fnr 01019010046 token {secret}'); raise SystemExit(3)"],
        {"RASA_TOKEN": secret},
        None,
    )
    code = await asyncio.wait_for(run(printing), 30)
    printed = capfd.readouterr().out
    assert code == 3
    assert "fnr" in printed
    assert "01019010046" not in printed
    assert secret not in printed
