"""What the front door checks of a request before it trusts it: its JSON body, its Origin, and
for machine clients their bearer key or that they run on this machine."""

from __future__ import annotations

import hmac
import ipaddress
import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web


def json_object(body: bytes | str) -> dict[str, Any]:
    """The body as a JSON object, or 400."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise web.HTTPBadRequest(reason="the body is not valid JSON") from None
    if not isinstance(data, dict):
        raise web.HTTPBadRequest(reason="expected a JSON object")
    return data


async def json_body(request: web.Request, *, json_type_only: bool) -> dict[str, Any]:
    """The request's JSON object body. With `json_type_only`, a body not sent as
    `application/json` is refused (415): a form post from another site cannot send one, which
    is what protects cookie-authenticated calls; scripts may post JSON without the header."""
    if json_type_only and request.content_type != "application/json":
        raise web.HTTPUnsupportedMediaType(reason="send JSON (Content-Type: application/json)")
    return json_object(await request.read())


def check_origin(request: web.Request, allowed: Iterable[str], refusal: str) -> None:
    """A browser's request must come from this site or from one of the `allowed` origins;
    otherwise 403 with `refusal`. Requests without an Origin are not a browser's."""
    origin = request.headers.get("Origin")
    if origin is None:
        return  # not a browser: scripts and tests
    if origin in allowed or urlsplit(origin).netloc == request.host:
        return
    raise web.HTTPForbidden(reason=refusal)


def check_bearer_or_loopback(
    request: web.Request, key: str, *, wrong_key: str, not_loopback: str
) -> None:
    """With `key` set, `Authorization: Bearer <key>` (401 with `wrong_key` without it); with
    none set, clients on this machine only (401 with `not_loopback`)."""
    if key:
        sent = request.headers.get("Authorization", "")
        if hmac.compare_digest(sent.encode(), f"Bearer {key}".encode()):
            return
        reason = wrong_key
    elif is_loopback(request.remote):
        return
    else:
        reason = not_loopback
    raise web.HTTPUnauthorized(reason=reason, headers={"WWW-Authenticate": "Bearer"})


def is_loopback(address: str | None) -> bool:
    try:
        return address is not None and ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False
