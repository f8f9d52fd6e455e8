"""The front door's operations figures, for Prometheus (served by bot/metrics_endpoint.py).

Counters of what this process saw (messages in and out per channel, reply time, Rasa
failures, fallback answers) live in its own registry, so each replica is scraped on its own;
what the whole stack shares (the queue, chats with agents, handoffs by reason, callbacks due
and overdue) is read from Redis at each scrape, so every replica reports the same figures.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector

from core.card import Reason
from core.intents import MISS_ANSWERS
from store.stores import Stores

# Reply times of a chat bot: tens of milliseconds to Rasa's timeout.
_REPLY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0)


class Metrics:
    """The figures one front door process counts, and the shared ones it reads at a scrape."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.messages_in = Counter(
            "svar_messages_in",
            "Customer messages the front door accepted",
            ["channel"],
            registry=self.registry,
        )
        self.messages_out = Counter(
            "svar_messages_out",
            "Messages sent to customers, by who sent them (bot, agent, system)",
            ["channel", "sender"],
            registry=self.registry,
        )
        self.reply_seconds = Histogram(
            "svar_reply_seconds",
            "Time from a customer message to the bot's answer (bot mode only)",
            ["channel"],
            buckets=_REPLY_BUCKETS,
            registry=self.registry,
        )
        self.rasa_failures = Counter(
            "svar_rasa_failures",
            "Turns Rasa did not answer: unavailable (down or timed out) or silent (an action failed)",
            ["kind"],
            registry=self.registry,
        )
        self.fallbacks = Counter(
            "svar_fallbacks",
            "Answers saying the bot did not understand",
            ["language"],
            registry=self.registry,
        )
        self._shared = _SharedFigures(self.registry)

    def count_answer(self, name: str, language: str) -> None:
        if name in MISS_ANSWERS:
            self.fallbacks.labels(language).inc()

    async def refresh_shared(self, stores: Stores, now: float) -> None:
        await self._shared.refresh(stores, now)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class _SharedFigures:
    """Figures of the whole stack, read from Redis just before each scrape is written."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.waiting = Gauge(
            "svar_queue_waiting", "Customers waiting for a person", registry=registry
        )
        self.with_agent = Gauge(
            "svar_chats_with_agent", "Chats an agent has and has not closed", registry=registry
        )
        self.callbacks_pending = Gauge(
            "svar_callbacks_pending", "Callbacks promised and not done", registry=registry
        )
        self.callbacks_overdue = Gauge(
            "svar_callbacks_overdue", "Callbacks not done past their deadline", registry=registry
        )
        self._handoffs = _HandoffCounts()
        registry.register(self._handoffs)

    async def refresh(self, stores: Stores, now: float) -> None:
        self.waiting.set(await stores.handoffs.waiting_count())
        self.with_agent.set(len(await stores.handoffs.claimed()))
        pending = await stores.callbacks.pending()
        self.callbacks_pending.set(len(pending))
        self.callbacks_overdue.set(sum(callback.is_overdue(now) for callback in pending))
        self._handoffs.counts = await stores.handoffs.counts_by_reason()


class _HandoffCounts(Collector):
    """Handoffs by reason since the stack's Redis began: a counter kept in Redis, since the
    action server, not the front door, hands conversations over."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def describe(self) -> list[Metric]:
        return [CounterMetricFamily("svar_handoffs", "Conversations handed to a person")]

    def collect(self) -> Iterator[Metric]:
        family = CounterMetricFamily(
            "svar_handoffs", "Conversations handed to a person, by reason", labels=["reason"]
        )
        for reason in Reason:
            family.add_metric([reason.value], self.counts.get(reason.value, 0))
        yield family
