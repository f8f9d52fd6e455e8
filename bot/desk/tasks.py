"""What the desk's task panels share (callbacks, complaints, follow-ups): the list of open
tasks with the clock's time, each task's urgency, and its topic shown by title."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from aiohttp import web

from bot.desk.auth import current_session
from bot.keys import CLOCK, PROFILE, TOPICS

Task = TypeVar("Task")
Card = Callable[[Task, float, web.Application], dict[str, Any]]


async def list_open(
    request: web.Request,
    name: str,
    pending: Callable[[], Awaitable[Sequence[Task]]],
    card: Card[Task],
    due_soon_seconds: float,
) -> web.Response:
    """`{"now", "due_soon_seconds", name: [cards]}`: the desk counts down from `now`."""
    await current_session(request, csrf=False)
    now = request.app[CLOCK]().timestamp()
    tasks = await pending()
    return web.json_response(
        {
            "now": now,
            "due_soon_seconds": due_soon_seconds,
            name: [card(task, now, request.app) for task in tasks],
        }
    )


def urgency(is_open: bool, deadline: float, now: float, due_soon_seconds: float) -> dict[str, bool]:
    """An open task past its deadline is overdue; one close to it is flagged while there is
    still time to keep the promise."""
    left = deadline - now
    return {
        "overdue": is_open and left < 0,
        "due_soon": is_open and 0 <= left <= due_soon_seconds,
    }


def topic_title(app: web.Application, topic: str) -> str:
    """A topic is stored as its intent name; the desk shows its title (content/topics.yml)."""
    titles = app[TOPICS].get(topic) or {}
    return str(titles.get(app[PROFILE].default_language, topic))
