"""The Telegram channel, with python-telegram-bot: updates in by webhook or long polling.

With TELEGRAM_PUBLIC_URL set, Telegram posts each update to `/webhooks/telegram` with the
secret we registered in `X-Telegram-Bot-Api-Secret-Token`; a request without it is refused
with 403 before its body is read. Accepted updates go through the durable inbox (as
Messenger's do) to `Application.process_update`, so Telegram gets its 200 at once and a
restart loses nothing. Without a public URL, PTB's Updater long-polls Telegram instead, for a
laptop without a public address (`make run`): each update fetched goes into the same inbox
before the next poll confirms it to Telegram, so a failed update is tried again and then kept
as a dead letter, as a webhook's is. Telegram serves one poller per bot, so with several front
doors only the holder of a lease in Redis polls (store/leases.py); the others wait to take it
over, and every front door processes the inbox. Conversations are `tg:<chat id>`; only
private chats are served.

Over 400 lines because the two update sources, PTB's handlers and the reply formatting share
one `Telegram` object and its state; each part is short.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import logging
import os
import re
import secrets
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, Literal, TypeVar

from aiohttp import web
from redis.exceptions import RedisError
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction, ChatType
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.channels.inbox import Event, Inbox
from bot.channels.text import split_text
from bot.channels.webhook import ChannelConfigError, read_limited, secret_matches
from bot.keys import LANGUAGES, ROUTER, SETTINGS, STORES
from bot.messages import Inbound, Outbound
from bot.request_checks import json_object
from bot.router import Router
from bot.tasks import cancel_and_wait
from core import channels
from core.content.answers import Button
from core.settings import Settings
from store.conversations import Mode
from store.stores import Stores

log = logging.getLogger(__name__)

CHANNEL = channels.TELEGRAM
PREFIX = "tg:"
PATH = "/webhooks/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
# Telegram counts UTF-16 code units up to 4096; leave room for characters that take two.
TEXT_LIMIT = 4000
CALLBACK_DATA_BYTES = 64
SEND_ATTEMPTS = 4
START_RETRY_SECONDS = 30.0
POLL_TIMEOUT_SECONDS = 5
POLLER_LEASE = "telegram-poller"
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
# Languages close enough that a Scandinavian reads one of them more easily than English.
_SCANDINAVIAN = ("nb", "nn", "sv", "da")

TelegramApp = Application[Any, Any, Any, Any, Any, Any]
T = TypeVar("T")


def mode(settings: Settings) -> Literal["webhook", "polling"] | None:
    """How updates arrive: by webhook with a public URL, else by long polling; None: off."""
    if not settings.telegram_token:
        if settings.telegram_public_url or settings.telegram_webhook_secret:
            raise ChannelConfigError("Telegram settings are set but TELEGRAM_BOT_TOKEN is not")
        return None
    if not settings.telegram_public_url:
        return "polling"
    if not _SECRET.match(settings.telegram_webhook_secret):
        raise ChannelConfigError(
            "a Telegram webhook (TELEGRAM_PUBLIC_URL) needs TELEGRAM_WEBHOOK_SECRET: "
            "1-256 characters of A-Z, a-z, 0-9, _ and -"
        )
    return "webhook"


def setup_routes(app: web.Application) -> None:
    how = mode(app[SETTINGS])
    if how is None:
        return
    app.cleanup_ctx.append(_telegram)
    if how == "webhook":
        app.router.add_routes([web.post(PATH, webhook)])


async def webhook(request: web.Request) -> web.Response:
    """Check Telegram's secret header, accept the update if it is new, answer at once."""
    settings = request.app[SETTINGS]
    given = request.headers.get(SECRET_HEADER)
    if not secret_matches(given, settings.telegram_webhook_secret):
        log.warning(
            "telegram: refused an update with a %s secret from %s",
            "missing" if given is None else "wrong",
            request.remote,
        )
        raise web.HTTPForbidden(reason="the secret token is missing or wrong")
    update = json_object(await read_limited(request, settings.max_webhook_bytes))
    update_id = update.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        raise web.HTTPBadRequest(reason="an update needs an integer update_id")
    await request.app[TELEGRAM].inbox.accept([inbox_event(update_id, update)])
    return web.Response(text="ok")


def inbox_event(update_id: int, update: dict[str, Any]) -> Event:
    """An update as the inbox keeps it: in its chat's order."""
    chat = _chat_id(update)
    order = f"{PREFIX}{chat}" if chat is not None else f"update:{update_id}"
    return Event(str(update_id), order, update)


def build_application(settings: Settings) -> TelegramApp:
    """PTB's Application against the configured Bot API; without PTB's Updater, since every
    update goes through the inbox (by webhook, or by `poll`)."""
    return (
        Application.builder()
        .token(settings.telegram_token)
        .base_url(f"{settings.telegram_api_url}/bot")
        .base_file_url(f"{settings.telegram_api_url}/file/bot")
        .job_queue(None)
        .updater(None)
        .build()
    )


def telegram_language(code: str | None, languages: Sequence[str]) -> str:
    """Our language for a Telegram `language_code` ("nb", "no", "en-GB", ...)."""
    base = (code or "").lower().replace("_", "-").split("-")[0]
    base = "nb" if base == "no" else base
    if not base:
        return languages[0]
    if base in languages:
        return base
    if base in _SCANDINAVIAN:
        for language in languages:
            if language in _SCANDINAVIAN:
                return language
    return "en" if "en" in languages else languages[0]


class Telegram:
    def __init__(
        self,
        application: TelegramApp,
        stores: Stores,
        router: Router,
        languages: Sequence[str],
        max_chars: int,
        claim_after: float,
    ) -> None:
        self.application = application
        self._conversations = stores.conversations
        self._button_payloads = stores.button_payloads
        self._router = router
        self._languages = tuple(languages)
        self._max_chars = max_chars
        self.inbox = Inbox(stores.redis, CHANNEL, self.process, claim_after=claim_after)
        self.leases = stores.leases
        # Who this front door is when it holds the polling lease: readable in Redis.
        self.poller = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        # The updates in hand from the inbox, with what failed in them (from on_error).
        self._failures: dict[int, Exception | None] = {}
        private = filters.ChatType.PRIVATE
        application.add_handlers(
            [
                CommandHandler(
                    "start", self.on_start, filters=private & filters.UpdateType.MESSAGE
                ),
                CallbackQueryHandler(self.on_button),
                MessageHandler(private & filters.UpdateType.MESSAGE & filters.TEXT, self.on_text),
                MessageHandler(private, self.on_unsupported),
            ]
        )
        application.add_error_handler(self.on_error)

    async def process(self, data: dict[str, Any]) -> None:
        """Hand one update from the inbox to PTB's handlers; raise what failed in them (PTB
        gives it to `on_error`), so that the inbox tries the update again."""
        update = Update.de_json(data, self.application.bot)
        self._failures[update.update_id] = None
        try:
            await self.application.process_update(update)
        finally:
            failure = self._failures.pop(update.update_id, None)
        if failure is not None:
            raise failure

    async def on_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Greet the customer with the bot's greeting, in their Telegram app's language."""
        chat, user = update.effective_chat, update.effective_user
        if chat is None:
            return
        conversation_id = f"{PREFIX}{chat.id}"
        language = telegram_language(user.language_code if user else None, self._languages)
        await self._conversations.touch(conversation_id, CHANNEL)
        await self._conversations.set_language(conversation_id, language)
        await self._answer(Inbound(conversation_id, CHANNEL, "/start", "/greet"))

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Route a text message and send what the bot answers."""
        chat, message = update.effective_chat, update.effective_message
        if chat is None or message is None or not message.text:
            return
        text = message.text.replace("\x00", "").strip()
        if text.startswith("/"):
            # Other commands are read as words ("/help@SvarBot" -> "help"): Rasa would take a
            # leading slash for an intent name.
            command, _, rest = text[1:].partition(" ")
            text = f"{command.split('@', 1)[0]} {rest}"
        text = text[: self._max_chars].strip()
        if text:
            await self._answer(Inbound(f"{PREFIX}{chat.id}", CHANNEL, text))

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A tap on an inline keyboard button: its payload goes to Rasa, its title to the
        transcript."""
        query, chat = update.callback_query, update.effective_chat
        if query is None:
            return
        await self._quietly(query.answer())  # ends the spinner on the customer's button
        if chat is None or chat.type != ChatType.PRIVATE or not query.data:
            return
        payload = await self._payload(query.data)
        if payload is None or not payload.startswith("/") or len(payload) > self._max_chars:
            return
        title = _button_title(query.message, query.data) or payload
        await self._answer(Inbound(f"{PREFIX}{chat.id}", CHANNEL, title, payload))

    async def on_unsupported(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A sticker, photo, voice message or edit: say politely that only new text is read."""
        chat, user = update.effective_chat, update.effective_user
        if chat is None:
            return
        conversation_id = f"{PREFIX}{chat.id}"
        conversation = await self._conversations.touch(conversation_id, CHANNEL)
        language = conversation.language or telegram_language(
            user.language_code if user else None, self._languages
        )
        answer = self._router.system_message("utter_unsupported_content", language)
        await self._router.deliver(conversation_id, answer)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log a failed update by its id (not its text), with the error's traceback."""
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("telegram: update %s failed", update_id, exc_info=context.error)
        if update_id in self._failures and isinstance(context.error, Exception):
            self._failures[update_id] = context.error

    async def deliver(self, conversation_id: str, message: Outbound) -> None:
        """Send one message to a Telegram customer, buttons as an inline keyboard."""
        chat_id = int(conversation_id.removeprefix(PREFIX))
        parts = split_text(message.text, TEXT_LIMIT)
        markup = await self._keyboard(message.buttons)
        bot = self.application.bot
        for number, part in enumerate(parts, start=1):
            await self._call(
                functools.partial(
                    bot.send_message,
                    chat_id,
                    part,
                    reply_markup=markup if number == len(parts) else None,
                )
            )

    async def _answer(self, message: Inbound) -> None:
        chat_id = int(message.conversation_id.removeprefix(PREFIX))
        conversation = await self._conversations.get(message.conversation_id)
        typing = None
        if conversation is None or conversation.mode in (Mode.BOT, Mode.CLOSED):
            typing = asyncio.create_task(
                self._quietly(self.application.bot.send_chat_action(chat_id, ChatAction.TYPING))
            )
        replies = await self._router.handle(message)
        if typing is not None:
            await typing
        for reply in replies:
            try:
                await self.deliver(message.conversation_id, reply)
            except TelegramError as error:
                log.error(
                    "telegram: a reply to %s was not sent: %r", message.conversation_id, error
                )

    async def _call(self, call: Callable[[], Awaitable[T]]) -> T:
        """A Bot API call, retried on flood control (as long as Telegram asks) and on network
        errors (with backoff); other errors are raised at once."""
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                return await call()
            except BadRequest:
                raise
            except (RetryAfter, NetworkError) as error:
                if attempt == SEND_ATTEMPTS:
                    raise
                if isinstance(error, RetryAfter):
                    delay = _seconds(error.retry_after)
                else:
                    delay = 0.5 * 2 ** (attempt - 1)
                log.warning(
                    "telegram: %r; attempt %d of %d, retrying in %.1f s",
                    error,
                    attempt,
                    SEND_ATTEMPTS,
                    delay,
                )
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    async def _keyboard(self, buttons: Sequence[Button]) -> InlineKeyboardMarkup | None:
        rows = [
            [InlineKeyboardButton(b.title, callback_data=await self._callback_data(b.payload))]
            for b in buttons
            if b.title.strip() and b.payload
        ]
        return InlineKeyboardMarkup(rows) if rows else None

    async def _callback_data(self, payload: str) -> str:
        """The payload itself, or (over Telegram's 64 bytes) a key to it kept in Redis."""
        if len(payload.encode()) <= CALLBACK_DATA_BYTES:
            return payload
        return "#" + await self._button_payloads.keep(CHANNEL, payload)

    async def _payload(self, data: str) -> str | None:
        if not data.startswith("#"):
            return data
        return await self._button_payloads.get(CHANNEL, data[1:])

    @staticmethod
    async def _quietly(call: Awaitable[object]) -> None:
        """Best-effort calls (typing indicator, spinner): a failure is only logged."""
        try:
            await call
        except TelegramError as error:
            log.warning("telegram: %r", error)


TELEGRAM = web.AppKey("telegram", Telegram)


async def _telegram(app: web.Application) -> AsyncIterator[None]:
    """PTB's Application, started in the background (Telegram may be unreachable for a
    while: the rest of the front door does not wait), and Telegram as a router channel."""
    settings = app[SETTINGS]
    webhook_mode = mode(settings) == "webhook"
    application = build_application(settings)
    telegram = Telegram(
        application,
        app[STORES],
        app[ROUTER],
        app[LANGUAGES].languages,
        settings.max_message_chars,
        settings.inbox_claim_after_seconds,
    )
    app[TELEGRAM] = telegram
    app[ROUTER].register_channel(CHANNEL, telegram.deliver)
    starting = asyncio.create_task(_start(telegram, settings, webhook_mode))
    yield
    await cancel_and_wait(starting)
    await telegram.inbox.stop()
    if application.running:
        await application.stop()
    await application.shutdown()


async def _start(telegram: Telegram, settings: Settings, webhook_mode: bool) -> None:
    application = telegram.application
    delay = 1.0
    while True:
        try:
            await application.initialize()
            break
        except TelegramError as error:
            log.error("telegram: cannot reach the Bot API (%r); retrying in %.0f s", error, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, START_RETRY_SECONDS)
    await application.start()
    await telegram.inbox.start()
    if webhook_mode:
        url = f"{settings.telegram_public_url}{PATH}"
        try:
            await application.bot.set_webhook(
                url, secret_token=settings.telegram_webhook_secret, allowed_updates=ALLOWED_UPDATES
            )
            log.info("telegram: webhook registered at %s", url)
        except TelegramError as error:
            log.error("telegram: could not register the webhook at %s: %r", url, error)
    else:
        log.info("telegram: long polling (no TELEGRAM_PUBLIC_URL set), one front door at a time")
        try:
            await poll(telegram, settings.telegram_poll_lease_seconds)
        finally:
            # Stopping cleanly hands polling over at once; Redis away: the lease runs out.
            with contextlib.suppress(RedisError, OSError):
                await telegram.leases.release(POLLER_LEASE, telegram.poller)


async def poll(telegram: Telegram, lease_seconds: float) -> None:
    """Long-poll Telegram for updates, while this front door holds the polling lease, and put
    each into the inbox. The offset that confirms them to Telegram moves on only once they
    are kept, so an update fetched while Redis is away, or by a poller that died before it
    kept it, is fetched again (and the inbox drops one it already has)."""
    bot = telegram.application.bot
    offset: int | None = None
    delay = 1.0
    webhook_deleted = False
    # A poll lasts at most POLL_TIMEOUT_SECONDS; the lease outlasts it, and is renewed
    # before each, so the holder keeps it while it lives.
    lease_seconds = max(lease_seconds, 2 * POLL_TIMEOUT_SECONDS)
    holding = False
    while True:
        try:
            if not await telegram.leases.hold(POLLER_LEASE, telegram.poller, lease_seconds):
                if holding:
                    log.warning("telegram: another front door polls now")
                holding, offset = False, None  # the other poller confirms what it fetched
                await asyncio.sleep(lease_seconds / 3)
                continue
            if not holding:
                log.info("telegram: this front door polls now (%s)", telegram.poller)
                holding = True
            if not webhook_deleted:  # polling and a webhook exclude each other
                webhook_deleted = await bot.delete_webhook()
            # Short polls: stopping waits for the one in progress (the supervisor's grace is
            # 10 s).
            updates = await bot.get_updates(
                offset=offset,
                timeout=POLL_TIMEOUT_SECONDS,
                allowed_updates=ALLOWED_UPDATES,
            )
            events = [inbox_event(u.update_id, u.to_dict()) for u in updates]
            await telegram.inbox.accept(events)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # Telegram or Redis away: fetch the same updates later
            log.warning("telegram: polling failed (%r); retrying in %.0f s", error, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, START_RETRY_SECONDS)
            continue
        delay = 1.0
        if updates:
            offset = updates[-1].update_id + 1


def _chat_id(update: dict[str, Any]) -> int | None:
    """The chat an update belongs to (its updates are processed in order)."""
    for kind in ("message", "edited_message"):
        value = _dict(_dict(update.get(kind)).get("chat")).get("id")
        if isinstance(value, int):
            return value
    query = _dict(update.get("callback_query"))
    chat = _dict(_dict(query.get("message")).get("chat"))
    value = chat.get("id", _dict(query.get("from")).get("id"))
    return value if isinstance(value, int) else None


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _button_title(message: object, data: str) -> str | None:
    if not isinstance(message, Message) or message.reply_markup is None:
        return None
    for row in message.reply_markup.inline_keyboard:
        for button in row:
            if button.callback_data == data:
                return button.text
    return None


def _seconds(value: int | float | dt.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)
