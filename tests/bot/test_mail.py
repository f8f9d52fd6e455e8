"""Outgoing mail: through a real SMTP server on loopback, or into the local mailbox folder."""

from __future__ import annotations

from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import pytest

from bot.mail import Mail, MailboxMailer, MailError, SmtpMailer, mailer
from stack.ports import free_port
from tests.helpers import EMAIL, SmtpInbox

ANSWER = Mail("kari@example.no", "Svar på klagen din, sak K-000001", "Vi gir deg rett.\nHilsen oss")


async def test_a_mail_reaches_the_smtp_server_from_the_company_address(
    smtp_server: tuple[str, SmtpInbox],
) -> None:
    url, inbox = smtp_server
    await SmtpMailer(url, EMAIL).send(ANSWER)
    (received,) = inbox.mails
    assert received["From"] == EMAIL and received["To"] == "kari@example.no"
    assert received["Subject"] == "Svar på klagen din, sak K-000001"
    assert received.get_content().splitlines() == ["Vi gir deg rett.", "Hilsen oss"]


async def test_a_server_that_is_not_there_is_a_mail_error() -> None:
    with pytest.raises(MailError):
        await SmtpMailer(f"smtp://127.0.0.1:{free_port()}", EMAIL).send(ANSWER)


def test_a_malformed_smtp_url_is_refused_at_start() -> None:
    with pytest.raises(ValueError, match="SMTP_URL"):
        SmtpMailer("http://mail.example", EMAIL)


async def test_with_no_smtp_server_mails_go_to_the_mailbox_folder(tmp_path: Path) -> None:
    box = tmp_path / "mailbox"
    chosen = mailer("", box, EMAIL)
    assert isinstance(chosen, MailboxMailer)
    await chosen.send(ANSWER)
    (path,) = box.glob("*.eml")
    written = message_from_bytes(path.read_bytes(), policy=default_policy)
    assert written["To"] == "kari@example.no" and written["From"] == EMAIL
    assert "Vi gir deg rett." in written.get_content()  # type: ignore[attr-defined]
    assert path.stat().st_mode & 0o077 == 0  # the owner's only
