"""The channels customers write in, by the name conversations, metrics and reports carry."""

from __future__ import annotations

WEB = "web"  # the website chat
API = "api"  # the message API (POST /api/messages)
MESSENGER = "messenger"
TELEGRAM = "telegram"
CHANNELS = (WEB, API, MESSENGER, TELEGRAM)
