"""Desk agents: who may log in to the agent desk, under which name, with which password.

Passwords are stored only as scrypt hashes (standard library), each with its own salt.
Agents are created with `python -m bot.desk.agents add <username> --name "<name>"`; a
supervisor (`--supervisor`, or `role <username> supervisor`) may also export and erase a
customer's data from the desk (bot/desk/privacy.py).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import WatchError

from store import keys

USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,31}$")
MIN_PASSWORD_CHARS = 10
# scrypt at one of OWASP's recommended costs (Password Storage Cheat Sheet, 2024: N=2^15,
# r=8, p=3): 32 MiB and a few hundred ms per hash; slow for a guesser, fine at login. A hash made
# at another cost is made anew at the agent's next login (`needs_rehash`).
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P, _SCRYPT_LEN = 2**15, 8, 3, 32
_SCRYPT_MAXMEM = 64 * 1024 * 1024
_CURRENT = f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}$"
# Sets a field (the role, the languages) of an agent that exists; never creates a half agent
# of one field.
_SET_FIELD = """
if redis.call('HEXISTS', KEYS[1], 'name') == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
"""


class AgentError(ValueError):
    """A username or password that cannot be used."""


@dataclass(frozen=True)
class Agent:
    username: str
    name: str  # shown to customers: "Kari is here now"
    supervisor: bool = False  # may export and erase a customer's data from the desk
    languages: tuple[str, ...] = ()  # the languages they serve; none set: every language

    def serves(self, language: str) -> bool:
        return not self.languages or language in self.languages


class Agents:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._set_field = redis.register_script(_SET_FIELD)

    async def add(
        self, username: str, name: str, password: str, *, supervisor: bool = False
    ) -> Agent:
        """Create the agent, or give an existing one a new name and password. `supervisor`
        makes them one; an existing supervisor stays one (`set_supervisor` takes it away)."""
        check_username(username)
        check_password(password)
        name = name.strip() or username
        record: dict[str, str | float] = {
            "name": name,
            "password": hash_password(password),
            "created": time.time(),
        }
        if supervisor:
            record["supervisor"] = "1"
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(keys.agent(username), mapping=record)
            pipe.sadd(keys.agents(), username)
            pipe.hget(keys.agent(username), "supervisor")
            *_, role = await pipe.execute()
        return Agent(username, name, role == "1")

    async def set_supervisor(self, username: str, supervisor: bool) -> bool:
        """Make an agent a supervisor or an ordinary agent; False when there is no such agent.
        Takes effect at once: sessions read the role from here on every request."""
        done = await self._set_field(
            keys=[keys.agent(username)], args=["supervisor", "1" if supervisor else "0"]
        )
        return bool(done)

    async def set_languages(self, username: str, languages: Sequence[str]) -> bool:
        """The languages the agent serves (none: every language); False when there is no
        such agent."""
        done = await self._set_field(
            keys=[keys.agent(username)], args=["languages", ",".join(languages)]
        )
        return bool(done)

    async def remove(self, username: str) -> bool:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(keys.agent(username))
            pipe.srem(keys.agents(), username)
            pipe.delete(keys.agent_presence(username), keys.agent_desk_seen(username))
            deleted, *_ = await pipe.execute()
        return bool(deleted)

    async def get(self, username: str) -> Agent | None:
        name, supervisor, languages = await self._redis.hmget(
            keys.agent(username), ["name", "supervisor", "languages"]
        )
        if not name:
            return None
        return Agent(username, str(name), supervisor == "1", parse_languages(languages))

    async def all(self) -> list[Agent]:
        usernames = sorted(await self._redis.smembers(keys.agents()))
        agents = [await self.get(u) for u in usernames]
        return [a for a in agents if a is not None]

    async def names(self) -> dict[str, str]:
        """Every agent's display name by username, as the desk shows who has a chat."""
        return {agent.username: agent.name for agent in await self.all()}

    async def replace_password_hash(self, username: str, old: str, new: str) -> None:
        """Store `new` (the same password at today's cost) unless the hash changed meanwhile."""
        key = keys.agent(username)
        async with self._redis.pipeline(transaction=True) as pipe:
            await pipe.watch(key)
            if await pipe.hget(key, "password") != old:
                return
            pipe.multi()
            pipe.hset(key, "password", new)
            with contextlib.suppress(WatchError):  # changed just now: theirs stands
                await pipe.execute()

    async def password_hash(self, username: str) -> str | None:
        stored = await self._redis.hget(keys.agent(username), "password")
        return str(stored) if stored else None


def parse_languages(stored: object) -> tuple[str, ...]:
    """ "nb,en" as kept in the agent's hash: ("nb", "en"); nothing kept: ()."""
    return tuple(code for code in str(stored or "").split(",") if code)


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
        password.encode(),
        salt=salt,
        n=_SCRYPT_N,
        r=_SCRYPT_R,
        p=_SCRYPT_P,
        dklen=_SCRYPT_LEN,
        maxmem=_SCRYPT_MAXMEM,
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
            maxmem=_SCRYPT_MAXMEM,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(found, expected)


def needs_rehash(stored: str) -> bool:
    """True when the hash was made at another cost than today's."""
    return not stored.startswith(_CURRENT)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
