"""The front door's web pages and static files (the chat widget, the agent desk)."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

STATIC = Path(__file__).parent / "static"
PAGES = Path(__file__).parent / "pages"


def page(name: str) -> web.Response:
    """A page from `pages/`, served with headers that keep it from being framed or sniffed."""
    return web.Response(
        body=(PAGES / name).read_bytes(),
        content_type="text/html",
        charset="utf-8",
        headers=SECURITY_HEADERS,
    )


SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
