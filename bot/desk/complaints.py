"""The desk's complaints: cases to answer in writing, the one due first first.

An agent takes a complaint (one agent wins) and writes the written answer in the desk: it goes
to the customer in the channel the complaint came in (Messenger within its rules, Telegram,
the web chat, where the customer finds it on the next visit) and by e-mail when the customer
gave an address. A refusal, whole or in part, must give its reasons: the charter says so.
"""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web
from telegram.error import TelegramError

from bot.channels.graph import GraphError
from bot.channels.window import WindowClosed
from bot.desk import relay, tasks
from bot.desk.auth import current_session, json_body
from bot.keys import ANSWERS, CLOCK, FACTS, MAILER, PROFILE, SETTINGS, STORES
from bot.mail import Mail, MailError
from bot.messages import Outbound, check_text
from store.complaints import Complaint, ComplaintError, Complaints, Decision

log = logging.getLogger(__name__)

# Flag a complaint this long before its deadline, while there is still time to answer it.
DUE_SOON_SECONDS = 24 * 3600
MAX_REASONS = 4000
EMAIL = "email"  # where an answer went, besides the complaint's own channel


def routes() -> list[web.RouteDef]:
    return [
        web.get("/desk/api/complaints", list_complaints),
        web.post("/desk/api/complaints/{id}/take", take),
        web.post("/desk/api/complaints/{id}/answer", answer),
    ]


async def list_complaints(request: web.Request) -> web.Response:
    return await tasks.list_open(
        request, "complaints", _store(request).pending, card, DUE_SOON_SECONDS
    )


async def take(request: web.Request) -> web.Response:
    session = await current_session(request, csrf=True)
    try:
        taken = await _store(request).take(request.match_info["id"], session.agent.username)
    except ComplaintError as error:
        raise web.HTTPConflict(reason=str(error)) from None
    return web.json_response(card(taken, request.app[CLOCK]().timestamp(), request.app))


async def answer(request: web.Request) -> web.Response:
    """`{"decision": "upheld"|"partly"|"refused", "text": ..., "reasons": ...}`: send the
    written answer, then keep the complaint as answered with where the answer went."""
    session = await current_session(request, csrf=True)
    body = await json_body(request)
    try:
        decision = Decision(str(body.get("decision") or ""))
    except ValueError:
        choices = ", ".join(d.value for d in Decision)
        raise web.HTTPBadRequest(reason=f"decision must be one of {choices}") from None
    text = check_text(body.get("text"), request.app[SETTINGS].max_message_chars)
    reasons = str(body.get("reasons") or "").strip()[:MAX_REASONS]
    if decision.needs_reasons and not reasons:
        raise web.HTTPBadRequest(reason="a refusal must give its reasons")
    store = _store(request)
    complaint = await store.get(request.match_info["id"])
    if complaint is None:
        raise web.HTTPNotFound(reason="no such complaint")
    me = session.agent.username
    if complaint.agent != me or complaint.answered_at is not None:
        raise web.HTTPConflict(reason="take the complaint before you answer it")
    delivered = await deliver(request.app, complaint, decision, text, reasons, session.agent.name)
    if not delivered:
        raise web.HTTPBadGateway(
            reason="the answer reached the customer neither in the chat nor by e-mail; "
            "send it by letter, or try again"
        )
    try:
        answered = await store.answer(complaint.id, me, decision, text, reasons, delivered)
    except ComplaintError as error:
        raise web.HTTPConflict(reason=str(error)) from None
    log.info("desk: %s answered complaint %s (%s)", me, complaint.case_number, decision.value)
    return web.json_response(card(answered, request.app[CLOCK]().timestamp(), request.app))


async def deliver(
    app: web.Application,
    complaint: Complaint,
    decision: Decision,
    text: str,
    reasons: str,
    agent_name: str,
) -> tuple[str, ...]:
    """Send the written answer in the complaint's channel and by e-mail when there is an
    address; where it went (none: it reached the customer nowhere)."""
    profile = app[PROFILE]
    language = complaint.language if complaint.language in profile.languages else None
    language = language or profile.default_language
    values = {
        **app[FACTS][language],
        "case": complaint.case_number,
        "answer": text,
        "reasons": reasons,
    }
    name = "utter_complaint_answer_refused" if decision.needs_reasons else "utter_complaint_answer"
    written = app[ANSWERS].render(name, language, values, profile.default_language)
    delivered: list[str] = []
    try:
        await relay.to_customer(
            app, complaint.conversation_id, Outbound(written.text, sender="agent"), agent_name
        )
        delivered.append(complaint.channel)
    except (relay.ChannelUnavailable, GraphError, WindowClosed, TelegramError) as error:
        log.warning("desk: complaint %s not sent in its channel: %s", complaint.case_number, error)
    if complaint.email:
        subject = app[ANSWERS].render(
            "utter_complaint_answer_subject", language, values, profile.default_language
        )
        try:
            await app[MAILER].send(Mail(complaint.email, subject.text, written.text))
            delivered.append(EMAIL)
        except MailError as error:
            log.warning("desk: complaint %s not mailed: %s", complaint.case_number, error)
    return tuple(delivered)


def card(complaint: Complaint, now: float, app: web.Application) -> dict[str, Any]:
    """What the desk shows of one complaint, with how urgent it is."""
    return {
        "id": complaint.id,
        "case_number": complaint.case_number,
        "topic": tasks.topic_title(app, complaint.topic),
        "text": complaint.text,
        "channel": complaint.channel,
        "language": complaint.language,
        "email": complaint.email,
        "conversation_id": complaint.conversation_id,
        "registered_at": complaint.registered_at,
        "answer_by": complaint.answer_by,
        "status": complaint.status_at(now).value,
        "agent": complaint.agent,
        "decision": complaint.decision.value if complaint.decision else None,
        "answered_at": complaint.answered_at,
        "delivered": list(complaint.delivered),
        **tasks.urgency(complaint.answered_at is None, complaint.answer_by, now, DUE_SOON_SECONDS),
    }


def _store(request: web.Request) -> Complaints:
    return request.app[STORES].complaints
