"""The stack's logs hold no personal data and no secrets.

Every child process (Redis, action server, front door, Rasa) writes to a pipe, and the
supervisor copies that pipe line by line into `.state/logs/<process>.log`, masked on the way:
national ID, card and account numbers and IBANs (`core.pii.mask`), the stack's secrets by
value (tokens, passwords: every environment variable named *_TOKEN, *_SECRET, *_PASSWORD, and
the passwords in *_URL), and by form the password in any URL and the value of any token-like
query parameter. Masking what a process prints, rather than configuring each process's
logging, covers everything it prints: Rasa's and rasa-sdk's own log handlers, warnings,
TensorFlow's native output and the traceback of a crash.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import BinaryIO, Protocol
from urllib.parse import urlsplit

from core.pii import MaskingFilter, mask

HIDDEN = "***"
# A longer line is left out: masked in pieces, a number split between two would escape.
MAX_LINE_BYTES = 1024 * 1024
LONG_LINE = b"[a line over 1 MiB was left out: it cannot be masked whole]\n"

_SECRET_NAME = re.compile(r"(?:TOKEN|SECRET|PASSWORD|PASSWD|API_KEY)$")
_SHORTEST_SECRET = 6  # shorter values (empty, "0", "false") would mask ordinary words
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.\-]*://[^:/@\s]*:)[^@\s/]+@", re.IGNORECASE)
_SECRET_PARAMETER = re.compile(
    r"([?&;](?:[\w.\-]*token|[\w.\-]*secret|password|passwd|api_key|key|signature|sig|conversation)=)[^&\s\"'#]+",
    re.IGNORECASE,
)


class Redactor:
    """Masks personal data and secrets in text: one line of a log, or a log record."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        # Longest first, so that a secret containing another is hidden whole.
        self._secrets = sorted({s for s in secrets if len(s) >= _SHORTEST_SECRET}, key=len)[::-1]

    def __call__(self, text: str) -> str:
        # Secrets first: masking a number inside one would leave the rest of it unmatched.
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, HIDDEN)
        text = _URL_PASSWORD.sub(rf"\g<1>{HIDDEN}@", text)
        return mask(_SECRET_PARAMETER.sub(rf"\g<1>{HIDDEN}", text))


def secrets_in(env: Mapping[str, str]) -> list[str]:
    """The secret values in a process's environment: tokens, secrets and passwords, and the
    password of every URL."""
    found = [value for name, value in env.items() if _SECRET_NAME.search(name.upper())]
    for name, value in env.items():
        if name.upper().endswith("_URL") and "@" in value:
            try:
                password = urlsplit(value).password
            except ValueError:
                continue
            if password:
                found.append(password)
    return found


def redact_url(url: str) -> str:
    """The URL with its password hidden: redis://:***@redis.example.internal:6379/2."""
    return _URL_PASSWORD.sub(rf"\g<1>{HIDDEN}@", url)


class RedactingFilter(MaskingFilter):
    """A logging filter (for a handler) that masks personal data and these secrets in every
    record: its message, traceback and stack."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._redact = Redactor(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        super().filter(record)
        record.msg = self._redact(str(record.msg))
        if record.exc_text:
            record.exc_text = self._redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self._redact(record.stack_info)
        return True


class LogSink(Protocol):
    """Where a child's masked lines go: a daily file (`make run`) or standard output (a container)."""

    def write(self, data: bytes) -> None: ...

    def close(self) -> None: ...


class StandardOutput:
    """A container's log: its standard output, which the platform collects."""

    def write(self, data: bytes) -> None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()

    def close(self) -> None:
        sys.stdout.buffer.flush()


class DailyLog:
    """A process's log, a file a day: `<name>.log` is today's; at the first line of a new day
    the old one becomes `<name>-<its day>.log`, and day files older than `keep_days` (the
    company's `retention: log_days`) are removed."""

    def __init__(self, path: Path, keep_days: int, today: Callable[[], date] = date.today) -> None:
        self._path = path
        self._keep_days = keep_days
        self._today = today
        self._file: BinaryIO | None = None
        self._day: date | None = None

    def write(self, data: bytes) -> None:
        day = self._today()
        if self._file is None or day != self._day:
            self._open(day)
        assert self._file is not None
        self._file.write(data)
        self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def _open(self, day: date) -> None:
        self.close()
        path = self._path
        if path.exists():
            written = date.fromtimestamp(path.stat().st_mtime)
            kept = path.with_name(f"{path.stem}-{written.isoformat()}{path.suffix}")
            if written < day and not kept.exists():
                path.rename(kept)
        for old in path.parent.glob(f"{path.stem}-*{path.suffix}"):
            try:
                old_day = date.fromisoformat(old.stem.removeprefix(f"{path.stem}-"))
            except ValueError:
                continue
            if (day - old_day).days > self._keep_days:
                old.unlink()
        self._file = path.open("ab")
        self._day = day


async def copy_masked(output: asyncio.StreamReader, log: LogSink, redact: Redactor) -> None:
    """Copy a child's output into its log until the child closes it, line by line, each line
    masked. Reads to the end whatever happens: a child whose output is not read would block;
    a line that cannot be written (a full disk) is lost, and the child carries on."""
    try:
        while line := await _next_line(output):
            with contextlib.suppress(OSError):
                log.write(_masked(line, redact))
    finally:
        log.close()


async def _next_line(output: asyncio.StreamReader) -> bytes:
    """The next line with its newline (one too long for the reader: LONG_LINE); b"" at the
    end. The reader's limit must be MAX_LINE_BYTES (stack/supervisor.py sets it)."""
    try:
        return await output.readuntil(b"\n")
    except asyncio.IncompleteReadError as end:  # the last line, if it has no newline
        return end.partial
    except asyncio.LimitOverrunError:
        await _skip_line(output)
        return LONG_LINE


async def _skip_line(output: asyncio.StreamReader) -> None:
    while True:
        try:
            await output.readuntil(b"\n")
            return
        except asyncio.IncompleteReadError:
            return
        except asyncio.LimitOverrunError as long_line:
            await output.read(long_line.consumed or 1)


def _masked(line: bytes, redact: Redactor) -> bytes:
    text = line.decode("utf-8", "surrogateescape")
    try:
        return redact(text).encode("utf-8", "surrogateescape")
    except Exception:  # never the unmasked line
        return b"[a line was left out: it could not be masked]\n"
