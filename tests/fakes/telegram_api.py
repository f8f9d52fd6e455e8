"""A fake Telegram Bot API on loopback, for python-telegram-bot pointed at it (`base_url`).

It answers `https://api.telegram.org/bot<token>/<method>` as Telegram does: form-encoded or
JSON parameters in, `{"ok": true, "result": ...}` out, and `{"ok": false, "error_code": 429,
"parameters": {"retry_after": n}}` when told to be flooded. It records every call and serves
`getUpdates` (long polling) from updates queued with `push_update`; a second `getUpdates`
while one is in progress is refused with 409 Conflict, as Telegram refuses two pollers of
one bot, and counted in `conflicts`. The `*_update` helpers
build updates as Telegram posts them to a webhook.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

BOT_USER = {
    "id": 7000000001,
    "is_bot": True,
    "first_name": "Svar",
    "username": "SvarTestBot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
_ids = itertools.count(1)


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(text, callback_data) of an inline keyboard sent with a message."""
        markup = self.params.get("reply_markup") or {}
        return [
            (b["text"], b["callback_data"])
            for row in markup.get("inline_keyboard", [])
            for b in row
        ]


class FakeTelegramAPI:
    def __init__(self, token: str) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.webhook: dict[str, Any] = {}
        self._updates: list[dict[str, Any]] = []
        self._floods: dict[str, list[int]] = {}
        self._closing = False
        self.polling = 0  # getUpdates requests in progress
        self.polls = 0  # getUpdates requests answered
        self.conflicts = 0  # getUpdates refused because another was in progress
        self._changed = asyncio.Condition()
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._method)
        self._server = TestServer(app, host="127.0.0.1")

    @property
    def url(self) -> str:
        """What `telegram_api_url` should be set to (PTB adds `/bot<token>`)."""
        return str(self._server.make_url("")).rstrip("/")

    async def start(self) -> None:
        await self._server.start_server()

    async def close(self) -> None:
        self._closing = True  # ends a long poll in progress: closing waits for it otherwise
        async with self._changed:
            self._changed.notify_all()
        await self._server.close()

    def flood_next(self, method: str, times: int = 1, retry_after: int = 1) -> None:
        """Answer the next `times` calls of `method` with 429 Too Many Requests."""
        self._floods.setdefault(method, []).extend([retry_after] * times)

    async def push_update(self, update: dict[str, Any]) -> None:
        """Queue an update for getUpdates (long polling)."""
        self._updates.append(update)
        async with self._changed:
            self._changed.notify_all()

    def sent(self, chat_id: int | None = None) -> list[Call]:
        return [
            c
            for c in self.calls
            if c.method == "sendMessage" and (chat_id is None or c.params["chat_id"] == chat_id)
        ]

    def called(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, condition: Callable[[], bool], timeout: float = 15) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(condition), timeout)

    async def _method(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await _params(request)
        if self._floods.get(method):
            retry_after = self._floods[method].pop(0)
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {retry_after}",
                    "parameters": {"retry_after": retry_after},
                },
                status=429,
            )
        if method == "getUpdates":
            return await self._get_updates(params)
        handler = getattr(self, f"_{method}", None)
        if handler is None:
            return _error(404, "Not Found: method not found")
        try:
            result = handler(params)
        except ValueError as error:
            return _error(400, f"Bad Request: {error}")
        self.calls.append(Call(method, params))
        async with self._changed:
            self._changed.notify_all()
        return web.json_response({"ok": True, "result": result})

    async def _get_updates(self, params: dict[str, Any]) -> web.Response:
        if self.polling:
            self.conflicts += 1
            return _error(
                409,
                "Conflict: terminated by other getUpdates request; "
                "make sure that only one bot instance is running",
            )
        self.polling += 1
        try:
            return await self._poll(params)
        finally:
            self.polling -= 1
            self.polls += 1
            async with self._changed:
                self._changed.notify_all()

    async def _poll(self, params: dict[str, Any]) -> web.Response:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if not self._updates and timeout > 0:
            async with self._changed:
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(
                        self._changed.wait_for(lambda: bool(self._updates) or self._closing),
                        timeout,
                    )
        return web.json_response({"ok": True, "result": list(self._updates)})

    # Methods: each takes the call's parameters and returns its result.

    def _getMe(self, params: dict[str, Any]) -> Any:
        return BOT_USER

    def _sendMessage(self, params: dict[str, Any]) -> Any:
        text = params.get("text")
        if not isinstance(text, str) or not 1 <= len(text) <= 4096:
            raise ValueError("message text is empty or too long")
        for text_, data in Call("sendMessage", params).buttons:
            if not text_ or not 1 <= len(data.encode()) <= 64:
                raise ValueError("BUTTON_DATA_INVALID")
        message: dict[str, Any] = {
            "message_id": next(_ids),
            "from": BOT_USER,
            "chat": {"id": int(params["chat_id"]), "type": "private", "first_name": "Kari"},
            "date": int(time.time()),
            "text": text,
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return message

    def _sendChatAction(self, params: dict[str, Any]) -> Any:
        if params.get("action") not in ("typing", "upload_photo", "record_voice"):
            raise ValueError("wrong parameter action in request")
        return True

    def _answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        return True

    def _setWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook = params
        return True

    def _deleteWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook = {}
        return True


async def _params(request: web.Request) -> dict[str, Any]:
    """Bot API parameters: JSON, or form fields whose objects are JSON-serialized."""
    if request.content_type == "application/json":
        data = await request.json()
        return dict(data) if isinstance(data, dict) else {}
    fields = dict(await request.post()) if request.can_read_body else dict(request.query)
    params: dict[str, Any] = {}
    for name, value in fields.items():
        value = str(value)
        if value[:1] in "[{":
            params[name] = json.loads(value)
        elif value.lstrip("-").isdigit():
            params[name] = int(value)
        else:
            params[name] = value
    return params


def _error(status: int, description: str) -> web.Response:
    return web.json_response(
        {"ok": False, "error_code": status, "description": description}, status=status
    )


# --- What Telegram sends: updates -------------------------------------------------------

_update_ids = itertools.count(10_000)


def user(user_id: int, language_code: str | None = "nb") -> dict[str, Any]:
    data: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": "Kari"}
    if language_code is not None:
        data["language_code"] = language_code
    return data


def text_update(chat_id: int, text: str, language_code: str | None = "nb") -> dict[str, Any]:
    message = _message(chat_id, language_code)
    message["text"] = text
    if text.startswith("/"):
        command = text.split()[0]
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return {"update_id": next(_update_ids), "message": message}


def sticker_update(chat_id: int) -> dict[str, Any]:
    message = _message(chat_id, "nb")
    message["sticker"] = {
        "file_id": "CAACAgIAAxkBAAEBsticker",
        "file_unique_id": "AgADsticker",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": "👍",
    }
    return {"update_id": next(_update_ids), "message": message}


def photo_update(chat_id: int) -> dict[str, Any]:
    message = _message(chat_id, "nb")
    message["photo"] = [
        {
            "file_id": "AgACAgQAAxkBphoto",
            "file_unique_id": "AQADphoto",
            "width": 90,
            "height": 90,
            "file_size": 1200,
        }
    ]
    message["caption"] = "her er måleren min"
    return {"update_id": next(_update_ids), "message": message}


def edited_update(chat_id: int, text: str) -> dict[str, Any]:
    message = _message(chat_id, "nb")
    message["text"] = text
    message["edit_date"] = int(time.time())
    return {"update_id": next(_update_ids), "edited_message": message}


def callback_update(chat_id: int, sent: Call, data: str) -> dict[str, Any]:
    """A tap on a button of a message the bot sent (`sent`: the fake's sendMessage call)."""
    message = _message(chat_id, None)
    message["from"] = BOT_USER
    message["text"] = sent.params["text"]
    message["reply_markup"] = sent.params["reply_markup"]
    return {
        "update_id": next(_update_ids),
        "callback_query": {
            "id": str(next(_ids) + 4_000_000_000),
            "from": user(chat_id),
            "message": message,
            "chat_instance": "-512345678901234567",
            "data": data,
        },
    }


def _message(chat_id: int, language_code: str | None) -> dict[str, Any]:
    return {
        "message_id": next(_ids),
        "from": user(chat_id, language_code),
        "chat": {"id": chat_id, "type": "private", "first_name": "Kari"},
        "date": int(time.time()),
    }
