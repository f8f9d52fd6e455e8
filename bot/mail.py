"""Outgoing e-mail: through SMTP when `SMTP_URL` is set, else into a mailbox folder under
`.state/` (one .eml file per mail), so that `make run` needs no mail server.

`SMTP_URL` is `smtp://[user:password@]host[:port]` (STARTTLS when the server offers it) or
`smtps://...` (TLS from the start, port 465 by default). The sender is the company's address
from the company profile.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

import aiosmtplib

log = logging.getLogger(__name__)

SMTP_TIMEOUT = 20.0


class MailError(RuntimeError):
    """The mail could not be handed to the mail server."""


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str

    def message(self, sender: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = sender
        message["To"] = self.to
        message["Subject"] = self.subject
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
        message.set_content(self.body)
        return message


class Mailer(Protocol):
    async def send(self, mail: Mail) -> None: ...


class SmtpMailer:
    """Hands each mail to the SMTP server at `url`."""

    def __init__(self, url: str, sender: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("SMTP_URL must be smtp://[user:password@]host[:port] or smtps://...")
        self._tls = parts.scheme == "smtps"
        self._host = parts.hostname
        self._port = parts.port or (465 if self._tls else 25)
        self._user = unquote(parts.username) if parts.username else None
        self._password = unquote(parts.password) if parts.password else None
        self._sender = sender

    async def send(self, mail: Mail) -> None:
        try:
            await aiosmtplib.send(
                mail.message(self._sender),
                hostname=self._host,
                port=self._port,
                username=self._user,
                password=self._password,
                use_tls=self._tls,
                start_tls=None if not self._tls else False,  # STARTTLS when offered
                timeout=SMTP_TIMEOUT,
            )
        except (aiosmtplib.SMTPException, OSError) as error:
            raise MailError(f"the mail server did not take the mail: {error}") from error
        log.info("mail: sent %r", mail.subject)  # the address is personal data: not logged


class MailboxMailer:
    """Writes each mail as an .eml file into `folder` (readable by the owner only)."""

    def __init__(self, folder: Path, sender: str) -> None:
        self._folder = folder
        self._sender = sender

    async def send(self, mail: Mail) -> None:
        self._folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = self._folder / f"{uuid.uuid4().hex}.eml"
        try:
            path.write_bytes(bytes(mail.message(self._sender)))
            path.chmod(0o600)
        except OSError as error:
            raise MailError(f"cannot write the mail to {self._folder}: {error}") from error
        log.info("mail: %r written to %s", mail.subject, path)


def mailer(smtp_url: str, mailbox: Path, sender: str) -> Mailer:
    """SMTP when a URL is set, else the local mailbox folder."""
    return SmtpMailer(smtp_url, sender) if smtp_url else MailboxMailer(mailbox, sender)
