"""The front door's log, as `python -m bot` writes it: requests without their query strings."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from stack.ports import free_port
from tests.helpers import ROOT

NLG_TOKEN = "nlg-token-Hq72mZ"


def _get(url: str, body: bytes | None = None) -> int:
    try:
        with urllib.request.urlopen(url, body, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_the_front_doors_log_holds_no_query_strings(redis_url: str, tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "SVAR_HOST": "127.0.0.1",
        "SVAR_PORT": str(port),
        "RASA_URL": f"http://127.0.0.1:{free_port()}",
        "SVAR_NLG_TOKEN": NLG_TOKEN,
        "PYTHONUNBUFFERED": "1",
    }
    log = tmp_path / "frontdoor.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot"], cwd=ROOT, env=env, stdout=output, stderr=output
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if _get(f"{url}/livez") == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError(log.read_text())
        assert _get(f"{url}/livez?token={NLG_TOKEN}&conversation=c0ffee42") == 200
        assert _get(f"{url}/nlg?token={NLG_TOKEN}x", b"{}") == 403  # as Rasa asks, wrong token
        assert _get(f"{url}/ws?conversation=c0ffee42") >= 400  # not a WebSocket handshake
        assert _get(f"{url}/webhooks/messenger?hub.verify_token=hub-secret-9&hub.mode=x") >= 400
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(20)
    written = log.read_text()
    assert "GET /livez 200" in written
    assert "GET /ws " in written
    assert "POST /nlg 403" in written
    for secret in (NLG_TOKEN, "c0ffee42", "hub-secret-9", "?", "hub.mode"):
        assert secret not in written, f"{secret!r} in the log:\n{written}"
