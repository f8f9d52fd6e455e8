"""Manage desk agents: `python -m bot.desk.agents add kari --name "Kari" [--supervisor]` (and
`list`, `remove kari`, `role kari supervisor|agent`, `languages kari nb en`: the languages an
agent serves; none given, every language). The password is asked for without echo,
or read from stdin when it is not a terminal
(`printf '%s\n' "$PASSWORD" | python -m bot.desk.agents add kari --name Kari`).
A supervisor may also export and erase a customer's data from the desk.
Uses the Redis the running stack uses (REDIS_URL, else the private one `make run` started),
like the front door. Removing an agent or giving them a new password ends their desk sessions.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Sequence

from core.settings import Settings
from store.agents import Agent, AgentError, Agents, check_password
from store.sessions import Sessions
from store.stores import client as redis_client

SUPERVISOR, AGENT = "supervisor", "agent"
ROLES = (SUPERVISOR, AGENT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.desk.agents", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="create an agent, or set a new name and password")
    add.add_argument("username")
    add.add_argument("--name", default="", help="the name customers see, e.g. Kari")
    add.add_argument(
        "--supervisor",
        action="store_true",
        help="may export and erase a customer's data (an existing supervisor stays one)",
    )
    commands.add_parser("list", help="list the agents and their roles")
    remove = commands.add_parser("remove", help="remove an agent")
    remove.add_argument("username")
    role = commands.add_parser("role", help="make an agent a supervisor, or an ordinary agent")
    role.add_argument("username")
    role.add_argument("role", choices=ROLES)
    languages = commands.add_parser(
        "languages", help="the languages an agent serves, e.g. `languages kari nb en`"
    )
    languages.add_argument("username")
    languages.add_argument("codes", nargs="*", help="none: every language")
    args = parser.parse_args(argv)
    try:
        return asyncio.run(_run(args, Settings.from_env().redis_url))
    except AgentError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


async def _run(args: argparse.Namespace, redis_url: str) -> int:
    if args.command == "add":
        password = _read_password()  # before connecting: a typo costs no Redis round trip
    redis = redis_client(redis_url)
    try:
        agents = Agents(redis)
        sessions = Sessions(redis, agents)
        if args.command == "add":
            agent = await agents.add(args.username, args.name, password, supervisor=args.supervisor)
            await sessions.end_all(agent.username)  # a new password: old logins end
            print(f"{_role(agent)} {agent.username} ({agent.name}) can log in at /desk")
        elif args.command == "list":
            for agent in await agents.all():
                print(
                    f"{agent.username}\t{agent.name}\t{_role(agent)}\t{_languages(agent.languages)}"
                )
        elif args.command == "role":
            if not await agents.set_supervisor(args.username, args.role == SUPERVISOR):
                print(f"error: no agent {args.username}", file=sys.stderr)
                return 1
            print(f"{args.username} is now a {args.role}")
        elif args.command == "languages":
            if not await agents.set_languages(args.username, args.codes):
                print(f"error: no agent {args.username}", file=sys.stderr)
                return 1
            print(f"{args.username} serves {_languages(args.codes)}")
        elif args.command == "remove":
            if not await agents.remove(args.username):
                print(f"error: no agent {args.username}", file=sys.stderr)
                return 1
            await sessions.end_all(args.username)
            print(f"agent {args.username} removed")
        return 0
    finally:
        await redis.close()


def _role(agent: Agent) -> str:
    return SUPERVISOR if agent.supervisor else AGENT


def _languages(codes: Sequence[str]) -> str:
    return " ".join(codes) or "every language"


def _read_password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    password = getpass.getpass("Password: ")
    check_password(password)
    if getpass.getpass("Again: ") != password:
        raise AgentError("the passwords differ")
    return password


if __name__ == "__main__":
    sys.exit(main())
