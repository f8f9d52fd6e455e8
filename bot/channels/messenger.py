"""The Messenger channel: Facebook's webhook in, the Send API out.

`GET /webhooks/messenger` answers Facebook's verification handshake. A `POST` is checked
against `X-Hub-Signature-256` (HMAC-SHA256 of the raw body with the app secret) before
anything in it is read, and refused with 403 when that is missing or wrong. Of a signed
delivery, every messaging event of every entry is taken; echoes of our own messages,
delivery and read receipts are dropped, and so are message ids accepted before. The rest go
to the durable inbox, and Facebook gets its 200 at once; the inbox's workers route each event
(conversation `fb:<PSID>`) and send the replies, with a typing indicator while Rasa thinks.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
from aiohttp import web

from bot.channels.graph import GraphClient, GraphError, message_requests, sender_action
from bot.channels.inbox import Event, Inbox
from bot.channels.webhook import (
    ChannelConfigError,
    read_limited,
    secret_matches,
    signature_matches,
)
from bot.channels.window import WindowClosed, messenger_window
from bot.keys import LANGUAGES, ROUTER, SETTINGS, STORES
from bot.messages import Inbound, Outbound
from bot.request_checks import json_object
from bot.router import Router
from core import channels
from core.settings import Settings
from store.conversations import Mode
from store.stores import Stores

log = logging.getLogger(__name__)

CHANNEL = channels.MESSENGER
PREFIX = "fb:"
PATH = "/webhooks/messenger"
SIGNATURE_HEADER = "X-Hub-Signature-256"
_PSID = re.compile(r"^\d{1,32}$")


def enabled(settings: Settings) -> bool:
    """Messenger runs when its three secrets are set; some without the others is an error."""
    secrets = (
        settings.messenger_page_token,
        settings.messenger_app_secret,
        settings.messenger_verify_token,
    )
    if not any(secrets):
        return False
    if not all(secrets):
        raise ChannelConfigError(
            "Messenger needs all of MESSENGER_PAGE_TOKEN, MESSENGER_APP_SECRET and "
            "MESSENGER_VERIFY_TOKEN; only some are set"
        )
    return True


def setup_routes(app: web.Application) -> None:
    if not enabled(app[SETTINGS]):
        return
    app.cleanup_ctx.append(_messenger)
    app.router.add_routes([web.get(PATH, verify), web.post(PATH, webhook)])


async def verify(request: web.Request) -> web.Response:
    """Facebook's subscription handshake: echo hub.challenge when the verify token matches."""
    query = request.query
    if query.get("hub.mode") == "subscribe" and secret_matches(
        query.get("hub.verify_token"), request.app[SETTINGS].messenger_verify_token
    ):
        return web.Response(text=query.get("hub.challenge", ""), content_type="text/plain")
    log.warning("messenger: refused a verification request with a wrong token")
    raise web.HTTPForbidden(reason="wrong verify token")


async def webhook(request: web.Request) -> web.Response:
    """Check the signature, accept the new events of the delivery, answer at once."""
    settings = request.app[SETTINGS]
    body = await read_limited(request, settings.max_webhook_bytes)
    header = request.headers.get(SIGNATURE_HEADER)
    if not signature_matches(body, header, settings.messenger_app_secret):
        log.warning(
            "messenger: refused a delivery with a %s signature from %s",
            "missing" if header is None else "wrong",
            request.remote,
        )
        raise web.HTTPForbidden(reason="the signature is missing or wrong")
    delivery = json_object(body)
    if delivery.get("object") != "page":
        raise web.HTTPNotFound(reason="not a Page subscription")
    await request.app[MESSENGER].inbox.accept(inbound_events(delivery))
    return web.Response(text="EVENT_RECEIVED")


def inbound_events(delivery: dict[str, Any]) -> list[Event]:
    """The customer messages and postbacks of a delivery, from every entry, in order."""
    events = []
    for entry in _dicts(delivery.get("entry")):
        for event in _dicts(entry.get("messaging")):
            psid = str(_dict(event.get("sender")).get("id", ""))
            if not _PSID.match(psid):
                continue
            message, postback = event.get("message"), event.get("postback")
            if isinstance(message, dict):
                if message.get("is_echo"):
                    continue  # our own message, reported back
                event_id = message.get("mid")
            elif isinstance(postback, dict):
                event_id = postback.get("mid") or f"postback:{psid}:{event.get('timestamp')}"
            else:
                continue  # delivery and read receipts, reactions, referrals, opt-ins
            if isinstance(event_id, str) and event_id:
                events.append(Event(event_id, PREFIX + psid, event))
    return events


def normalise(conversation_id: str, event: dict[str, Any], max_chars: int) -> Inbound | None:
    """The event as a customer message; None when it carries no text (a sticker, a photo)."""
    postback = event.get("postback")
    if isinstance(postback, dict):
        payload = str(postback.get("payload") or "")
        return _inbound(conversation_id, str(postback.get("title") or ""), payload, max_chars)
    message = _dict(event.get("message"))
    quick_reply = _dict(message.get("quick_reply"))
    text = message.get("text")
    if not isinstance(text, str):
        return None
    return _inbound(conversation_id, text, str(quick_reply.get("payload") or ""), max_chars)


def _inbound(conversation_id: str, text: str, payload: str, max_chars: int) -> Inbound | None:
    # A payload of ours starts with "/" (a Rasa intent); others (e.g. a Get Started button's)
    # are not trusted as one, and the button's title goes to Rasa as text instead.
    button = payload if payload.startswith("/") and len(payload) <= max_chars else None
    text = text.replace("\x00", "").strip()
    if len(text) > max_chars:
        log.info(
            "%s: a message of %d characters was cut to %d", conversation_id, len(text), max_chars
        )
        text = text[:max_chars]
    text = text or (button or "")
    return Inbound(conversation_id, CHANNEL, text, button) if text else None


class Messenger:
    def __init__(
        self,
        stores: Stores,
        router: Router,
        graph: GraphClient,
        default_language: str,
        max_chars: int,
        claim_after: float,
    ) -> None:
        self._conversations = stores.conversations
        self._router = router
        self._graph = graph
        self._default_language = default_language
        self._max_chars = max_chars
        self.inbox = Inbox(stores.redis, CHANNEL, self.process, claim_after=claim_after)

    async def process(self, event: dict[str, Any]) -> None:
        """Route one customer event and send what the bot answers."""
        conversation_id = PREFIX + str(event["sender"]["id"])
        now = time.time()
        sent_at = event.get("timestamp")
        at = sent_at / 1000 if isinstance(sent_at, (int, float)) else now
        await self._conversations.record_inbound(conversation_id, min(at, now))
        message = normalise(conversation_id, event, self._max_chars)
        if message is None:
            await self._unsupported(conversation_id)
            return
        conversation = await self._conversations.get(conversation_id)
        typing = None
        if conversation is None or conversation.mode in (Mode.BOT, Mode.CLOSED):
            typing = asyncio.create_task(self._typing(conversation_id))
        replies = await self._router.handle(message)
        if typing is not None:
            await typing  # the indicator must not arrive after the answer
        for reply in replies:
            await self._send(conversation_id, reply)

    async def deliver(self, conversation_id: str, message: Outbound) -> None:
        """Send one message to a Messenger customer, as the messaging window allows: freely
        within 24 hours of their last message, an agent's with the HUMAN_AGENT tag within 7
        days; otherwise raise WindowClosed."""
        psid = conversation_id.removeprefix(PREFIX)
        conversation = await self._conversations.get(conversation_id)
        last = conversation.last_inbound if conversation else None
        window = messenger_window(last, time.time())
        if window == "open":
            messaging = {"messaging_type": "RESPONSE"}
        elif window == "human_agent" and message.sender == "agent":
            messaging = {"messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT"}
        else:
            raise WindowClosed(conversation_id, window, message.sender)
        for body in message_requests(psid, message, messaging):
            await self._graph.send(body)

    async def _send(self, conversation_id: str, message: Outbound) -> None:
        try:
            await self.deliver(conversation_id, message)
        except (GraphError, WindowClosed) as error:
            log.error("messenger: a reply to %s was not sent: %s", conversation_id, error)

    async def _typing(self, conversation_id: str) -> None:
        try:
            await self._graph.send(sender_action(conversation_id.removeprefix(PREFIX), "typing_on"))
        except GraphError as error:
            log.warning("messenger: no typing indicator for %s: %s", conversation_id, error)

    async def _unsupported(self, conversation_id: str) -> None:
        """Say politely that only text is read (the answer also goes to the transcript)."""
        conversation = await self._conversations.touch(conversation_id, CHANNEL)
        answer = self._router.system_message(
            "utter_unsupported_content", conversation.language or self._default_language
        )
        try:
            await self._router.deliver(conversation_id, answer)
        except (GraphError, WindowClosed) as error:
            log.error("messenger: a reply to %s was not sent: %s", conversation_id, error)


MESSENGER = web.AppKey("messenger", Messenger)


async def _messenger(app: web.Application) -> AsyncIterator[None]:
    """The Send API session, the inbox's workers, and Messenger as a channel of the router."""
    settings = app[SETTINGS]
    async with aiohttp.ClientSession() as session:
        graph = GraphClient(
            session,
            settings.graph_api_url,
            settings.messenger_page_token,
            settings.messenger_app_secret,
            backoff=settings.graph_backoff,
            max_backoff=settings.graph_max_backoff,
        )
        messenger = Messenger(
            app[STORES],
            app[ROUTER],
            graph,
            app[LANGUAGES].languages[0],
            settings.max_message_chars,
            settings.inbox_claim_after_seconds,
        )
        app[MESSENGER] = messenger
        app[ROUTER].register_channel(CHANNEL, messenger.deliver)
        await messenger.inbox.start()
        yield
        await messenger.inbox.stop()


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _dicts(value: object) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
