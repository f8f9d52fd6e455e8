"""Agent login for the desk: sessions in Redis, a Secure HttpOnly SameSite=Strict cookie, and
a CSRF token that every state-changing request must repeat in the `X-CSRF-Token` header.

The session cookie holds a random token; Redis keeps only its SHA-256, so a copy of Redis
holds no usable session. Failed logins per username are counted and slowed down.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from redis.asyncio import Redis

from bot.keys import REDIS
from store import keys
from store.agents import Agent, Agents, hash_password, verify_password

log = logging.getLogger(__name__)

COOKIE = "svar_desk"
COOKIE_PATH = "/desk"
CSRF_HEADER = "X-CSRF-Token"
SESSION_SECONDS = 12 * 3600  # one working day; every use extends it
MAX_FAILED_LOGINS = 10
FAILED_LOGIN_WINDOW_SECONDS = 15 * 60
# Checked against when the username is unknown, so that a wrong name takes as long as a wrong
# password and does not tell a guesser which names exist.
_DUMMY_HASH = hash_password("not a real password", salt=b"\0" * 16)


@dataclass(frozen=True)
class Session:
    agent: Agent
    csrf: str


class Sessions:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

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
        return Session(Agent(data["username"], data.get("name") or data["username"]), data["csrf"])

    async def delete(self, token: str) -> None:
        await self._redis.delete(keys.desk_session(_digest(token)))


async def login(request: web.Request) -> web.Response:
    """`POST /desk/api/login` with `{"username", "password"}`: a session cookie and the CSRF token."""
    check_origin(request)
    body = await json_body(request)
    username = str(body.get("username") or "").strip().lower()
    password = str(body.get("password") or "")
    redis = request.app[REDIS]
    failures = keys.desk_login_failures(username)
    if int(await redis.get(failures) or 0) >= MAX_FAILED_LOGINS:
        raise web.HTTPTooManyRequests(reason="too many failed logins; wait 15 minutes")
    agents = Agents(redis)
    stored = await agents.password_hash(username) if username else None
    loop = asyncio.get_running_loop()
    ok = await loop.run_in_executor(None, verify_password, password, stored or _DUMMY_HASH)
    agent = await agents.get(username) if ok and stored else None
    if agent is None:
        async with redis.pipeline(transaction=True) as pipe:
            pipe.incr(failures)
            pipe.expire(failures, FAILED_LOGIN_WINDOW_SECONDS)
            await pipe.execute()
        log.info("desk: failed login for %r", username[:32])
        raise web.HTTPUnauthorized(reason="wrong username or password")
    await redis.delete(failures)
    token, session = await Sessions(redis).create(agent)
    log.info("desk: %s logged in", agent.username)
    response = web.json_response(_me(session))
    response.set_cookie(
        COOKIE,
        token,
        max_age=SESSION_SECONDS,
        path=COOKIE_PATH,
        secure=True,
        httponly=True,
        samesite="Strict",
    )
    return response


async def logout(request: web.Request) -> web.Response:
    await current_session(request, csrf=True)
    await Sessions(request.app[REDIS]).delete(request.cookies[COOKIE])
    response = web.json_response({"ok": True})
    response.del_cookie(COOKIE, path=COOKIE_PATH)
    return response


async def me(request: web.Request) -> web.Response:
    """Who is logged in, with the CSRF token the page repeats on every change."""
    return web.json_response(_me(await current_session(request, csrf=False)))


async def current_session(request: web.Request, *, csrf: bool) -> Session:
    """The logged-in agent's session; 401 without one, 403 when `csrf` and the token is wrong."""
    token = request.cookies.get(COOKIE)
    session = await Sessions(request.app[REDIS]).get(token) if token else None
    if session is None:
        raise web.HTTPUnauthorized(reason="log in first")
    if csrf:
        check_origin(request)
        sent = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent.encode(), session.csrf.encode()):
            raise web.HTTPForbidden(reason="missing or wrong CSRF token; reload the page")
    return session


def check_origin(request: web.Request) -> None:
    """A browser's request must come from the desk's own site. (The origins allowed to embed
    the chat widget are not allowed here: no other site has any business with the desk.)"""
    origin = request.headers.get("Origin")
    if origin is None:
        return  # not a browser: scripts and tests
    if urlsplit(origin).netloc == request.host:
        return
    raise web.HTTPForbidden(reason="this origin may not use the desk")


async def json_body(request: web.Request) -> dict[str, Any]:
    """A JSON object body; a form post from another site cannot send one."""
    if request.content_type != "application/json":
        raise web.HTTPUnsupportedMediaType(reason="send JSON (Content-Type: application/json)")
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(reason="the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(reason="expected a JSON object")
    return body


def _me(session: Session) -> dict[str, Any]:
    return {
        "agent": {"username": session.agent.username, "name": session.agent.name},
        "csrf": session.csrf,
    }


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
