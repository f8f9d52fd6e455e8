"""Desk sessions and failed desk logins, in Redis.

A session cookie holds a random token; Redis keeps only its SHA-256, so a copy of Redis holds
no usable session. Failed logins are counted per username for a while, to slow guessing down.

A session carries its agent as the agent record says now (store/agents.py), read on every
request: a demoted supervisor is an ordinary agent at their next click, and a removed agent's
sessions end.
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
FAILED_LOGIN_WINDOW_SECONDS = 15 * 60


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
        key = keys.desk_session(_digest(token))
        async with self._redis.pipeline(transaction=True) as pipe:
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
        agent = await self._agents.get(data["username"])  # the role as it is now
        return Session(agent, data["csrf"]) if agent else None

    async def delete(self, token: str) -> None:
        await self._redis.delete(keys.desk_session(_digest(token)))

    async def failed_logins(self, username: str) -> int:
        return int(await self._redis.get(keys.desk_login_failures(username)) or 0)

    async def count_failed_login(self, username: str) -> None:
        key = keys.desk_login_failures(username)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, FAILED_LOGIN_WINDOW_SECONDS)
            await pipe.execute()

    async def forget_failed_logins(self, username: str) -> None:
        await self._redis.delete(keys.desk_login_failures(username))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
