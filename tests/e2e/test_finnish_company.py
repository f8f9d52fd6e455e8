"""The Finnish example company end to end: the whole stack started with one setting,
`SVAR_COMPANY=content/companies/kuusivirta.yml`, on Friday 3 December 2027, the last workday
before Finland's Independence Day (Monday 6 December). Customers write in Finnish and Swedish,
and get the company's hours, its outage feed and a callback promise for Tuesday."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from tests.helpers import RunningStack, post, start_stack, texts

pytestmark = pytest.mark.stack

FINNISH_DB = 15
FRIDAY = "2027-12-03T14:30:00+02:00"  # Helsinki, open until 16.00
COMPANY = "content/companies/kuusivirta.yml"
# Written out by hand from content/companies/kuusivirta.yml, its outage feed and Finland's
# calendar: never rendered by the code under test.
PHONE = "+358 20 690 1000"
HOURS_FI = "maanantai–perjantai klo 8.00–16.00"
OUTAGE_AREA = "Kluuvi, Kaartinkaupunki"
OUTAGE_CAUSE_SV = "ett fel i en jordkabel"
GRID_COMPANY = "Lähiverkko"
TUESDAY_FI = "tiistai 7. joulukuuta klo 16.00"  # Monday 6 December is Independence Day
CALLBACK_TURNS = [
    "voisitteko soittaa minulle huomenna",
    "Liisa Korhonen",
    "040 123 4567",
    "muutto uuteen asuntoon",
]


@pytest.fixture(scope="module")
def finnish_stack(
    redis_server: str, trained_model: object, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningStack]:
    logs = tmp_path_factory.mktemp("finnish-logs")
    env = {"SVAR_CLOCK": FRIDAY, "SVAR_COMPANY": COMPANY}
    yield from start_stack(redis_server, FINNISH_DB, logs, env)


def sender() -> str:
    return f"fi-{uuid.uuid4().hex[:8]}"


async def test_finnish_opening_hours_come_from_the_finnish_profile(
    finnish_stack: RunningStack,
) -> None:
    body = await post(finnish_stack, sender(), "milloin olette auki?")
    assert body["language"] == "fi"
    said = texts(body)[-1]
    assert said.startswith("Olemme nyt auki, klo 16.00 asti."), said
    assert PHONE in said and HOURS_FI in said, said


async def test_a_swedish_outage_report_gets_the_outage_from_the_company_s_feed_in_swedish(
    finnish_stack: RunningStack,
) -> None:
    body = await post(finnish_stack, sender(), "strömmen har gått i 00100")
    assert body["language"] == "sv"
    said = texts(body)[-1]
    assert said.startswith(f"Ja, det är strömavbrott i {OUTAGE_AREA}."), said
    assert f"Orsaken är {OUTAGE_CAUSE_SV}." in said and GRID_COMPANY in said, said


async def test_a_callback_asked_for_on_the_friday_before_independence_day_is_due_on_tuesday(
    finnish_stack: RunningStack,
) -> None:
    customer = sender()
    for turn in CALLBACK_TURNS:
        body = await post(finnish_stack, customer, turn)
        assert body["language"] == "fi", texts(body)
    any_time = body["messages"][-1]["buttons"][0]
    body = await post(finnish_stack, customer, any_time["title"], payload=any_time["payload"])
    promise = texts(body)[0]
    assert promise.startswith(
        f"Kiitos! Soitamme sinulle numeroon 040 1234567 viimeistään {TUESDAY_FI}."
    ), promise
    assert f"Soitamme numerosta {PHONE}." in promise
