"""The front door's access log: one line per request, without its query string.

aiohttp's own access log writes each request line whole, and query strings carry secrets
and identifiers: the NLG token Rasa sends (`/nlg?token=`), the conversation of a chat socket
(`/ws?conversation=<id>`), Messenger's `hub.verify_token`. This one writes the method, the
path, the status, the size and the time taken; no query, no client address (personal data
under the GDPR), no user agent.
"""

from __future__ import annotations

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger


class AccessLogger(AbstractAccessLogger):
    """`GET /nlg 200 1234 B 0.012 s`: what was asked and how it went."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info(
            "%s %s %s %s B %.3f s",
            request.method,
            request.path,
            response.status,
            response.body_length,
            time,
        )
