"""Desk sessions, in Redis.

A session cookie holds a random token; Redis keeps only its SHA-256, so a copy of Redis holds
no usable session. Each agent's sessions are indexed, so that removing the agent or changing
their password ends them all (`end_all`).

A session carries its agent as the agent record says now (store/agents.py), read on every
request: a demoted supervisor is an ordinary agent at their next click. (How many logins one
client may try: store/rate_limits.py.)
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from redis.asyncio import Redis

from store import keys
from store.agents import Agent, Agents

SESSION_SECONDS = 12 * 3600  # one working day; every use extends it


@dataclass(frozen=True)
class Session:
    agent: Agent
    csrf: str


class Sessions:
    def __init__(self, redis: Redis, agents: Agents) -> None:
        self._redis = redis
        self._agents = agents

    async def create(self, agent: Agent) -> tuple[str, Session]:
        token = secrets.token_urlsafe(32)
        session = Session(agent, secrets.token_urlsafe(32))
        digest = _digest(token)
        key = keys.desk_session(digest)
        index = keys.agent_sessions(agent.username)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.sadd(index, digest)
            pipe.expire(index, SESSION_SECONDS)
            pipe.hset(
                key,
                mapping={
                    "username": agent.username,
                    "name": agent.name,
                    "csrf": session.csrf,
                    "created": time.time(),
                },
            )
            pipe.expire(key, SESSION_SECONDS)
            await pipe.execute()
        return token, session

    async def get(self, token: str) -> Session | None:
        key = keys.desk_session(_digest(token))
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.hgetall(key)
            pipe.expire(key, SESSION_SECONDS)
            data, _ = await pipe.execute()
        if not data or not data.get("username"):
            return None
        # The index lives as long as the longest session in it.
        await self._redis.expire(keys.agent_sessions(data["username"]), SESSION_SECONDS)
        agent = await self._agents.get(data["username"])  # the role as it is now
        return Session(agent, data["csrf"]) if agent else None

    async def delete(self, token: str) -> None:
        digest = _digest(token)
        username = await self._redis.hget(keys.desk_session(digest), "username")
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(keys.desk_session(digest))
            if username:
                pipe.srem(keys.agent_sessions(username), digest)
            await pipe.execute()

    async def end_all(self, username: str) -> int:
        """End every session of the agent (removed, or a new password); returns how many."""
        index = keys.agent_sessions(username)
        digests = await self._redis.smembers(index)
        async with self._redis.pipeline(transaction=True) as pipe:
            for digest in digests:
                pipe.delete(keys.desk_session(digest))
            pipe.delete(index)
            ended = await pipe.execute()
        return sum(int(n) for n in ended[:-1])


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
