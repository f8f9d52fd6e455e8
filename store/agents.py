"""Desk agents: who may log in to the agent desk, under which name, with which password.

Passwords are stored only as scrypt hashes (standard library), each with its own salt.
Agents are created with `python -m bot.desk.agents add <username> --name "<name>"`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass

from redis.asyncio import Redis

from store import keys

USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,31}$")
MIN_PASSWORD_CHARS = 10
# scrypt at n=2**14, r=8: 16 MiB and about 50 ms per hash; slow for a guesser, fine at login.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P, _SCRYPT_LEN = 2**14, 8, 1, 32


class AgentError(ValueError):
    """A username or password that cannot be used."""


@dataclass(frozen=True)
class Agent:
    username: str
    name: str  # shown to customers: "Kari is here now"


class Agents:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def add(self, username: str, name: str, password: str) -> Agent:
        """Create the agent, or give an existing one a new name and password."""
        check_username(username)
        check_password(password)
        name = name.strip() or username
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(
                keys.agent(username),
                mapping={"name": name, "password": hash_password(password), "created": time.time()},
            )
            pipe.sadd(keys.agents(), username)
            await pipe.execute()
        return Agent(username, name)

    async def remove(self, username: str) -> bool:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(keys.agent(username))
            pipe.srem(keys.agents(), username)
            deleted, _ = await pipe.execute()
        return bool(deleted)

    async def get(self, username: str) -> Agent | None:
        name = await self._redis.hget(keys.agent(username), "name")
        return Agent(username, str(name)) if name else None

    async def all(self) -> list[Agent]:
        usernames = sorted(await self._redis.smembers(keys.agents()))
        agents = [await self.get(u) for u in usernames]
        return [a for a in agents if a is not None]

    async def password_hash(self, username: str) -> str | None:
        stored = await self._redis.hget(keys.agent(username), "password")
        return str(stored) if stored else None


def check_username(username: str) -> None:
    if not USERNAME.match(username):
        raise AgentError("a username is 1-32 lowercase letters, digits or _.- (e.g. kari)")


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise AgentError(f"a password needs at least {MIN_PASSWORD_CHARS} characters")


def hash_password(password: str, salt: bytes | None = None) -> str:
    """`scrypt$n$r$p$salt$hash`, salt and hash in base64."""
    salt = secrets.token_bytes(16) if salt is None else salt
    digest = hashlib.scrypt(
        password.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=_SCRYPT_LEN
    )
    return "$".join(
        ["scrypt", str(_SCRYPT_N), str(_SCRYPT_R), str(_SCRYPT_P), _b64(salt), _b64(digest)]
    )


def verify_password(password: str, stored: str) -> bool:
    """True when `password` matches the stored hash; compared in constant time."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        found = hashlib.scrypt(
            password.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(found, expected)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
