"""Settings of the front door, read once from the environment in `main()` and passed down."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from core.redis_address import redis_url_from_env

ROOT = Path(__file__).resolve().parent.parent
# Where `make run` leaves the URL of the Redis it started (with its password, readable by the
# owner only), so that the project's commands reach the running stack's Redis by themselves.
RUNNING_REDIS_FILE = "redis-url"
# The secret that signs web-chat conversation tokens, made at first start when
# SVAR_CONVERSATION_SECRET is unset and kept here (owner only) so that a restart keeps chats.
CONVERSATION_SECRET_FILE = "conversation-secret"


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    redis_url: str = "redis://127.0.0.1:6379/0"
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str = ""
    actions_url: str = "http://127.0.0.1:5055"
    nlg_token: str = ""
    rasa_timeout: float = 15.0
    max_message_chars: int = 4000
    max_body_bytes: int = 64 * 1024
    # Origins allowed to open the web-chat WebSocket besides the front door's own.
    allowed_origins: frozenset[str] = field(default_factory=frozenset)
    # Messenger is on when all three secrets are set; Telegram when its bot token is: by
    # webhook with a public URL (and its secret), else by long polling (README: "Connect ...").
    messenger_page_token: str = field(default="", repr=False)
    messenger_app_secret: str = field(default="", repr=False)
    messenger_verify_token: str = field(default="", repr=False)
    graph_api_url: str = "https://graph.facebook.com/v19.0"
    # The Send API's retry waits: the first, doubling up to the longest (tests shorten them).
    graph_backoff: float = 0.5
    graph_max_backoff: float = 8.0
    telegram_token: str = field(default="", repr=False)
    telegram_webhook_secret: str = field(default="", repr=False)
    telegram_public_url: str = ""
    telegram_api_url: str = "https://api.telegram.org"
    # A webhook delivery may batch many events: more than one chat message, still bounded.
    max_webhook_bytes: int = 1024 * 1024
    root: Path = ROOT
    # An ISO time the clock starts at (tests and demos); empty: the real time.
    clock_start: str = ""
    # Signs the web chat's conversation tokens (HMAC); empty: one made for this process only.
    conversation_secret: str = field(default="", repr=False)
    # `POST /api/messages` needs `Authorization: Bearer <key>`; empty: loopback clients only.
    api_key: str = field(default="", repr=False)
    # `GET /metrics` needs `Authorization: Bearer <token>`; empty: loopback clients only.
    metrics_token: str = field(default="", repr=False)
    # The widget forgets a conversation idle this long (a shared computer's next user).
    widget_idle_seconds: int = 24 * 3600
    # Limits ("<count>/<period>", the `limits` library's notation), counted in Redis so that
    # every front door shares them (docs/limits.md).
    limit_messages_per_ip: str = "120/minute"
    limit_messages_per_conversation: str = "30/minute"
    limit_socket_opens_per_ip: str = "30/minute"
    limit_new_conversations_per_ip: str = "20/hour"
    limit_logins_per_ip: str = "20/15minutes"
    limit_logins_per_username_and_ip: str = "10/15minutes"
    # Handoffs and callback promises one client may start (a web chat's address; elsewhere
    # its conversation): a script cannot fill the queue or have agents call strangers.
    limit_handoffs_per_client: str = "20/day"
    limit_callbacks_per_client: str = "10/day"
    # Where messages wait on local disk while Redis is away (bot/spool.py), and how many at most.
    spool_dir: Path = ROOT / ".state" / "spool"
    spool_max: int = 10_000
    # How often an open desk socket checks that its session still holds.
    session_recheck_seconds: float = 30.0
    # Outgoing mail (bot/mail.py): an SMTP server, or with none, .eml files in `mailbox_dir`.
    smtp_url: str = field(default="", repr=False)
    mailbox_dir: Path = ROOT / ".state" / "mailbox"
    # Webhook events a front door read and did not finish (it died) are taken over by a
    # running one after this long: longer than any processing takes (bot/channels/inbox.py).
    inbox_claim_after_seconds: float = 120.0
    # Telegram long polling runs in one front door at a time, the holder of a lease in Redis
    # it renews at every poll: when it dies, another takes polling over after this long.
    telegram_poll_lease_seconds: float = 30.0

    # The company's content (profile, answers, texts): `content/` under the root unless
    # SVAR_CONTENT names another folder (another company's, or a test's copy).
    content: Path | None = None

    @property
    def content_dir(self) -> Path:
        return self.content or self.root / "content"

    @property
    def limit_rules(self) -> dict[str, str]:
        """Every limit by its name (store/rate_limits.py), e.g. "messages_per_ip": "120/minute"."""
        return {
            "messages_per_ip": self.limit_messages_per_ip,
            "messages_per_conversation": self.limit_messages_per_conversation,
            "socket_opens_per_ip": self.limit_socket_opens_per_ip,
            "new_conversations_per_ip": self.limit_new_conversations_per_ip,
            "logins_per_ip": self.limit_logins_per_ip,
            "logins_per_username_and_ip": self.limit_logins_per_username_and_ip,
            "handoffs_per_client": self.limit_handoffs_per_client,
            "callbacks_per_client": self.limit_callbacks_per_client,
        }

    @property
    def nlu_dir(self) -> Path:
        return self.root / "data" / "nlu"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        default = cls()
        return cls(
            host=env.get("SVAR_HOST", default.host),
            port=int(env.get("SVAR_PORT", default.port)),
            redis_url=redis_url_from_env(env) or running_redis_url(env) or default.redis_url,
            rasa_url=env.get("RASA_URL", default.rasa_url).rstrip("/"),
            rasa_token=env.get("RASA_TOKEN", ""),
            actions_url=env.get("ACTIONS_URL", default.actions_url).rstrip("/"),
            nlg_token=env.get("SVAR_NLG_TOKEN", ""),
            rasa_timeout=float(env.get("SVAR_RASA_TIMEOUT", default.rasa_timeout)),
            max_message_chars=int(env.get("SVAR_MAX_MESSAGE_CHARS", default.max_message_chars)),
            allowed_origins=frozenset(
                o.strip() for o in env.get("SVAR_ALLOWED_ORIGINS", "").split(",") if o.strip()
            ),
            messenger_page_token=env.get("MESSENGER_PAGE_TOKEN", ""),
            messenger_app_secret=env.get("MESSENGER_APP_SECRET", ""),
            messenger_verify_token=env.get("MESSENGER_VERIFY_TOKEN", ""),
            graph_api_url=env.get("GRAPH_API_URL", default.graph_api_url).rstrip("/"),
            telegram_token=env.get("TELEGRAM_BOT_TOKEN", ""),
            telegram_webhook_secret=env.get("TELEGRAM_WEBHOOK_SECRET", ""),
            telegram_public_url=env.get("TELEGRAM_PUBLIC_URL", "").rstrip("/"),
            telegram_api_url=env.get("TELEGRAM_API_URL", default.telegram_api_url).rstrip("/"),
            max_webhook_bytes=int(env.get("SVAR_MAX_WEBHOOK_BYTES", default.max_webhook_bytes)),
            root=Path(env.get("SVAR_ROOT", str(ROOT))),
            content=Path(env["SVAR_CONTENT"]) if env.get("SVAR_CONTENT") else None,
            clock_start=env.get("SVAR_CLOCK", ""),
            conversation_secret=env.get("SVAR_CONVERSATION_SECRET")
            or _state_file(env, CONVERSATION_SECRET_FILE)
            or "",
            api_key=env.get("SVAR_API_KEY", ""),
            metrics_token=env.get("SVAR_METRICS_TOKEN", ""),
            widget_idle_seconds=int(
                env.get("SVAR_WIDGET_IDLE_SECONDS", default.widget_idle_seconds)
            ),
            limit_messages_per_ip=env.get(
                "SVAR_LIMIT_MESSAGES_PER_IP", default.limit_messages_per_ip
            ),
            limit_messages_per_conversation=env.get(
                "SVAR_LIMIT_MESSAGES_PER_CONVERSATION", default.limit_messages_per_conversation
            ),
            limit_socket_opens_per_ip=env.get(
                "SVAR_LIMIT_SOCKET_OPENS_PER_IP", default.limit_socket_opens_per_ip
            ),
            limit_new_conversations_per_ip=env.get(
                "SVAR_LIMIT_NEW_CONVERSATIONS_PER_IP", default.limit_new_conversations_per_ip
            ),
            limit_logins_per_ip=env.get("SVAR_LIMIT_LOGINS_PER_IP", default.limit_logins_per_ip),
            limit_logins_per_username_and_ip=env.get(
                "SVAR_LIMIT_LOGINS_PER_USERNAME_AND_IP", default.limit_logins_per_username_and_ip
            ),
            limit_handoffs_per_client=env.get(
                "SVAR_LIMIT_HANDOFFS_PER_CLIENT", default.limit_handoffs_per_client
            ),
            limit_callbacks_per_client=env.get(
                "SVAR_LIMIT_CALLBACKS_PER_CLIENT", default.limit_callbacks_per_client
            ),
            spool_dir=state_dir(env) / "spool",
            spool_max=int(env.get("SVAR_SPOOL_MAX", default.spool_max)),
            session_recheck_seconds=float(
                env.get("SVAR_SESSION_RECHECK_SECONDS", default.session_recheck_seconds)
            ),
            smtp_url=env.get("SMTP_URL", ""),
            mailbox_dir=state_dir(env) / "mailbox",
            inbox_claim_after_seconds=float(
                env.get("SVAR_INBOX_CLAIM_AFTER_SECONDS", default.inbox_claim_after_seconds)
            ),
            telegram_poll_lease_seconds=float(
                env.get("SVAR_TELEGRAM_POLL_LEASE_SECONDS", default.telegram_poll_lease_seconds)
            ),
        )


def running_redis_url(env: Mapping[str, str]) -> str | None:
    """The URL of the private Redis a running `make run` started, if there is one."""
    return _state_file(env, RUNNING_REDIS_FILE)


def state_dir(env: Mapping[str, str]) -> Path:
    """`.state/` (SVAR_STATE): models, Redis data, logs and the generated secrets."""
    return Path(env.get("SVAR_STATE", str(Path(env.get("SVAR_ROOT", str(ROOT))) / ".state")))


def _state_file(env: Mapping[str, str], name: str) -> str | None:
    try:
        return (state_dir(env) / name).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None
