"""The spot price feed by URL, as in production: a loopback HTTP server stands in for the market
data service, and the action answers politely when it cannot be reached."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiohttp import web
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.context import context
from actions.price_feed import PriceFeed
from actions.spot_price import ActionSpotPrice
from core.company import CompanyProfile

OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=OSLO)
ROOT = Path(__file__).resolve().parents[2]
SHIPPED = (ROOT / "content" / "spot_prices.yml").read_text(encoding="utf-8")


class MarketData:
    """A loopback price server: counts requests; can fail, stall, or change its prices."""

    def __init__(self) -> None:
        self.body = SHIPPED
        self.status = 200
        self.stall = 0.0
        self.requests = 0

    async def prices(self, request: web.Request) -> web.Response:
        self.requests += 1
        await asyncio.sleep(self.stall)
        return web.Response(text=self.body, status=self.status)


@pytest.fixture
async def market() -> AsyncIterator[tuple[MarketData, str]]:
    data = MarketData()
    app = web.Application()
    app.router.add_get("/spot.yml", data.prices)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield data, f"http://127.0.0.1:{port}/spot.yml"
    await runner.cleanup()


def no1_at_ten(feed: object) -> float:
    assert isinstance(feed, dict)
    return float(feed["days"]["2026-11-25"]["NO1"][40])


async def test_the_feed_is_fetched_from_its_url_and_kept_for_a_few_minutes(
    market: tuple[MarketData, str],
) -> None:
    data, url = market
    feed = PriceFeed(url, keep_for=timedelta(minutes=5))
    assert no1_at_ten(await feed.read(NOW)) == 94.5
    data.body = SHIPPED.replace("94.5,", "12.3,")
    assert no1_at_ten(await feed.read(NOW + timedelta(minutes=4))) == 94.5
    assert data.requests == 1
    assert no1_at_ten(await feed.read(NOW + timedelta(minutes=5))) == 12.3
    assert data.requests == 2


async def test_a_server_that_stalls_past_the_timeout_gives_no_feed(
    market: tuple[MarketData, str],
) -> None:
    data, url = market
    data.stall = 2.0
    assert await PriceFeed(url, timeout=0.2).read(NOW) is None


async def test_a_server_error_keeps_the_prices_fetched_before(
    market: tuple[MarketData, str],
) -> None:
    data, url = market
    feed = PriceFeed(url, keep_for=timedelta(minutes=5))
    await feed.read(NOW)
    data.status = 503
    assert no1_at_ten(await feed.read(NOW + timedelta(minutes=10))) == 94.5
    assert data.requests == 2


async def test_a_feed_that_is_not_prices_gives_no_feed(market: tuple[MarketData, str]) -> None:
    data, url = market
    data.body = "<html>maintenance</html>"
    assert await PriceFeed(url).read(NOW) is None


async def test_the_profile_names_a_url_as_is_and_a_file_under_the_project(
    tmp_path: Path,
) -> None:
    shipped = (ROOT / "content" / "company.yml").read_text(encoding="utf-8")
    (tmp_path / "content").mkdir()
    profile = tmp_path / "content" / "company.yml"
    profile.write_text(shipped, encoding="utf-8")
    assert CompanyProfile.load(profile).spot_price_feed == tmp_path / "content/spot_prices.yml"
    url = "https://prices.example/spot.yml"
    profile.write_text(
        shipped.replace("spot_price_feed: content/spot_prices.yml", f"spot_price_feed: {url}"),
        encoding="utf-8",
    )
    assert CompanyProfile.load(profile).spot_price_feed == url


async def test_an_unreachable_price_server_gets_the_polite_answer(
    action_env: None, monkeypatch: pytest.MonkeyPatch, market: tuple[MarketData, str]
) -> None:
    data, url = market
    data.status = 500
    monkeypatch.setenv("SVAR_CLOCK", NOW.isoformat())
    context.cache_clear()
    in_production = dataclasses.replace(context(), price_feed=PriceFeed(url))
    monkeypatch.setattr("actions.spot_price.context", lambda: in_production)
    dispatcher = CollectingDispatcher()
    latest = {"text": "hva koster strømmen", "intent": {"name": "spot_price_now"}}
    slots = {"price_area": "NO1"}
    await ActionSpotPrice().run(
        dispatcher, Tracker("web:f1", slots, latest, [], False, None, None, "action_listen"), {}
    )
    assert [m["response"] for m in dispatcher.messages] == ["utter_spot_price_unknown"]
    assert data.requests == 1
