"""Button payloads come from an allow-list built from the domain; the rest is text."""

from __future__ import annotations

import pytest
import yaml

from bot.desk.api import CLOSED_INTENT
from bot.frustration import PAYLOAD as FRUSTRATED
from bot.payloads import Payloads, as_text
from core.content.answers import AnswerBook
from core.settings import Settings

SETTINGS = Settings()
PAYLOADS = Payloads.from_domain(
    SETTINGS.root / "domain.yml", [CLOSED_INTENT, FRUSTRATED.lstrip("/")]
)


def test_every_button_svar_shows_is_allowed() -> None:
    book = AnswerBook.load(SETTINGS.content_dir / "answers")
    payloads = {b.payload for a in book for _, _, v in a.each() for b in v.buttons}
    topics = yaml.safe_load((SETTINGS.content_dir / "topics.yml").read_text(encoding="utf-8"))
    payloads |= {f"/{topic}" for topic in topics}
    assert payloads
    assert [p for p in payloads if not PAYLOADS.allows(p)] == []


@pytest.mark.parametrize(
    "payload",
    [
        "/handoff_closed",  # only the desk ends a handoff
        "/frustrated",  # only the router decides that
        "/no_such_intent",
        '/inform{"not_an_entity": "x"}',
        '/inform{"customer_number": {"$gt": 1}}',
        '/inform{"customer_number": "' + "9" * 101 + '"}',
        '/inform{"customer_number": "1"',
        "/greet\n",
        "/greet{}x",
        "greet",
    ],
)
def test_anything_else_is_refused(payload: str) -> None:
    assert not PAYLOADS.allows(payload)


def test_a_refused_payload_reaches_rasa_as_text_never_as_an_intent() -> None:
    assert as_text('/request_callback{"phone_number": "99999999"}') == (
        'request_callback{"phone_number": "99999999"}'
    )
    assert as_text("//greet") == "greet"
    assert as_text("/") == "?"
    assert as_text("hei / hallo") == "hei / hallo"
