"""What every platform webhook does before it trusts a request: bound the body, check a secret."""

from __future__ import annotations

import hashlib
import hmac

from aiohttp import web


async def read_limited(request: web.Request, limit: int) -> bytes:
    """The raw body, refused with 413 once it is over `limit` bytes (declared or actually sent).

    Webhook bodies get their own limit: a platform batches many events into one delivery.
    """
    if request.content_length is not None and request.content_length > limit:
        raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=request.content_length)
    body = bytearray()
    async for chunk in request.content.iter_chunked(64 * 1024):
        body += chunk
        if len(body) > limit:
            raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=len(body))
    return bytes(body)


def signature_matches(body: bytes, header: str | None, secret: str) -> bool:
    """True when `header` is `sha256=<hex HMAC-SHA256 of body with secret>` (X-Hub-Signature-256),
    compared in constant time."""
    if not header or not secret:
        return False
    scheme, _, given = header.partition("=")
    if scheme != "sha256":
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), given.strip().lower().encode())


def secret_matches(given: str | None, secret: str) -> bool:
    """A shared secret sent in a header, compared in constant time."""
    if not given or not secret:
        return False
    return hmac.compare_digest(given.encode(), secret.encode())


class ChannelConfigError(ValueError):
    """A channel is configured halfway: some of its secrets are set, others are missing."""
