"""The router: decides who answers a customer message, and keeps the transcript.

In mode `bot` the message goes to Rasa; while a conversation is queued or with an agent it
goes to the desk instead. Whatever happens, the customer's message is stored first, so a
Rasa outage loses nothing and the customer still gets a polite answer in their language.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace

from bot import frustration
from bot.asking import Asking
from bot.desk_events import message_event
from bot.language import LanguageDetector
from bot.messages import Inbound, Outbound
from bot.metrics import Metrics
from bot.payloads import Payloads, as_text
from bot.rasa_client import RasaClient, RasaUnavailable
from core import queue_exit
from core.clock import Clock
from core.content.answers import AnswerBook
from core.queue_exit import Exit
from core.transcript import Entry
from store.conversations import Mode
from store.handoffs import Handoff, State
from store.stores import Stores

log = logging.getLogger(__name__)

# What a customer who leaves the queue to be called back says to the bot (data/callback.yml).
CALL_ME_INTENT = "/request_callback"
# Sends one message to a customer on one channel (the web chat's sockets, Messenger, Telegram).
Deliverer = Callable[[str, Outbound], Awaitable[None]]
# Transcript entries enough to hold the customer's messages the frustration rule reads.
_RECENT_ENTRIES = 4 * (frustration.EARLIER_MESSAGES + 1)


@dataclass(frozen=True)
class Turn:
    """What the bot answers a customer message right away, and the conversation's language
    as the message left it."""

    replies: list[Outbound]
    language: str


class Router:
    def __init__(
        self,
        stores: Stores,
        rasa: RasaClient,
        languages: LanguageDetector,
        answers: AnswerBook,
        facts: dict[str, dict[str, str]],
        payloads: Payloads,
        metrics: Metrics,
        asking: Asking,
        clock: Clock,
    ) -> None:
        self._stores = stores
        self._clock = clock
        self._rasa = rasa
        self._languages = languages
        self._answers = answers
        self._facts = facts
        self._payloads = payloads
        self._metrics = metrics
        self._asking = asking
        self._deliverers: dict[str, Deliverer] = {}

    def register_channel(self, channel: str, deliver: Deliverer) -> None:
        """How to reach customers of `channel` with messages that start on our side."""
        self._deliverers[channel] = deliver

    async def handle(self, message: Inbound) -> list[Outbound]:
        """Route one customer message and return what the bot answers right away."""
        return (await self.take_turn(message)).replies

    async def take_turn(self, message: Inbound) -> Turn:
        """`handle`, with the language the router decided for the message."""
        started = time.perf_counter()
        self._metrics.messages_in.labels(message.channel).inc()
        conversation = await self._stores.conversations.touch(
            message.conversation_id, message.channel
        )
        language = self._languages.detect(message.text, conversation.language)
        if language != conversation.language:
            await self._stores.conversations.set_language(conversation.id, language)
        entry = Entry("customer", message.text)
        # The frustration rule reads the customer's latest messages: they come with the append.
        recent = await self._stores.transcripts.append(
            conversation.id, entry, then_read=_RECENT_ENTRIES if message.payload is None else 0
        )
        text = self._rasa_text(message)
        way_out = queue_exit.wanted(message.text, message.payload)
        if (
            conversation.mode is Mode.QUEUED
            and way_out
            and await self._leave_queue(conversation.id)
        ):
            if way_out is Exit.NEVER_MIND:
                reply = self.system_message("utter_left_queue", language)
                await self._stores.transcripts.append(conversation.id, Entry("bot", reply.text))
                return Turn([reply], language)
            conversation = replace(conversation, mode=Mode.BOT)
            text = CALL_ME_INTENT  # the bot asks what it needs to call back
        # The question the bot's latest turn asked is taken by any message: the reply to it,
        # or something else, after which it is no longer pending.
        reading = await self._asking.read_reply(conversation, language, message)
        if conversation.mode in (Mode.QUEUED, Mode.AGENT):
            # The bot stays silent while a person is on it; every open desk sees the message.
            await self._stores.desk_feed.announce(message_event(conversation.id, entry))
            return Turn([], language)
        if conversation.mode is Mode.CLOSED:
            await self._stores.conversations.set_mode(conversation.id, Mode.BOT)
        if reading.replies is not None:
            kept = await self._keep_replies(
                conversation.id, message.channel, reading.replies, started
            )
            return Turn(kept, language)
        metadata = {
            "language": language,
            "channel": message.channel,
            "client": message.client or message.conversation_id,
            # The company's time of the message, kept in Rasa's tracker: the insights count
            # contacts by it (core/outcomes.py), on the clock every front door reads.
            "at": self._clock().timestamp(),
            **reading.metadata,
        }
        if message.payload is None and _sounds_frustrated(message.text, recent):
            log.info("conversation %s: the customer sounds frustrated", conversation.id)
            text = frustration.PAYLOAD
        try:
            replies: list[Outbound] | None = await self._rasa.send(conversation.id, text, metadata)
        except RasaUnavailable as error:
            log.warning("conversation %s: %s", conversation.id, error)
            self._metrics.rasa_failures.labels("unavailable").inc()
            replies = None
        if not replies:
            # Every turn in bot mode answers; silence means an action failed (the action
            # server is down) or Rasa did, and the customer is told so politely.
            log.error("conversation %s: the bot gave no answer", conversation.id)
            if replies is not None:
                self._metrics.rasa_failures.labels("silent").inc()
            replies = [self.system_message("utter_unavailable", language)]
        kept = await self._keep_replies(conversation.id, message.channel, replies, started)
        return Turn(kept, language)

    async def _keep_replies(
        self, conversation_id: str, channel: str, replies: list[Outbound], started: float
    ) -> list[Outbound]:
        """Keep the bot's replies in the transcript and count them."""
        await self._stores.transcripts.append(
            conversation_id,
            *(Entry(r.sender, r.text, buttons=tuple(b.title for b in r.buttons)) for r in replies),
        )
        self._metrics.messages_out.labels(channel, "bot").inc(len(replies))
        self._metrics.reply_seconds.labels(channel).observe(time.perf_counter() - started)
        return replies

    async def _leave_queue(self, conversation_id: str) -> bool:
        """Take the customer out of the queue and give the conversation back to the bot;
        False when no handoff waits (an agent took it just now: the message is theirs)."""
        handoff = await self._stores.handoffs.latest_for(conversation_id)
        if handoff is None or handoff.state is not State.QUEUED:
            return False
        if not await self.give_back(handoff, time.time()):
            return False
        log.info("conversation %s left the queue", conversation_id)
        return True

    async def give_back(self, handoff: Handoff, now: float) -> bool:
        """Give a queued or claimed chat back to the bot: out of the queue, off the desks, and
        Rasa's conversation (paused by the handoff) resumed, so the bot answers again. False
        when its state changed meanwhile (an agent took or closed it)."""
        if not await self._stores.handoffs.return_to_bot(handoff, now):
            return False
        await self._stores.desk_feed.announce(
            {"type": "closed", "handoff_id": handoff.id, "outcome": "returned"}
        )
        try:
            await self._rasa.resume(handoff.conversation_id)
        except RasaUnavailable as error:
            log.warning("conversation %s: %s", handoff.conversation_id, error)
        return True

    def _rasa_text(self, message: Inbound) -> str:
        """A button's payload when it is one of the domain's (bot/payloads.py); else the text."""
        if message.payload is not None and self._payloads.allows(message.payload):
            return message.payload
        if message.payload is not None:
            log.warning(
                "conversation %s: a payload not allowed, taken as text", message.conversation_id
            )
        return as_text(message.text)

    def language_of(self, text: str) -> str:
        """The language of a message read without the conversation (Redis is away)."""
        return self._languages.detect(text, None)

    async def refusal(self, name: str, message: Inbound) -> Outbound:
        """An answer the front door gives instead of taking `message` (a limit was reached),
        in the language of the conversation or, for a first message, of the message."""
        conversation = await self._stores.conversations.get(message.conversation_id)
        language = self._languages.detect(
            message.text, conversation.language if conversation else None
        )
        return self.system_message(name, language)

    def system_message(self, name: str, language: str) -> Outbound:
        """An answer the front door gives by itself, without Rasa."""
        rendered = self._answers.render(
            name, language, self._facts[language], self._languages.languages[0]
        )
        return Outbound.from_rendered(rendered, sender="bot")

    async def deliver(self, conversation_id: str, message: Outbound) -> None:
        """Send a message that starts on our side (an agent's reply, a queue update) and keep it
        in the transcript once the channel took it (one the channel refuses was not sent)."""
        conversation = await self._stores.conversations.get(conversation_id)
        if conversation is None:
            raise KeyError(f"no conversation {conversation_id!r}")
        await self._deliverers[conversation.channel](conversation_id, message)
        self._metrics.messages_out.labels(conversation.channel, message.sender).inc()
        await self._stores.transcripts.append(
            conversation_id,
            Entry(message.sender, message.text, buttons=tuple(b.title for b in message.buttons)),
        )

    async def publish(self, conversation_id: str, message: Outbound) -> None:
        """Send a message to the customer's open sockets, on whichever front door holds them."""
        await self._stores.outbox.publish(conversation_id, message.to_dict())


def _sounds_frustrated(text: str, recent: Sequence[Entry]) -> bool:
    """bot/frustration.py's rule over this message and the customer's ones before it in
    `recent` (the transcript's latest entries, this message last)."""
    earlier = [e.text for e in recent if e.role == "customer"][:-1]
    return frustration.is_frustrated(text, earlier)
