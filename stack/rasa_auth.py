"""Rasa's API token, given through the environment instead of the command line.

Rasa takes its token only as `rasa run --auth-token <token>`, and a command line is readable
by every user of the machine (`ps`, /proc/<pid>/cmdline). The supervisor passes the token in
Rasa's environment (RASA_TOKEN, readable only by the process's own user), and Rasa's entry
point (stack/rasa_server.py) hands it to Rasa's argument parser inside the process with
`auth_token_from_environment` before Rasa's own `main()` runs.
"""

from __future__ import annotations

from collections.abc import Mapping

TOKEN_VARIABLE = "RASA_TOKEN"
_TOKEN_OPTIONS = ("--auth-token", "-t")


def auth_token_from_environment(argv: list[str], env: Mapping[str, str]) -> list[str]:
    """Rasa's command line (argv[0] first) with `--auth-token` from the environment added to
    `run`. Refuses to open Rasa's HTTP API (`--enable-api`) without a token."""
    args = argv[1:]
    if args[:1] != ["run"] or any(
        a in _TOKEN_OPTIONS or a.startswith("--auth-token=") for a in args
    ):
        return argv
    token = env.get(TOKEN_VARIABLE, "")
    if token:
        # One argument: a token may start with '-' (token_urlsafe), which argparse would
        # otherwise read as an option.
        return [*argv, f"--auth-token={token}"]
    if "--enable-api" in args:
        raise SystemExit(f"{TOKEN_VARIABLE} is not set: Rasa's HTTP API would be open to anyone")
    return argv
