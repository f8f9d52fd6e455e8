"""Redis killed and restarted while Messenger and Telegram customers write (front door
in-process, Rasa down, Facebook's and Telegram's servers faked on loopback): what a webhook
accepted is answered exactly once after the restart; what it could not accept is refused with
503, so the platform delivers it again, and it is answered once then."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from aiohttp.test_utils import TestClient

from bot.app import create_app
from bot.channels.messenger import MESSENGER
from bot.channels.telegram import TELEGRAM
from core.settings import Settings
from tests.channels.conftest import (
    drained,
    post_delivery,
    post_update,
    with_messenger,
    with_telegram,
)
from tests.fakes import graph_api as fb
from tests.fakes import telegram_api as tg
from tests.fakes.graph_api import FakeGraphAPI
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.helpers import KillableRedis

CUSTOMERS = 4


async def test_messenger_messages_around_a_redis_restart_are_each_answered_once(
    aiohttp_client,  # type: ignore[no-untyped-def]
    settings: Settings,
    graph_api: FakeGraphAPI,
    killable: KillableRedis,
    tmp_path: Path,
) -> None:
    faulty = dataclasses.replace(
        with_messenger(settings, graph_api), redis_url=killable.url, spool_dir=tmp_path
    )
    client: TestClient = await aiohttp_client(create_app(faulty))
    before = [f"2000000000{i}" for i in range(CUSTOMERS)]
    during = [f"3000000000{i}" for i in range(CUSTOMERS)]
    for psid in before:
        response = await post_delivery(
            client, fb.delivery([fb.text_event(psid, "hei", f"mb{psid}")])
        )
        assert response.status == 200
    killable.kill()
    refused = []
    for psid in during:
        delivery = fb.delivery([fb.text_event(psid, "hei", f"md{psid}")])
        response = await post_delivery(client, delivery)
        assert response.status == 503  # not a 500: Facebook delivers it again
        refused.append(delivery)
    killable.start()
    for delivery in refused:  # Facebook's redelivery
        response = await post_delivery(client, delivery)
        assert response.status == 200
    everyone = before + during
    await graph_api.wait_for(lambda: all(graph_api.messages(p) for p in everyone), timeout=180)
    await drained(client.app[MESSENGER].inbox, timeout=60)  # nothing left to answer
    assert {p: len(graph_api.messages(p)) for p in everyone} == {p: 1 for p in everyone}


async def test_telegram_updates_around_a_redis_restart_are_each_answered_once(
    aiohttp_client,  # type: ignore[no-untyped-def]
    settings: Settings,
    telegram_api: FakeTelegramAPI,
    killable: KillableRedis,
    tmp_path: Path,
) -> None:
    faulty = dataclasses.replace(
        with_telegram(settings, telegram_api, webhook=True),
        redis_url=killable.url,
        spool_dir=tmp_path,
    )
    client: TestClient = await aiohttp_client(create_app(faulty))
    before = [700000 + i for i in range(CUSTOMERS)]
    during = [800000 + i for i in range(CUSTOMERS)]
    for chat in before:
        assert (await post_update(client, tg.text_update(chat, "hei"))).status == 200
    killable.kill()
    refused = []
    for chat in during:
        update = tg.text_update(chat, "hei")
        assert (await post_update(client, update)).status == 503  # Telegram sends it again
        refused.append(update)
    killable.start()
    for update in refused:
        assert (await post_update(client, update)).status == 200
    everyone = before + during
    await telegram_api.wait_for(lambda: all(telegram_api.sent(c) for c in everyone), timeout=180)
    await drained(client.app[TELEGRAM].inbox, timeout=60)
    assert {c: len(telegram_api.sent(c)) for c in everyone} == {c: 1 for c in everyone}
