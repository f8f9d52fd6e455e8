"""`GET /metrics` in-process, on the real Redis, with Rasa and the action server down."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

import pytest
from aiohttp.test_utils import TestClient
from prometheus_client.parser import text_string_to_metric_families
from redis.asyncio import Redis

from bot.app import create_app
from bot.request_checks import is_loopback
from core.settings import Settings
from store.callbacks import Callbacks
from tests.helpers import promise, queue


async def figures(client: TestClient, **headers: str) -> dict[str, float]:
    response = await client.get("/metrics", headers=headers)
    assert response.status == 200
    return {
        sample.name + _labels(sample.labels): sample.value
        for family in text_string_to_metric_families(await response.text())
        for sample in family.samples
    }


def _labels(labels: dict[str, str]) -> str:
    return "{" + ",".join(f"{k}={v}" for k, v in sorted(labels.items())) + "}" if labels else ""


async def test_a_turn_rasa_could_not_answer_counts_as_unavailable_and_still_answered(
    client: TestClient,
) -> None:
    await client.post("/api/messages", json={"sender": "m1", "text": "hei"})
    counted = await figures(client)
    assert counted["svar_messages_in_total{channel=api}"] == 1
    assert counted["svar_messages_out_total{channel=api,sender=bot}"] == 1
    assert counted["svar_rasa_failures_total{kind=unavailable}"] == 1
    assert counted["svar_reply_seconds_count{channel=api}"] == 1


async def test_queue_handoffs_by_reason_and_overdue_callbacks_come_from_redis(
    client: TestClient, redis_client: Redis
) -> None:
    await queue(redis_client, "web:q1")
    await queue(redis_client, "web:q2")
    callbacks = Callbacks(redis_client)
    await callbacks.add(promise("late", due_in_hours=-1, asked=_hours_ago(3)))
    await callbacks.add(promise("soon", due_in_hours=5, asked=_hours_ago(1)))

    counted = await figures(client)
    assert counted["svar_queue_waiting"] == 2
    assert counted["svar_chats_with_agent"] == 0
    assert counted["svar_handoffs_total{reason=asked}"] == 2
    assert counted["svar_handoffs_total{reason=complaint}"] == 0
    assert counted["svar_callbacks_pending"] == 2
    assert counted["svar_callbacks_overdue"] == 1


async def test_with_a_metrics_token_set_a_scrape_needs_it(
    aiohttp_client,
    settings: Settings,
    redis_client: Redis,  # type: ignore[no-untyped-def]
) -> None:
    client = await aiohttp_client(
        create_app(dataclasses.replace(settings, metrics_token="scrape-secret"))
    )
    refused = await client.get("/metrics")
    assert refused.status == 401
    assert refused.headers["WWW-Authenticate"] == "Bearer"
    assert (await client.get("/metrics", headers={"Authorization": "Bearer wrong"})).status == 401
    assert await figures(client, Authorization="Bearer scrape-secret")


@pytest.mark.parametrize(
    ("address", "local"),
    [("127.0.0.1", True), ("127.8.9.1", True), ("::1", True), ("10.0.0.5", False),
     ("192.168.1.2", False), ("2001:db8::1", False), (None, False), ("not an ip", False)],
)  # fmt: skip
def test_only_this_machine_counts_as_loopback(address: str | None, local: bool) -> None:
    assert is_loopback(address) is local


def _hours_ago(hours: float) -> datetime:
    return datetime.now(timezone.utc) - timedelta(hours=hours)
