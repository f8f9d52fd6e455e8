"""Agent login for the desk: sessions in Redis (store/sessions.py), a Secure HttpOnly
SameSite=Strict cookie, and a CSRF token that every state-changing request must repeat in the
`X-CSRF-Token` header.

Every login attempt is counted per IP and per username from that IP before the password is
checked (store/rate_limits.py), so parallel guesses cannot all pass, spraying one password
over many names is counted too, and nobody can lock an agent out from elsewhere. scrypt runs
in a small thread pool of its own: a login flood never holds up the threads aiohttp's
resolver and the Graph and Telegram clients use.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aiohttp import web

from bot.keys import LIMITS, STORES
from bot.request_checks import check_origin as _check_origin
from bot.request_checks import json_body as _json_body
from store.agents import hash_password, needs_rehash, verify_password
from store.presence import Status
from store.sessions import SESSION_SECONDS, Session

log = logging.getLogger(__name__)

COOKIE = "svar_desk"
COOKIE_PATH = "/desk"
CSRF_HEADER = "X-CSRF-Token"
# Two hashes at a time (32 MiB each) at most; the limits keep the queue short.
PASSWORD_THREADS = 2
PASSWORD_POOL = web.AppKey("password_pool", ThreadPoolExecutor)
# Checked against when the username is unknown, so that a wrong name takes as long as a wrong
# password and does not tell a guesser which names exist.
_DUMMY_HASH = hash_password("not a real password", salt=b"\0" * 16)


async def password_pool(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx: the threads that hash desk passwords, and only those."""
    with ThreadPoolExecutor(PASSWORD_THREADS, thread_name_prefix="scrypt") as pool:
        app[PASSWORD_POOL] = pool
        yield


async def login(request: web.Request) -> web.Response:
    """`POST /desk/api/login` with `{"username", "password"}`: a session cookie and the CSRF token."""
    check_origin(request)
    body = await json_body(request)
    username = str(body.get("username") or "").strip().lower()[:64]
    password = str(body.get("password") or "")
    ip = request.remote or "unknown"
    allowed = await request.app[LIMITS].allow_all(
        {"logins_per_ip": ip, "logins_per_username_and_ip": f"{username}|{ip}"}
    )
    if not allowed:
        raise web.HTTPTooManyRequests(
            reason="too many login attempts; wait 15 minutes", headers={"Retry-After": "900"}
        )
    stores = request.app[STORES]
    stored = await stores.agents.password_hash(username) if username else None
    pool = request.app[PASSWORD_POOL]
    loop = asyncio.get_running_loop()
    ok = await loop.run_in_executor(pool, verify_password, password, stored or _DUMMY_HASH)
    agent = await stores.agents.get(username) if ok and stored else None
    if agent is None or stored is None:
        log.info("desk: failed login for %r", username[:32])
        raise web.HTTPUnauthorized(reason="wrong username or password")
    if needs_rehash(stored):
        fresh = await loop.run_in_executor(pool, hash_password, password)
        await stores.agents.replace_password_hash(username, stored, fresh)
    token, session = await stores.sessions.create(agent)
    await stores.presence.choose(agent.username, Status.ONLINE)  # logging in is coming to work
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
    session = await current_session(request, csrf=True)
    await request.app[STORES].sessions.delete(request.cookies[COOKIE])
    await request.app[STORES].presence.choose(session.agent.username, Status.OFFLINE)
    response = web.json_response({"ok": True})
    response.del_cookie(COOKIE, path=COOKIE_PATH)
    return response


async def me(request: web.Request) -> web.Response:
    """Who is logged in, with the CSRF token the page repeats on every change."""
    return web.json_response(_me(await current_session(request, csrf=False)))


async def current_session(request: web.Request, *, csrf: bool) -> Session:
    """The logged-in agent's session; 401 without one, 403 when `csrf` and the token is wrong."""
    token = request.cookies.get(COOKIE)
    session = await request.app[STORES].sessions.get(token) if token else None
    if session is None:
        raise web.HTTPUnauthorized(reason="log in first")
    if csrf:
        check_origin(request)
        sent = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent.encode(), session.csrf.encode()):
            raise web.HTTPForbidden(reason="missing or wrong CSRF token; reload the page")
    return session


async def supervisor_session(request: web.Request, *, csrf: bool) -> Session:
    """The session of a supervisor (the role as the agent record says now); 403 for others."""
    session = await current_session(request, csrf=csrf)
    if not session.agent.supervisor:
        log.warning(
            "desk: %s is no supervisor and was refused %s %s",
            session.agent.username,
            request.method,
            request.path[:200],
        )
        raise web.HTTPForbidden(reason="only a supervisor may do this")
    return session


def check_origin(request: web.Request) -> None:
    """A browser's request must come from the desk's own site. (The origins allowed to embed
    the chat widget are not allowed here: no other site has any business with the desk.)"""
    _check_origin(request, (), "this origin may not use the desk")


async def json_body(request: web.Request) -> dict[str, Any]:
    """A JSON object body, sent as JSON: a form post from another site cannot send one."""
    return await _json_body(request, json_type_only=True)


def _me(session: Session) -> dict[str, Any]:
    return {
        "agent": {"username": session.agent.username, "name": session.agent.name},
        "csrf": session.csrf,
        "supervisor": session.agent.supervisor,  # the desk shows the personal-data panel
    }
