"""The desk's texts in the agent's language: `GET /desk/texts[?lang=en]`.

Every text the desk page shows lives in content/locale.yml (`desk:`, `desk_callbacks:`,
`desk_complaints:`, `desk_follow_ups:`, `desk_privacy:`, `desk_insights:`), in every language of the company profile; the page's scripts fetch them
from here before they show anything. The language: the one the agent picked with the desk's
switch (`lang`), else the first of the browser's `Accept-Language` the company supports, else
the company's first language (docs/handoff.md, "The desk's language").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict

from aiohttp import web

from bot.keys import LOCALES, PROFILE

# Tags a browser may send for a language the company lists under another code.
ALIASES = {"no": "nb", "nn": "nb"}


class Language(TypedDict):
    code: str
    name: str  # in the language itself, for the switch: "Norsk", "English"


class DeskTexts(TypedDict):
    language: str
    languages: list[Language]
    desk: dict[str, str]
    callbacks: dict[str, str]
    complaints: dict[str, str]
    follow_ups: dict[str, str]
    privacy: dict[str, str]  # the supervisors' personal-data panel
    insights: dict[str, str]  # the supervisors' insights page


def routes() -> list[web.RouteDef]:
    return [web.get("/desk/texts", texts)]


async def texts(request: web.Request) -> web.Response:
    """The desk's texts in the agent's language, and the languages the switch offers."""
    supported = request.app[PROFILE].languages
    locales = request.app[LOCALES]
    language = desk_language(
        request.query.get("lang", ""), request.headers.get("Accept-Language", ""), supported
    )
    locale = locales[language]
    body: DeskTexts = {
        "language": language,
        "languages": [
            {"code": code, "name": _capitalised(locales[code].language_name(code))}
            for code in supported
        ],
        "desk": locale.texts("desk"),
        "callbacks": locale.texts("desk_callbacks"),
        "complaints": locale.texts("desk_complaints"),
        "follow_ups": locale.texts("desk_follow_ups"),
        "privacy": locale.texts("desk_privacy"),
        "insights": locale.texts("desk_insights"),
    }
    return web.json_response(body, headers={"Cache-Control": "no-cache", "Vary": "Accept-Language"})


def desk_language(chosen: str, accept_language: str, supported: Sequence[str]) -> str:
    """The agent's choice when the company supports it, else the browser's most preferred
    supported language (`Accept-Language`, by q-value), else the company's first."""
    if chosen in supported:
        return chosen
    for tag in preferred(accept_language):
        primary = tag.split("-")[0]
        for code in (tag, primary, ALIASES.get(primary, "")):
            if code in supported:
                return code
    return supported[0]


def preferred(accept_language: str) -> list[str]:
    """The language tags of an `Accept-Language` header, most wanted first, lowercase."""
    weighted = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and tag != "*" and quality > 0:
            weighted.append((-quality, position, tag.strip().lower()))
    return [tag for _, _, tag in sorted(weighted)]


def _capitalised(name: str) -> str:
    return name[:1].upper() + name[1:]
