"""A fake of Facebook's side of Messenger, on loopback, speaking its wire formats.

`FakeGraphAPI` is the Send API (`POST /<version>/me/messages`): it checks the access token and
appsecret_proof, validates requests against Messenger's limits as the real one does, records
every call, and answers programmed errors (Graph error bodies, HTTP 429) when told to.
The `*_event` and `delivery` helpers build webhook deliveries as Facebook sends them, and
`signature` signs them as Facebook does (X-Hub-Signature-256).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

VERSION = "v19.0"
_mids = itertools.count(1)


@dataclass
class Call:
    """One Send API request as the fake received it."""

    body: dict[str, Any]
    query: dict[str, str]
    at: float = field(default_factory=time.monotonic)

    @property
    def psid(self) -> str:
        return str(self.body["recipient"]["id"])

    @property
    def is_message(self) -> bool:
        return "message" in self.body

    @property
    def text(self) -> str:
        message = self.body.get("message") or {}
        if "attachment" in message:
            return str(message["attachment"]["payload"]["text"])
        return str(message.get("text", ""))

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(title, payload) of the quick replies or template buttons."""
        message = self.body.get("message") or {}
        if "attachment" in message:
            items = message["attachment"]["payload"]["buttons"]
        else:
            items = message.get("quick_replies") or []
        return [(item["title"], item["payload"]) for item in items]


@dataclass
class Failure:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]


class FakeGraphAPI:
    def __init__(self, page_token: str, app_secret: str) -> None:
        self.page_token = page_token
        self.app_secret = app_secret
        self.calls: list[Call] = []  # accepted requests only
        self.refused: list[Call] = []  # answered with an error
        self._failures: list[Failure] = []
        self._changed = asyncio.Condition()
        app = web.Application()
        app.router.add_post(f"/{VERSION}/me/messages", self._messages)
        self._server = TestServer(app, host="127.0.0.1")

    @property
    def url(self) -> str:
        """What `graph_api_url` should be set to."""
        return str(self._server.make_url(f"/{VERSION}"))

    async def start(self) -> None:
        await self._server.start_server()

    async def close(self) -> None:
        await self._server.close()

    def fail_next(
        self,
        times: int = 1,
        *,
        status: int = 400,
        code: int = 2,
        subcode: int | None = None,
        message: str = "An unexpected error has occurred. Please retry your request later.",
        retry_after: float | None = None,
    ) -> None:
        """Answer the next `times` requests with a Graph error (status 429: rate limited)."""
        error: dict[str, Any] = {
            "message": message,
            "type": "OAuthException",
            "code": code,
            "fbtrace_id": "AbCdEfGh123",
        }
        if subcode is not None:
            error["error_subcode"] = subcode
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        self._failures += [Failure(status, {"error": error}, headers)] * times

    def messages(self, psid: str | None = None) -> list[Call]:
        """The messages (not sender actions) sent, to one customer or all."""
        return [c for c in self.calls if c.is_message and (psid is None or c.psid == psid)]

    def actions(self, psid: str) -> list[str]:
        return [c.body["sender_action"] for c in self.calls if c.psid == psid and not c.is_message]

    async def wait_for(self, condition: Callable[[], bool], timeout: float = 15) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(condition), timeout)

    async def _messages(self, request: web.Request) -> web.Response:
        query = dict(request.query)
        try:
            body = await request.json()
        except ValueError:
            return self._error(400, 100, "Invalid JSON", None)
        call = Call(body, query)
        problem = self._check_token(query) or _check_body(body)
        if problem is None and self._failures:
            failure = self._failures.pop(0)
            problem = web.json_response(
                failure.body, status=failure.status, headers=failure.headers
            )
        (self.calls if problem is None else self.refused).append(call)
        async with self._changed:
            self._changed.notify_all()
        if problem is not None:
            return problem
        answer: dict[str, Any] = {"recipient_id": call.psid}
        if call.is_message:
            answer["message_id"] = f"m_fake{next(_mids)}"
        return web.json_response(answer)

    def _check_token(self, query: dict[str, str]) -> web.Response | None:
        if query.get("access_token") != self.page_token:
            return self._error(400, 190, "Invalid OAuth access token.", None)
        proof = hmac.new(
            self.app_secret.encode(), self.page_token.encode(), hashlib.sha256
        ).hexdigest()
        if query.get("appsecret_proof") != proof:
            return self._error(
                400, 100, "Invalid appsecret_proof provided in the API argument", None
            )
        return None

    @staticmethod
    def _error(status: int, code: int, message: str, subcode: int | None) -> web.Response:
        error: dict[str, Any] = {"message": message, "type": "OAuthException", "code": code}
        if subcode is not None:
            error["error_subcode"] = subcode
        error["fbtrace_id"] = "AbCdEfGh123"
        return web.json_response({"error": error}, status=status)


def _check_body(body: Any) -> web.Response | None:
    """Messenger's own limits; a request over them gets the error the real API gives."""

    def invalid(message: str) -> web.Response:
        return FakeGraphAPI._error(400, 100, f"(#100) {message}", None)

    if not isinstance(body, dict) or not str((body.get("recipient") or {}).get("id", "")):
        return invalid("The parameter recipient is required")
    if "sender_action" in body:
        if set(body) != {"recipient", "sender_action"}:
            return invalid("sender_action cannot be sent with other fields")
        if body["sender_action"] not in ("typing_on", "typing_off", "mark_seen"):
            return invalid("Invalid sender_action")
        return None
    message = body.get("message")
    if not isinstance(message, dict):
        return invalid("The parameter message is required")
    messaging_type = body.get("messaging_type")
    if messaging_type not in ("RESPONSE", "UPDATE", "MESSAGE_TAG"):
        return invalid("messaging_type must be RESPONSE, UPDATE or MESSAGE_TAG")
    if messaging_type == "MESSAGE_TAG" and body.get("tag") not in (
        "HUMAN_AGENT",
        "ACCOUNT_UPDATE",
        "CONFIRMED_EVENT_UPDATE",
        "POST_PURCHASE_UPDATE",
    ):
        return invalid("A valid tag is required with messaging_type MESSAGE_TAG")
    if "attachment" in message:
        payload = message["attachment"].get("payload") or {}
        buttons = payload.get("buttons") or []
        if payload.get("template_type") != "button" or not 1 <= len(buttons) <= 3:
            return invalid("Button template: 1 to 3 buttons")
        if not 0 < len(payload.get("text", "")) <= 640:
            return invalid("Button template text: 1 to 640 characters")
        for button in buttons:
            if button.get("type") != "postback" or not 0 < len(button.get("title", "")) <= 20:
                return invalid("Postback button title: 1 to 20 characters")
            if not 0 < len(button.get("payload", "")) <= 1000:
                return invalid("Postback button payload: 1 to 1000 characters")
        return None
    text = message.get("text")
    if not isinstance(text, str) or not 0 < len(text) <= 2000:
        return invalid("param message[text] must be a UTF-8 string of 1 to 2000 characters")
    quick_replies = message.get("quick_replies") or []
    if len(quick_replies) > 13:
        return invalid("At most 13 quick replies")
    for reply in quick_replies:
        if reply.get("content_type") != "text" or not 0 < len(reply.get("title", "")) <= 20:
            return invalid("Quick reply title: 1 to 20 characters")
        if not 0 < len(str(reply.get("payload", ""))) <= 1000:
            return invalid("Quick reply payload: 1 to 1000 characters")
    return None


# --- What Facebook sends: webhook deliveries -------------------------------------------

PAGE_ID = "1029384756"


def text_event(
    psid: str, text: str, mid: str | None = None, timestamp: float | None = None
) -> dict[str, Any]:
    return _event(psid, {"mid": mid or f"m_in{next(_mids)}", "text": text}, timestamp)


def quick_reply_event(psid: str, title: str, payload: str) -> dict[str, Any]:
    message = {"mid": f"m_in{next(_mids)}", "text": title, "quick_reply": {"payload": payload}}
    return _event(psid, message, None)


def postback_event(psid: str, title: str, payload: str) -> dict[str, Any]:
    event = _event(psid, None, None)
    event["postback"] = {"mid": f"m_in{next(_mids)}", "title": title, "payload": payload}
    return event


def sticker_event(psid: str) -> dict[str, Any]:
    message = {
        "mid": f"m_in{next(_mids)}",
        "sticker_id": 369239263222822,
        "attachments": [
            {
                "type": "image",
                "payload": {
                    "url": "https://scontent.example/sticker.png",
                    "sticker_id": 369239263222822,
                },
            }
        ],
    }
    return _event(psid, message, None)


def echo_event(psid: str, text: str) -> dict[str, Any]:
    """Our own message, reported back (sender and recipient swapped)."""
    return {
        "sender": {"id": PAGE_ID},
        "recipient": {"id": psid},
        "timestamp": _now_ms(),
        "message": {
            "mid": f"m_echo{next(_mids)}",
            "is_echo": True,
            "app_id": 1517776481860111,
            "text": text,
        },
    }


def delivery_receipt(psid: str) -> dict[str, Any]:
    return {
        "sender": {"id": psid},
        "recipient": {"id": PAGE_ID},
        "delivery": {"mids": ["m_out1"], "watermark": _now_ms()},
    }


def read_receipt(psid: str) -> dict[str, Any]:
    return {
        "sender": {"id": psid},
        "recipient": {"id": PAGE_ID},
        "timestamp": _now_ms(),
        "read": {"watermark": _now_ms()},
    }


def delivery(*entries: list[dict[str, Any]]) -> dict[str, Any]:
    """A webhook delivery: one entry per list of messaging events."""
    return {
        "object": "page",
        "entry": [{"id": PAGE_ID, "time": _now_ms(), "messaging": events} for events in entries],
    }


def signature(body: bytes, app_secret: str) -> str:
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def signed(delivery_: dict[str, Any], app_secret: str) -> tuple[bytes, dict[str, str]]:
    """The body and headers of a delivery as Facebook posts it."""
    body = json.dumps(delivery_, ensure_ascii=False).encode()
    return body, {
        "Content-Type": "application/json",
        "X-Hub-Signature-256": signature(body, app_secret),
    }


def _event(psid: str, message: dict[str, Any] | None, timestamp: float | None) -> dict[str, Any]:
    event: dict[str, Any] = {
        "sender": {"id": psid},
        "recipient": {"id": PAGE_ID},
        "timestamp": int(timestamp * 1000) if timestamp is not None else _now_ms(),
    }
    if message is not None:
        event["message"] = message
    return event


def _now_ms() -> int:
    return int(time.time() * 1000)
