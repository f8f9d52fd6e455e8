"""`python -m stack.container <process>`: one of Svar's processes in a container.

The container image (deploy/Containerfile) runs one process each: `frontdoor`, `rasa` or
`actions`, with the same command and environment as `make run` gives it (stack/processes.py),
but listening on every interface, reaching the others and Redis at the addresses the platform
gives (`REDIS_URL`, `RASA_URL`, `ACTIONS_URL`, `SVAR_NLG_URL`), and with the secrets every
replica must share taken from the environment, never made up. The platform restarts a process
that dies, so nothing here supervises; what the process prints is masked line by line on its way
to standard output, as `make run` masks its log files. `train` trains the model the image
carries (at build time). `ready <process>` is the platform's probe: it asks the process the
question the supervisor asks (for Rasa its status, with its token: Rasa answers `/` while it is
still loading its model) and exits 0 when the answer is yes.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path

from stack.logs import MAX_LINE_BYTES, Redactor, StandardOutput, copy_masked, secrets_in
from stack.processes import ProcessSpec, StackConfig, specs
from stack.train import ensure_model, model_path

ROOT = Path(__file__).resolve().parent.parent
PROCESSES = ("frontdoor", "rasa", "actions")
# Shared by every replica, so they come from the platform (a Kubernetes Secret).
REQUIRED = ("REDIS_URL", "RASA_TOKEN", "SVAR_NLG_TOKEN", "SVAR_CONVERSATION_SECRET")
# Where the other processes are: the platform's service addresses, not this machine's ports.
SERVICE_URLS = ("RASA_URL", "ACTIONS_URL", "SVAR_NLG_URL")
PROBE_TIMEOUT_SECONDS = 3.0


class ContainerError(RuntimeError):
    """The container cannot start as configured: the message says what to set."""


def container_spec(name: str, env: Mapping[str, str], model: Path) -> ProcessSpec:
    """The spec `make run` would use for `name`, bound to every interface and pointed at the
    platform's services."""
    if name not in PROCESSES:
        raise ContainerError(f"unknown process {name!r}: choose one of {', '.join(PROCESSES)}")
    missing = [variable for variable in REQUIRED if not env.get(variable)]
    if missing:
        raise ContainerError(f"set {', '.join(missing)} (the same for every replica)")
    # One process per container: the platform runs the replicas and balances them.
    config = StackConfig.from_env(
        ROOT, {**env, "SVAR_BIND": env.get("SVAR_BIND", "0.0.0.0"), "SVAR_REPLICAS": "1"}
    )
    spec = next(spec for spec in specs(config, model) if spec.name == name)
    services = {variable: env[variable] for variable in SERVICE_URLS if env.get(variable)}
    return ProcessSpec(spec.name, spec.command, {**spec.env, **services}, spec.health_url)


async def run(spec: ProcessSpec) -> int:
    """Run the process until it exits, passing on the platform's stop signal."""
    process = await asyncio.create_subprocess_exec(
        *spec.command,
        env=spec.env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        limit=MAX_LINE_BYTES,
    )
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, process.send_signal, signum)
    assert process.stdout is not None
    await copy_masked(process.stdout, StandardOutput(), Redactor(secrets_in(spec.env)))
    return await process.wait()


def ready(spec: ProcessSpec) -> bool:
    """Whether the process says it is ready: its health address answers 200."""
    if spec.health_url is None:
        return False
    try:
        with urllib.request.urlopen(spec.health_url, timeout=PROBE_TIMEOUT_SECONDS) as answer:
            return bool(answer.status == 200)
    except (urllib.error.URLError, TimeoutError, ConnectionError):
        return False


def main(argv: list[str]) -> int:
    if argv[:1] == ["train"]:
        print(ensure_model(ROOT, ROOT / ".state"))
        return 0
    probe = argv[:1] == ["ready"]
    argv = argv[1:] if probe else argv
    model = model_path(ROOT, ROOT / ".state")
    try:
        if not model.exists():  # a replica must start in seconds, never train
            raise ContainerError("the image has no model: build it with `stack.container train`")
        spec = container_spec(argv[0] if argv else "", os.environ, model)
    except ContainerError as error:
        print(f"svar: {error}", file=sys.stderr)
        return 2
    if probe:
        return 0 if ready(spec) else 1
    return asyncio.run(run(spec))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
