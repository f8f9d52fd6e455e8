"""What the front door checks of a request before it trusts it: its JSON body and its Origin."""

from __future__ import annotations

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
