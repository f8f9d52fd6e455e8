"""The front door's application factory: assembles routes and resources, nothing more."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
import yaml
from aiohttp import web

from bot import desk, frustration, health, metrics_endpoint, nlg, notice, retention_sweep
from bot.asking import Asking
from bot.channels import messenger, telegram, webchat
from bot.channels.conversation_tokens import ConversationTokens
from bot.desk.api import CLOSED_INTENT
from bot.keys import (
    ANSWERS,
    ASKING,
    CALENDAR,
    CLOCK,
    FACTS,
    HTTP,
    LANGUAGES,
    LIMITS,
    LOCALES,
    MAILER,
    METRICS,
    PROFILE,
    RASA,
    ROUTER,
    SETTINGS,
    STORES,
    TOKENS,
    TOPICS,
)
from bot.language import LanguageDetector
from bot.mail import mailer
from bot.messages import MessageError, MessageTooLong
from bot.metrics import Metrics
from bot.payloads import Payloads
from bot.rasa_client import RasaClient
from bot.router import Router
from bot.spool import REDIS_AWAY, spool_ctx
from core.clock import clock_starting
from core.company import CompanyProfile
from core.content.answers import AnswerBook
from core.content.facts import company_facts
from core.content.locale import Locale
from core.settings import Settings
from store.rate_limits import RateLimits
from store.stores import Stores

log = logging.getLogger(__name__)


def create_app(settings: Settings) -> web.Application:
    app = web.Application(client_max_size=settings.max_body_bytes, middlewares=[errors_as_json])
    app[SETTINGS] = settings
    app[CLOCK] = clock_starting(settings.clock_start)
    app[TOKENS] = ConversationTokens(settings.conversation_secret)
    app[METRICS] = Metrics()
    load_content(app, settings)
    app[MAILER] = mailer(settings.smtp_url, settings.mailbox_dir, app[PROFILE].email)
    app.cleanup_ctx.extend([_redis, _http, _router, spool_ctx, retention_sweep.sweeper])
    health.setup_routes(app)
    metrics_endpoint.setup_routes(app)
    nlg.setup_routes(app)
    webchat.setup_routes(app)
    notice.setup_routes(app)
    messenger.setup_routes(app)
    telegram.setup_routes(app)
    desk.setup_routes(app)
    return app


def load_content(app: web.Application, settings: Settings) -> None:
    """Company profile, answers and language model: read once, at start-up."""
    profile = CompanyProfile.load(settings.content_dir / "company.yml")
    locales = Locale.load_all(settings.content_dir / "locale.yml")
    app[PROFILE] = profile
    app[CALENDAR] = profile.calendar()
    app[LOCALES] = locales
    app[ANSWERS] = AnswerBook.load(settings.content_dir / "answers")
    app[TOPICS] = yaml.safe_load((settings.content_dir / "topics.yml").read_text(encoding="utf-8"))
    app[FACTS] = {lang: company_facts(profile, locales[lang]) for lang in profile.languages}
    app[LANGUAGES] = LanguageDetector.from_training_data(profile.languages, settings.nlu_dir)


# Headers of an HTTP error that tell the caller what to do next.
_KEPT_HEADERS = ("WWW-Authenticate", "Retry-After")


@web.middleware
async def errors_as_json(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Clear JSON errors for API callers; the unexpected is logged with its traceback."""
    try:
        return await handler(request)
    except MessageTooLong as error:
        return web.json_response({"error": str(error)}, status=413)
    except MessageError as error:
        return web.json_response({"error": str(error)}, status=400)
    except REDIS_AWAY:
        log.exception("redis away on %s %s", request.method, request.path)
        return web.json_response(
            {"error": "we can't answer right now; try again in a little while"},
            status=503,
            headers={"Retry-After": "5"},
        )
    except web.HTTPRequestEntityTooLarge:
        return web.json_response({"error": "the request is too large"}, status=413)
    except web.HTTPException as error:
        if error.status < 400:
            raise
        kept = {h: error.headers[h] for h in _KEPT_HEADERS if h in error.headers}
        return web.json_response({"error": error.reason}, status=error.status, headers=kept)
    except Exception:
        log.exception("unexpected error on %s %s", request.method, request.path)
        return web.json_response({"error": "internal error"}, status=500)


async def _redis(app: web.Application) -> AsyncIterator[None]:
    stores = Stores.connect(app[SETTINGS].redis_url, app[CLOCK], app[PROFILE].retention)
    app[STORES] = stores
    app[LIMITS] = RateLimits(stores.redis, app[SETTINGS].limit_rules)
    yield
    await stores.close()


async def _http(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    app[HTTP] = aiohttp.ClientSession()
    app[RASA] = RasaClient(app[HTTP], settings.rasa_url, settings.rasa_token, settings.rasa_timeout)
    yield
    await app[HTTP].close()


async def _router(app: web.Application) -> AsyncIterator[None]:
    payloads = Payloads.from_domain(
        app[SETTINGS].root / "domain.yml", [CLOSED_INTENT, frustration.PAYLOAD.lstrip("/")]
    )
    profile = app[PROFILE]
    app[ASKING] = Asking(
        app[STORES],
        app[ANSWERS],
        app[FACTS],
        app[TOPICS],
        profile.surveys,
        app[CLOCK],
        profile.default_language,
    )
    app[ROUTER] = Router(
        app[STORES],
        app[RASA],
        app[LANGUAGES],
        app[ANSWERS],
        app[FACTS],
        payloads,
        app[METRICS],
        app[ASKING],
        app[CLOCK],
    )
    yield
