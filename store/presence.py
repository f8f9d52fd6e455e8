"""Who is at the desk: each agent's presence, online, away or offline.

The agent chooses it at the desk (logging in puts them online, logging out offline). An agent
who chose online but has had no desk socket open for `AWAY_AFTER_SECONDS` reads as away on its
own: an open desk socket refreshes a short-lived key (bot/desk/ws.py), so a closed laptop or a
lost network needs no sweep. Handoffs go only to agents online who serve the customer's
language (actions/handoff.py).
"""

from __future__ import annotations

from enum import Enum

from redis.asyncio import Redis

from store import keys
from store.agents import Agent, Agents

# How long an online agent counts as at the desk after their last desk socket went away.
AWAY_AFTER_SECONDS = 120
# How often an open desk socket says the agent is still there (well inside the above).
SEEN_EVERY_SECONDS = 30


class Status(str, Enum):
    ONLINE = "online"
    AWAY = "away"
    OFFLINE = "offline"


class Presence:
    def __init__(self, redis: Redis, agents: Agents) -> None:
        self._redis = redis
        self._agents = agents

    async def choose(self, username: str, status: Status) -> None:
        """The status the agent picked at the desk (or logging in or out set)."""
        await self._redis.set(keys.agent_presence(username), status.value)

    async def desk_open(self, username: str) -> None:
        """The agent has a desk socket open now."""
        await self._redis.set(keys.agent_desk_seen(username), "1", ex=AWAY_AFTER_SECONDS)

    async def status(self, username: str) -> Status:
        """The agent's presence as customers see it: online only with a desk open."""
        chosen, seen = await self._redis.mget(
            keys.agent_presence(username), keys.agent_desk_seen(username)
        )
        return effective(chosen, seen is not None)

    async def statuses(self) -> dict[str, Status]:
        """Every agent's presence, by username."""
        return {a.username: await self.status(a.username) for a in await self._agents.all()}

    async def online_serving(self, language: str) -> list[Agent]:
        """The agents online now who serve `language`."""
        return [
            agent
            for agent in await self._agents.all()
            if agent.serves(language) and await self.status(agent.username) is Status.ONLINE
        ]


def effective(chosen: str | None, desk_open: bool) -> Status:
    """Online as chosen only while a desk is open (or was a moment ago); else away."""
    status = Status(chosen) if chosen in {s.value for s in Status} else Status.OFFLINE
    if status is Status.ONLINE and not desk_open:
        return Status.AWAY
    return status
