"""Messenger's Send API: our messages in its wire format, sent with retries.

Texts longer than Messenger takes are split between sentences; Rasa's buttons become a
button template when there are at most three (they stay in the conversation), else quick
replies. Rate limits and temporary errors are retried with exponential backoff; an error that
would only repeat (a closed messaging window, a blocked Page) is raised at once.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import random
from collections.abc import Mapping
from typing import Any

import aiohttp

from bot.channels.text import split_text
from bot.messages import Outbound

log = logging.getLogger(__name__)

TEXT_LIMIT = 2000
TEMPLATE_TEXT_LIMIT = 640
TEMPLATE_BUTTONS = 3
QUICK_REPLIES = 13
TITLE_LIMIT = 20
PAYLOAD_LIMIT = 1000

# Graph error codes worth retrying: unknown/temporary errors and the rate limits.
RETRYABLE_CODES = frozenset({1, 2, 4, 17, 32, 341, 613, 80006})


class GraphError(RuntimeError):
    """The Graph API refused a request (after retries, where retrying made sense)."""

    def __init__(
        self,
        status: int,
        code: int | None,
        subcode: int | None,
        message: str,
        trace: str,
        retry_after: float | None = None,
    ) -> None:
        self.status = status
        self.code = code
        self.subcode = subcode
        self.trace = trace
        self.retry_after = retry_after  # seconds, when the API said (Retry-After)
        super().__init__(
            f"Graph API error {code}/{subcode} (HTTP {status}): {message} [fbtrace_id {trace}]"
        )

    @property
    def retryable(self) -> bool:
        return self.status == 429 or self.status >= 500 or self.code in RETRYABLE_CODES


class GraphClient:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        url: str,
        page_token: str,
        app_secret: str,
        *,
        attempts: int = 5,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
        timeout: float = 10.0,
    ) -> None:
        self._session = session
        self._url = f"{url}/me/messages"
        # appsecret_proof lets the Page require that calls come from whoever holds the secret.
        self._params = {
            "access_token": page_token,
            "appsecret_proof": hmac.new(
                app_secret.encode(), page_token.encode(), hashlib.sha256
            ).hexdigest(),
        }
        self._attempts = attempts
        self._backoff = backoff
        self._max_backoff = max_backoff
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def send(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """POST one Send API request; retried while the error may pass."""
        for attempt in range(1, self._attempts + 1):
            try:
                return await self._post(body)
            except GraphError as error:
                if not error.retryable or attempt == self._attempts:
                    raise
                delay = self._delay(attempt, error)
                log.warning(
                    "%s; attempt %d of %d, retrying in %.1f s",
                    error,
                    attempt,
                    self._attempts,
                    delay,
                )
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                if attempt == self._attempts:
                    raise GraphError(0, None, None, type(error).__name__, "-") from error
                delay = self._delay(attempt, None)
                log.warning(
                    "Graph API unreachable (%s); attempt %d of %d, retrying in %.1f s",
                    type(error).__name__,
                    attempt,
                    self._attempts,
                    delay,
                )
            await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    async def _post(self, body: Mapping[str, Any]) -> dict[str, Any]:
        async with self._session.post(
            self._url, params=self._params, json=body, timeout=self._timeout
        ) as response:
            try:
                data = await response.json(content_type=None)
            except ValueError:
                data = None
            if response.status == 200 and isinstance(data, dict) and "error" not in data:
                return data
            error = data.get("error") if isinstance(data, dict) else None
            error = error if isinstance(error, dict) else {}
            raise GraphError(
                response.status,
                _int(error.get("code")),
                _int(error.get("error_subcode")),
                str(error.get("message") or response.reason or "no message"),
                str(error.get("fbtrace_id") or "-"),
                _retry_after(response.headers),
            )

    def _delay(self, attempt: int, error: GraphError | None) -> float:
        wait: float = min(self._max_backoff, self._backoff * 2 ** (attempt - 1))
        wait *= random.uniform(0.5, 1.0)  # jitter: many conversations do not retry in step
        told = error.retry_after if error is not None else None
        return max(wait, min(told, self._max_backoff)) if told is not None else wait


def message_requests(
    psid: str, message: Outbound, messaging: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The Send API requests that carry `message`: one per part of its text; the buttons go
    with the last part. `messaging` holds messaging_type (and tag)."""
    parts = split_text(message.text, TEXT_LIMIT)
    if not parts:
        return []
    bodies: list[dict[str, Any]] = [
        {"recipient": {"id": psid}, **messaging, "message": {"text": part}} for part in parts
    ]
    buttons = [
        b for b in message.buttons if b.title.strip() and 0 < len(b.payload) <= PAYLOAD_LIMIT
    ]
    if not buttons:
        return bodies
    last = parts[-1]
    if (
        len(buttons) <= TEMPLATE_BUTTONS
        and len(last) <= TEMPLATE_TEXT_LIMIT
        and all(len(b.title) <= TITLE_LIMIT for b in buttons)
    ):
        bodies[-1]["message"] = {
            "attachment": {
                "type": "template",
                "payload": {
                    "template_type": "button",
                    "text": last,
                    "buttons": [
                        {"type": "postback", "title": b.title, "payload": b.payload}
                        for b in buttons
                    ],
                },
            }
        }
    else:
        if len(buttons) > QUICK_REPLIES:
            log.warning("%d buttons; Messenger shows the first %d", len(buttons), QUICK_REPLIES)
        bodies[-1]["message"]["quick_replies"] = [
            {"content_type": "text", "title": _title(b.title), "payload": b.payload}
            for b in buttons[:QUICK_REPLIES]
        ]
    return bodies


def sender_action(psid: str, action: str) -> dict[str, Any]:
    """A typing indicator or read mark: "typing_on", "typing_off", "mark_seen"."""
    return {"recipient": {"id": psid}, "sender_action": action}


def _title(title: str) -> str:
    title = title.strip()
    return title if len(title) <= TITLE_LIMIT else title[: TITLE_LIMIT - 1].rstrip() + "…"


def _int(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[call-overload,no-any-return]
    except (TypeError, ValueError):
        return None


def _retry_after(headers: Mapping[str, str]) -> float | None:
    try:
        return max(0.0, float(headers["Retry-After"]))
    except (KeyError, ValueError):
        return None
