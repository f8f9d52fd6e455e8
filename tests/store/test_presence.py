"""Agents' presence on a real Redis: chosen at the desk, away on its own without a desk."""

from __future__ import annotations

from redis.asyncio import Redis

from store import keys
from store.agents import Agents
from store.presence import AWAY_AFTER_SECONDS, Presence, Status, effective
from tests.helpers import AGENT_PASSWORD


async def test_an_agent_is_online_only_while_a_desk_is_open_and_serves_their_languages(
    redis_client: Redis,
) -> None:
    agents = Agents(redis_client)
    presence = Presence(redis_client, agents)
    await agents.add("kari", "Kari", AGENT_PASSWORD)
    await agents.add("ola", "Ola", AGENT_PASSWORD)
    assert await agents.set_languages("kari", ["nb"])
    assert await presence.statuses() == {"kari": Status.OFFLINE, "ola": Status.OFFLINE}

    await presence.choose("kari", Status.ONLINE)
    assert await presence.status("kari") is Status.AWAY  # no desk open
    await presence.desk_open("kari")
    assert await presence.status("kari") is Status.ONLINE
    assert 0 < await redis_client.ttl(keys.agent_desk_seen("kari")) <= AWAY_AFTER_SECONDS
    assert [a.username for a in await presence.online_serving("nb")] == ["kari"]
    assert await presence.online_serving("en") == []

    await presence.choose("ola", Status.ONLINE)
    await presence.desk_open("ola")  # no languages set: every language
    assert [a.username for a in await presence.online_serving("en")] == ["ola"]
    await redis_client.delete(keys.agent_desk_seen("ola"))  # the mark lapsed
    assert await presence.online_serving("en") == []


def test_what_the_agent_chose_reads_as_customers_see_it() -> None:
    assert effective("online", True) is Status.ONLINE
    assert effective("online", False) is Status.AWAY
    assert effective("away", True) is Status.AWAY
    assert effective("offline", True) is Status.OFFLINE
    assert effective(None, True) is Status.OFFLINE
    assert effective("nonsense", True) is Status.OFFLINE


async def test_languages_of_an_agent_that_does_not_exist_are_not_set(redis_client: Redis) -> None:
    assert not await Agents(redis_client).set_languages("nobody", ["nb"])
    assert not await redis_client.exists(keys.agent("nobody"))
