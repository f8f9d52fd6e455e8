"""Rasa's NLG endpoint: Rasa asks for an answer by name; we render it from the answer book.

Rasa sends `{"response": name, "arguments": {...}, "tracker": {...}, "channel": {...}}` for
every answer (endpoints.yml `nlg:`); we reply `{"text": ..., "buttons": [...]}` in the
conversation's language with the company facts filled in. The language is the one the router
decided for the customer's message: its metadata, or, for a turn without one (an intent the
desk triggered), what the router stored for the conversation.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from bot.keys import ANSWERS, ASKING, FACTS, LOCALES, METRICS, PROFILE, SETTINGS, STORES, TOPICS
from core.content.answers import AnswerBook, Button, Rendered
from core.content.locale import Locale
from core.content.values import written_out

log = logging.getLogger(__name__)


def setup_routes(app: web.Application) -> None:
    app.router.add_routes([web.post("/nlg", generate)])


async def generate(request: web.Request) -> web.Response:
    token = request.app[SETTINGS].nlg_token
    if not token or not hmac.compare_digest(request.query.get("token", ""), token):
        raise web.HTTPForbidden(text="wrong or missing token")
    body = await request.json()
    languages = request.app[PROFILE].languages
    topic_titles = request.app[TOPICS]
    tracker = body.get("tracker") or {}
    language = message_language(tracker, languages)
    if language is None:
        conversation = await request.app[STORES].conversations.get(str(tracker.get("sender_id")))
        stored = conversation.language if conversation else None
        language = stored if stored is not None and stored in languages else languages[0]
    try:
        rendered = render(
            request.app[ANSWERS],
            str(body.get("response")),
            language,
            request.app[FACTS][language],
            request.app[LOCALES][language],
            body.get("arguments") or {},
            tracker.get("slots") or {},
            topic_titles,
            fallback_language=languages[0],
        )
    except ValueError:  # a ContentError, or a malformed value from an action
        log.exception("cannot render answer %r", body.get("response"))
        raise web.HTTPInternalServerError(text="answer cannot be rendered") from None
    name = str(body.get("response"))
    request.app[METRICS].count_answer(name, language)
    # "Did that help?", CSAT or NPS with an answer that ends a topic or a contact.
    rendered = await request.app[ASKING].after_answer(name, tracker, language, rendered)
    return web.json_response(rendered.to_dict())


def message_language(tracker: Mapping[str, Any], languages: tuple[str, ...]) -> str | None:
    """The language the router decided for the latest message, if it sent one we speak."""
    metadata = (tracker.get("latest_message") or {}).get("metadata") or {}
    language = metadata.get("language")
    return str(language) if language in languages else None


def render(
    answers: AnswerBook,
    name: str,
    language: str,
    facts: Mapping[str, str],
    locale: Locale,
    arguments: Mapping[str, Any],
    slots: Mapping[str, Any],
    topic_titles: Mapping[str, Mapping[str, str]],
    fallback_language: str,
) -> Rendered:
    # Arguments from the action win over slots, slots over company facts.
    values = {
        **facts,
        **{k: v for k, v in slots.items() if v is not None},
        **written_out(arguments, locale),
    }
    rendered = answers.render(name, language, values, fallback_language)
    # An action may name topics to offer as buttons (the fallback's likeliest intents).
    topic_buttons = tuple(
        Button(titles[language], f"/{topic}")
        for topic in arguments.get("topics") or ()
        if (titles := topic_titles.get(str(topic))) and language in titles
    )
    return Rendered(rendered.text, rendered.buttons + topic_buttons)
