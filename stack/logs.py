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
import logging
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import urlsplit

from core.pii import MaskingFilter, mask

HIDDEN = "***"
MAX_LINE_BYTES = 64 * 1024  # a longer line is masked and written in pieces of this size

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


async def copy_masked(output: asyncio.StreamReader, log: Path, redact: Redactor) -> None:
    """Copy a child's output into its log file until the child closes it, line by line,
    each line masked. Reads to the end whatever happens: a child whose output is not read
    would block."""
    try:
        file = log.open("ab")
    except OSError:
        logging.getLogger(__name__).exception("cannot write %s; its lines are dropped", log)
        while await _next_line(output):
            pass
        return
    with file:
        while line := await _next_line(output):
            try:
                file.write(_masked(line, redact))
                file.flush()
            except OSError:  # a full disk: the line is lost, the child carries on
                pass


async def _next_line(output: asyncio.StreamReader) -> bytes:
    """The next line with its newline (a long one in pieces); b"" at the end."""
    try:
        return await output.readuntil(b"\n")
    except asyncio.IncompleteReadError as end:  # the last line, if it has no newline
        return end.partial
    except asyncio.LimitOverrunError as long_line:
        return await output.read(min(long_line.consumed, MAX_LINE_BYTES) or 1)


def _masked(line: bytes, redact: Redactor) -> bytes:
    text = line.decode("utf-8", "surrogateescape")
    try:
        return redact(text).encode("utf-8", "surrogateescape")
    except Exception:  # never the unmasked line
        return b"[a line was left out: it could not be masked]\n"
