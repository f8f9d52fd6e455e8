"""The desk's texts: one home in content/locale.yml, served in the agent's language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

from bot.app import create_app
from bot.desk.texts import desk_language, preferred
from core.card import Reason
from core.content.locale import Locale
from core.settings import Settings

WEB = Path(__file__).resolve().parents[3] / "bot" / "web"
PAGE = (WEB / "pages" / "desk.html").read_text(encoding="utf-8")
DESK_JS = (WEB / "static" / "desk.js").read_text(encoding="utf-8")
CALLBACKS_JS = (WEB / "static" / "desk-callbacks.js").read_text(encoding="utf-8")
COMMON_JS = (WEB / "static" / "desk-common.js").read_text(encoding="utf-8")
PRIVACY_JS = (WEB / "static" / "desk-privacy.js").read_text(encoding="utf-8")
COMPLAINTS_JS = (WEB / "static" / "desk-complaints.js").read_text(encoding="utf-8")
FOLLOW_UPS_JS = (WEB / "static" / "desk-follow-ups.js").read_text(encoding="utf-8")
LOCALES = Locale.load_all(Settings().content_dir / "locale.yml")
LANGUAGES = ("nb", "en")


@pytest.fixture
async def client(aiohttp_client, settings: Settings) -> TestClient:  # type: ignore[no-untyped-def]
    return await aiohttp_client(create_app(settings))


async def test_the_desk_gets_its_texts_in_the_browsers_language(client: TestClient) -> None:
    response = await client.get("/desk/texts", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert response.status == 200
    assert response.headers["Vary"] == "Accept-Language"
    body = await response.json()
    assert body["language"] == "en"
    assert body["desk"]["claim"] == "Take this chat"
    assert body["callbacks"]["take"] == "Call"
    assert body["privacy"]["erase"] == "Erase everything"
    # Every language the desk is written in, the company's first: an agent's own language.
    assert body["languages"][:2] == [
        {"code": "nb", "name": "Norsk"},
        {"code": "en", "name": "English"},
    ]
    assert {"code": "fi", "name": "Suomi"} in body["languages"]
    assert {"code": "sv", "name": "Svenska"} in body["languages"]

    norwegian = await (
        await client.get("/desk/texts", headers={"Accept-Language": "nb-NO,nb;q=0.9"})
    ).json()
    assert norwegian["language"] == "nb"
    assert norwegian["desk"]["claim"] == "Ta chatten"
    assert norwegian["callbacks"]["take"] == "Ring"


async def test_the_agents_pick_wins_and_without_one_the_company_language_is_the_default(
    client: TestClient,
) -> None:
    picked = await client.get("/desk/texts?lang=en", headers={"Accept-Language": "nb-NO"})
    assert (await picked.json())["desk"]["log_in"] == "Log in"
    unknown = await client.get("/desk/texts?lang=de", headers={"Accept-Language": "de-DE,fr"})
    assert (await unknown.json())["desk"]["log_in"] == "Logg inn"
    bare = await client.get("/desk/texts", skip_auto_headers=["Accept-Language"])
    assert (await bare.json())["language"] == "nb"


async def test_an_agent_reads_the_desk_in_their_own_language_whatever_the_company_serves(
    client: TestClient,
) -> None:
    # The Norwegian company serves nb and en; its agents may read Swedish or Finnish.
    swedish = await (await client.get("/desk/texts?lang=sv")).json()
    assert (swedish["language"], swedish["desk"]["log_in"]) == ("sv", "Logga in")
    finnish = await (await client.get("/desk/texts", headers={"Accept-Language": "fi-FI"})).json()
    assert (finnish["language"], finnish["desk"]["log_in"]) == ("fi", "Kirjaudu")


@pytest.mark.parametrize(
    ("chosen", "header", "expected"),
    [
        ("", "en-GB,en;q=0.8", "en"),
        ("", "de-DE,en;q=0.5,nb;q=0.7", "nb"),  # by quality, not by order
        ("", "sv-SE, no;q=0.9", "nb"),  # "no" (Norwegian) is served as Bokmål
        ("", "nn-NO", "nb"),
        ("", "fr, *;q=0.1", "nb"),  # nothing supported: the company's first language
        ("", "en;q=0, nb;q=0.1", "nb"),  # q=0 means "not this one"
        ("", "", "nb"),
        ("en", "nb-NO", "en"),  # the desk's switch
        ("fi", "en-US", "en"),  # a pick the company does not support is ignored
    ],
)
def test_the_desks_language_rule(chosen: str, header: str, expected: str) -> None:
    assert desk_language(chosen, header, LANGUAGES) == expected


def test_accept_language_is_read_most_wanted_first() -> None:
    assert preferred("da, en-GB;q=0.8, en;q=0.7, nb;q=0.9") == ["da", "nb", "en-gb", "en"]
    assert preferred("en;q=bad, nb") == ["nb"]


def _page_keys(attribute: str) -> set[str]:
    return set(re.findall(rf'{attribute}="(\w+)"', PAGE))


def _script_keys(script: str, name: str = "T") -> set[str]:
    return set(re.findall(rf"\b{name}\.(\w+)", script)) | set(
        re.findall(rf'\b{name}\["(\w+)"\]', script)
    )


def test_every_text_the_desk_page_uses_is_in_the_locale_file_in_every_language() -> None:
    desk = _page_keys("data-text") | _page_keys("data-label") | _script_keys(DESK_JS)
    desk |= {f"reason_{reason.value}" for reason in Reason}  # T["reason_" + h.reason]
    desk |= {f"window_{w}" for w in ("open", "human_agent", "closed")}  # T["window_" + ...]
    desk |= {"customer", "bot", "agent", "system", "desk_language"}  # roles; the switch
    callbacks = _page_keys("data-cb-text") | _script_keys(CALLBACKS_JS) | _script_keys(COMMON_JS)
    # The complaints and follow-ups panels take their time units from the callbacks' texts (U).
    callbacks |= _script_keys(COMPLAINTS_JS, "U") | _script_keys(FOLLOW_UPS_JS, "U")
    callbacks |= _script_keys(COMMON_JS, "U")  # SvarDesk.deadlineList's countdown
    complaints = _page_keys("data-cp-text") | _script_keys(COMPLAINTS_JS)
    complaints |= {"upheld", "partly", "refused"}  # T[value] of the decision's options
    follow_ups = _page_keys("data-fu-text") | _script_keys(FOLLOW_UPS_JS)
    privacy = _page_keys("data-pd-text") | _script_keys(PRIVACY_JS)
    assert {"claim", "title", "chats", "reason", "queued_for"} <= desk  # the scan finds them
    assert {"callbacks", "take", "days"} <= callbacks
    assert {"title", "erase", "confirm", "erased"} <= privacy
    assert {"complaints", "reasons", "case"} <= complaints and {"done", "case"} <= follow_ups
    for language, locale in LOCALES.items():
        assert desk - set(locale.texts("desk")) == set(), language
        assert callbacks - set(locale.texts("desk_callbacks")) == set(), language
        assert privacy - set(locale.texts("desk_privacy")) == set(), language
        assert complaints - set(locale.texts("desk_complaints")) == set(), language
        assert follow_ups - set(locale.texts("desk_follow_ups")) == set(), language


def test_no_desk_text_is_written_out_in_the_page_or_its_scripts() -> None:
    """content/locale.yml is the texts' only home: no second copy to drift apart."""
    code = {"desk.html": PAGE, "desk.js": DESK_JS, "desk-callbacks.js": CALLBACKS_JS}
    code["desk-common.js"] = COMMON_JS
    code["desk-privacy.js"] = PRIVACY_JS
    code["desk-complaints.js"] = COMPLAINTS_JS
    code["desk-follow-ups.js"] = FOLLOW_UPS_JS
    for locale in LOCALES.values():
        sections = ("desk", "desk_callbacks", "desk_complaints", "desk_follow_ups", "desk_privacy")
        for text in [t for section in sections for t in locale.texts(section).values()]:
            for name, source in code.items():
                written = (f'"{text}"', f"'{text}'", f">{text}<", f'="{text}"')
                assert not any(w in source for w in written), f"{text!r} is written in {name}"
    assert "TEXTS" not in DESK_JS + CALLBACKS_JS + PRIVACY_JS
    assert "navigator.language" not in DESK_JS + CALLBACKS_JS + COMMON_JS + PRIVACY_JS
