"""Talks to the Rasa server: a customer message in, the bot's replies out."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp

from bot.messages import Outbound
from core.content.answers import Button

log = logging.getLogger(__name__)


class RasaUnavailable(RuntimeError):
    """Rasa did not answer in time, or answered with an error."""


class RasaClient:
    def __init__(
        self, session: aiohttp.ClientSession, url: str, token: str, timeout: float
    ) -> None:
        self._session = session
        self._url = url
        self._token = token
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def send(
        self, conversation_id: str, text: str, metadata: dict[str, Any]
    ) -> list[Outbound]:
        """Send one message through Rasa's REST channel and return its replies."""
        body = {"sender": conversation_id, "message": text, "metadata": metadata}
        try:
            async with self._session.post(
                f"{self._url}/webhooks/rest/webhook", json=body, timeout=self._timeout
            ) as response:
                if response.status != 200:
                    raise RasaUnavailable(f"Rasa answered HTTP {response.status}")
                replies = await response.json()
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            raise RasaUnavailable(f"Rasa did not answer: {error!r}") from error
        return [_outbound(reply) for reply in replies if reply.get("text") or reply.get("custom")]

    async def resume(self, conversation_id: str, intent: str | None = None) -> list[Outbound]:
        """Resume a paused conversation; optionally trigger an intent so the bot speaks first."""
        events_url = f"{self._url}/conversations/{conversation_id}/tracker/events"
        try:
            async with self._session.post(
                events_url,
                params={"token": self._token},
                json=[{"event": "resume"}],
                timeout=self._timeout,
            ) as response:
                response.raise_for_status()
            if intent is None:
                return []
            async with self._session.post(
                f"{self._url}/conversations/{conversation_id}/trigger_intent",
                params={"token": self._token, "output_channel": "latest"},
                json={"name": intent},
                timeout=self._timeout,
            ) as response:
                response.raise_for_status()
                data = await response.json()
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            raise RasaUnavailable(f"Rasa did not resume {conversation_id}: {error!r}") from error
        return [_outbound(m) for m in data.get("messages") or []]

    async def healthy(self) -> bool:
        """True when Rasa answers and has a model loaded."""
        try:
            async with self._session.get(
                f"{self._url}/status",
                params={"token": self._token},
                timeout=aiohttp.ClientTimeout(total=2),
            ) as response:
                return response.status == 200 and bool((await response.json()).get("model_file"))
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
            return False


def _outbound(reply: dict[str, Any]) -> Outbound:
    buttons = tuple(
        Button(str(b.get("title", "")), str(b.get("payload", "")))
        for b in reply.get("buttons") or []
    )
    return Outbound(str(reply.get("text") or ""), buttons, "bot", dict(reply.get("custom") or {}))
