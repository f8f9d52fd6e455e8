"""Typed keys for everything the front door's application shares between handlers."""

from __future__ import annotations

import asyncio

import aiohttp
from aiohttp import web

from bot.asking import Asking
from bot.channels.conversation_tokens import ConversationTokens
from bot.language import LanguageDetector
from bot.mail import Mailer
from bot.metrics import Metrics
from bot.rasa_client import RasaClient
from bot.router import Router
from core.calendar import BusinessCalendar
from core.clock import Clock
from core.company import CompanyProfile
from core.content.answers import AnswerBook
from core.content.locale import Locale
from core.settings import Settings
from store.rate_limits import RateLimits
from store.stores import Stores

SETTINGS = web.AppKey("settings", Settings)
PROFILE = web.AppKey("profile", CompanyProfile)
# The company's business calendar (opening hours, holidays), built once from the profile.
CALENDAR = web.AppKey("calendar", BusinessCalendar)
ANSWERS = web.AppKey("answers", AnswerBook)
FACTS = web.AppKey("facts", dict[str, dict[str, str]])
LOCALES = web.AppKey("locales", dict[str, Locale])
# Button titles per intent and language (content/topics.yml).
TOPICS = web.AppKey("topics", dict[str, dict[str, str]])
LANGUAGES = web.AppKey("languages", LanguageDetector)
# Every Redis record, over one client (store/stores.py).
STORES = web.AppKey("stores", Stores)
HTTP = web.AppKey("http", aiohttp.ClientSession)
RASA = web.AppKey("rasa", RasaClient)
ROUTER = web.AppKey("router", Router)
# Asks "did that help?", CSAT and NPS, and reads the answers (bot/asking.py).
ASKING = web.AppKey("asking", Asking)
# The time as the front door reads it (SVAR_CLOCK in tests and demos).
CLOCK: web.AppKey[Clock] = web.AppKey("clock")
# Counts of what each client did, shared by every front door (store/rate_limits.py).
LIMITS = web.AppKey("limits", RateLimits)
# Signs and checks the web chat's conversation tokens.
TOKENS = web.AppKey("conversation_tokens", ConversationTokens)
# Set while this front door receives what is published to the outboxes (bot/spool.py waits
# for it: an answer published while the listener reconnects would reach no socket).
OUTBOX_READY = web.AppKey("outbox_ready", asyncio.Event)
# Outgoing e-mail: SMTP, or the local mailbox folder (bot/mail.py).
MAILER: web.AppKey[Mailer] = web.AppKey("mailer")
# This process's operations counters, scraped at /metrics (bot/metrics.py).
METRICS = web.AppKey("metrics", Metrics)
