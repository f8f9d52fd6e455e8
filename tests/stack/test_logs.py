"""The stack's logs and output hold no personal data and no secrets."""

from __future__ import annotations

import argparse
import io
import logging
import os
import sys
import textwrap
from datetime import date, datetime
from pathlib import Path

import pytest

from stack import rasa_server
from stack.__main__ import banner
from stack.logs import DailyLog, RedactingFilter, Redactor, secrets_in
from stack.ports import free_port
from stack.processes import ProcessSpec, StackConfig, specs
from stack.rasa_auth import auth_token_from_environment
from stack.supervisor import StartupError, Supervisor
from tests.helpers import ROOT

FNR = "01019010046"
TOKEN = "rasa-token-Zq81xPw3"

# A child that prints what a careless process might: personal data, its own secret, a line
# longer than a pipe read, a traceback; then answers HTTP so that it counts as ready.
TALKER = textwrap.dedent(
    f"""
    import http.server, os, sys, traceback
    print("customer {FNR} wrote in", flush=True)
    print("my token is", os.environ["SOME_TOKEN"], flush=True)
    sys.stderr.write("x" * 70000 + " card 4111 1111 1111 1111\\n")
    sys.stderr.write("y" * (2 * 1024 * 1024 - 5) + "{FNR}" + "z" * 100 + "\\n")
    sys.stderr.flush()
    try:
        raise ValueError("unknown customer 811228-9874")
    except ValueError:
        traceback.print_exc()
    sys.stderr.flush()
    handler = http.server.SimpleHTTPRequestHandler
    http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), handler).serve_forever()
    """
)


async def test_what_a_child_prints_reaches_its_log_masked(tmp_path: Path) -> None:
    port = free_port()
    spec = ProcessSpec(
        "talker",
        [sys.executable, "-c", TALKER, str(port)],
        {"PATH": "/usr/bin:/bin", "SOME_TOKEN": TOKEN},
        f"http://127.0.0.1:{port}/",
    )
    supervisor = Supervisor([spec], tmp_path, "redis://127.0.0.1:1/0")
    try:
        await supervisor.start()
    finally:
        await supervisor.stop()  # and waits for the last lines to reach the log
    log = supervisor.log_file("talker").read_text()
    assert "customer *********** wrote in" in log
    assert "my token is ***" in log
    assert "card **** **** **** **11" in log
    assert "ValueError: unknown customer ******-****" in log
    assert "Traceback (most recent call last)" in log
    # Too long to mask whole: left out, and what follows it is kept.
    assert "[a line over 1 MiB was left out: it cannot be masked whole]" in log
    assert "yyyy" not in log
    for secret in (FNR, TOKEN, "4111", "811228"):
        assert secret not in log


async def test_the_traceback_of_a_crash_reaches_its_log_masked(tmp_path: Path) -> None:
    crash = f"raise SystemError('customer {FNR} broke it')"
    spec = ProcessSpec("crash", [sys.executable, "-c", crash], {}, "http://127.0.0.1:1/")
    supervisor = Supervisor([spec], tmp_path, "redis://127.0.0.1:1/0")
    with pytest.raises(StartupError, match="crash exited with 1"):
        await supervisor.start()
    await supervisor.stop()
    log = supervisor.log_file("crash").read_text()
    assert "SystemError: customer *********** broke it" in log
    assert FNR not in log


def test_secrets_are_hidden_by_value_and_by_form() -> None:
    env = {
        "RASA_TOKEN": TOKEN,
        "MESSENGER_APP_SECRET": "app-secret-123",
        "REDIS_PASSWORD": "",
        "REDIS_URL": "redis://:hunter2-pass@redis.example.internal:6379/2",
        "SVAR_PORT": "8000",
    }
    redact = Redactor(secrets_in(env))
    assert redact(f"GET /status?token={TOKEN} 200") == "GET /status?token=*** 200"
    assert redact("signed with app-secret-123.") == "signed with ***."
    assert redact("connecting to redis://:hunter2-pass@redis.example.internal:6379/2") == (
        "connecting to redis://:***@redis.example.internal:6379/2"
    )
    # By form: secrets the stack does not know of.
    assert redact("redis://user:other-pass@host:6379") == "redis://user:***@host:6379"
    assert redact("/webhook?hub.verify_token=abc&hub.challenge=42") == (
        "/webhook?hub.verify_token=***&hub.challenge=42"
    )
    assert redact("/ws?conversation=c0ffee42") == "/ws?conversation=***"
    assert redact("port 8000, nothing secret") == "port 8000, nothing secret"


def test_a_secret_with_a_personal_number_in_it_is_hidden_whole() -> None:
    # A Telegram bot token whose bot id happens to be a valid Swedish personnummer.
    token = "8112189876:AAHk3jdQwErTyUiOp"
    line = f"GET https://api.telegram.org/bot{token}/getUpdates"
    assert Redactor([token])(line) == "GET https://api.telegram.org/bot***/getUpdates"


def test_the_supervisors_own_log_records_are_masked() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter([TOKEN]))
    logger = logging.getLogger("test_stack_logs")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("rasa answered %s for %s", TOKEN, FNR)
    finally:
        logger.removeHandler(handler)
    assert stream.getvalue() == "rasa answered *** for ***********\n"


def test_the_banner_hides_the_redis_password(tmp_path: Path) -> None:
    url = "redis://:hunter2-pass@redis.example.internal:6379/2"
    text = banner(StackConfig.from_env(ROOT, {"REDIS_URL": url, "SVAR_STATE": str(tmp_path)}))
    assert "Redis:   redis://:***@redis.example.internal:6379/2\n" in text
    assert "hunter2" not in text


def test_rasas_command_line_carries_no_token(tmp_path: Path) -> None:
    config = StackConfig.from_env(ROOT, {"RASA_TOKEN": TOKEN, "SVAR_STATE": str(tmp_path)})
    processes = specs(config, tmp_path / "model.tar.gz")
    for process in processes:
        assert not any(TOKEN in arg for arg in process.command), process.name
    (rasa,) = [p for p in processes if p.name == "rasa"]
    assert "--auth-token" not in rasa.command and "-t" not in rasa.command
    # Rasa gets it from its environment, inside the process.
    assert rasa.env["RASA_TOKEN"] == TOKEN
    argv = auth_token_from_environment(["rasa", *rasa.command[3:]], rasa.env)
    assert argv[-1] == f"--auth-token={TOKEN}"


def test_rasas_entry_point_hands_the_token_from_the_environment_to_rasa(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import rasa.__main__

    seen: list[list[str]] = []
    monkeypatch.setattr(rasa.__main__, "main", lambda: seen.append(list(sys.argv)))
    for name in dir(rasa_server):  # its other start-up fixes are not this test's business
        if name.startswith("validate_") and name.endswith("_once"):
            monkeypatch.setattr(rasa_server, name, lambda: True)
    monkeypatch.setattr(sys, "argv", ["rasa_server", "run", "--enable-api"])
    monkeypatch.setenv("RASA_TOKEN", TOKEN)
    rasa_server.main()
    assert seen == [["rasa_server", "run", "--enable-api", f"--auth-token={TOKEN}"]]


def test_a_token_that_starts_with_a_dash_reaches_rasa_whole() -> None:
    from rasa.cli.arguments.run import add_server_arguments

    parser = argparse.ArgumentParser()
    add_server_arguments(parser)
    argv = auth_token_from_environment(["rasa", "run"], {"RASA_TOKEN": "-starts-with-a-dash"})
    assert parser.parse_args(argv[2:]).auth_token == "-starts-with-a-dash"


def test_rasas_api_is_not_opened_without_a_token() -> None:
    with pytest.raises(SystemExit, match="RASA_TOKEN is not set"):
        auth_token_from_environment(["rasa", "run", "--enable-api"], {})
    assert auth_token_from_environment(["rasa", "train"], {"RASA_TOKEN": TOKEN}) == [
        "rasa",
        "train",
    ]


def test_a_log_is_a_file_a_day_and_days_past_the_retention_are_removed(tmp_path: Path) -> None:
    path = tmp_path / "rasa.log"
    days = [date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 3)]
    today = days[0]
    log = DailyLog(path, keep_days=2, today=lambda: today)
    for written in days:
        today = written
        log.write(f"a line on {today}\n".encode())
        noon = datetime(today.year, today.month, today.day, 12).timestamp()
        os.utime(path, (noon, noon))  # the file's time is the day it was written on
    log.close()
    assert path.read_text() == "a line on 2026-12-03\n"
    assert (tmp_path / "rasa-2026-12-01.log").read_text() == "a line on 2026-12-01\n"
    # 30 November is more than two days before 3 December: gone.
    assert not (tmp_path / "rasa-2026-11-30.log").exists()
