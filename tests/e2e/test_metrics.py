"""`GET /metrics` on the running stack counts what customers and the bot did."""

from __future__ import annotations

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.helpers import RunningStack, post, rasa_says

pytestmark = pytest.mark.stack

Figures = dict[tuple[str, frozenset[tuple[str, str]]], float]


async def scrape(stack: RunningStack) -> Figures:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{stack.url}/metrics") as response,
    ):
        assert response.status == 200
        assert response.content_type == "text/plain"
        text = await response.text()
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def grew(before: Figures, after: Figures, name: str, **labels: str) -> float:
    key = (name, frozenset(labels.items()))
    return after.get(key, 0.0) - before.get(key, 0.0)


async def test_metrics_count_messages_answers_reply_times_and_fallbacks(
    stack: RunningStack,
) -> None:
    before = await scrape(stack)

    await post(stack, "metrics-1", "hei, når har dere åpent?")
    await post(stack, "metrics-1", "takk skal du ha")
    await post(stack, "metrics-2", "how do I set up e-invoice?")
    # Straight to Rasa, as the router would send it: not understood after a first message.
    await rasa_says(stack, "api:metrics-3", "hello", "en")
    await rasa_says(stack, "api:metrics-3", "/nlu_fallback", "en")

    after = await scrape(stack)
    assert grew(before, after, "svar_messages_in_total", channel="api") == 3
    assert grew(before, after, "svar_messages_out_total", channel="api", sender="bot") >= 3
    assert grew(before, after, "svar_reply_seconds_count", channel="api") == 3
    assert grew(before, after, "svar_reply_seconds_bucket", channel="api", le="+Inf") == 3
    assert grew(before, after, "svar_fallbacks_total", language="en") == 1
    assert grew(before, after, "svar_rasa_failures_total", kind="unavailable") == 0
    # The shared figures are there on every scrape, read from Redis.
    for shared in ("svar_queue_waiting", "svar_chats_with_agent", "svar_callbacks_overdue"):
        assert (shared, frozenset()) in after
