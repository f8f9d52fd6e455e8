"""A complaint made over Messenger as a case in the desk: listed with its deadline, answered in
writing by an agent, the answer sent with the Send API (the fake Graph API) and by e-mail (a
real SMTP server on loopback), and counted kept or late by the promise report. Rasa is down:
the complaint is registered as action_register_complaint registers it."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime

import pytest
from aiohttp.test_utils import TestClient
from redis.asyncio import Redis

from bot.app import create_app
from bot.channels.messenger import MESSENGER
from bot.reports.promises import collect
from core.settings import Settings
from store.callbacks import Callbacks
from store.complaints import Complaint, Complaints, new_complaint
from store.follow_ups import FollowUps
from tests.channels.conftest import desk_login, drained, post_delivery, with_messenger
from tests.fakes import graph_api as fb
from tests.fakes.graph_api import FakeGraphAPI
from tests.helpers import OSLO, SmtpInbox

# The desk answers on Wednesday 25 November at 10:00.
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=OSLO)
# Made on Tuesday at 10:00: three whole workdays, so by Friday 27 November at closing.
MADE = datetime(2026, 11, 24, 10, 0, tzinfo=OSLO)
ANSWER_BY = datetime(2026, 11, 27, 16, 0, tzinfo=OSLO)
# One made the Wednesday before, due Monday 23 November at closing: late by now.
MADE_EARLIER = datetime(2026, 11, 18, 10, 0, tzinfo=OSLO)
WAS_DUE = datetime(2026, 11, 23, 16, 0, tzinfo=OSLO)
WORDS = "Jeg vil klage på regningen, den er alt for høy. Svar meg på kari.n@example.no"
ANSWER = "Vi har sjekket måleren. Du har rett, og vi trekker 200 kroner fra neste regning."


@pytest.fixture
async def desk(  # type: ignore[no-untyped-def]
    aiohttp_client,
    settings: Settings,
    graph_api: FakeGraphAPI,
    smtp_server: tuple[str, SmtpInbox],
    redis_client: Redis,
) -> TestClient:
    """A front door with Messenger on, mail to the loopback SMTP server, on Wednesday."""
    changed = dataclasses.replace(
        with_messenger(settings, graph_api), clock_start=NOW.isoformat(), smtp_url=smtp_server[0]
    )
    return await aiohttp_client(create_app(changed))


async def complaint_over_messenger(
    client: TestClient, redis: Redis, made: datetime = MADE, answer_by: datetime = ANSWER_BY
) -> Complaint:
    """The customer complains over Messenger; the complaint is registered as the action does."""
    psid = str(uuid.uuid4().int)[:16]
    assert (await post_delivery(client, fb.delivery([fb.text_event(psid, WORDS)]))).status == 200
    await drained(client.app[MESSENGER].inbox)
    return await Complaints(redis).add(
        new_complaint(
            f"fb:{psid}", "messenger", "nb", WORDS, made.timestamp(), answer_by.timestamp(),
            email="kari.n@example.no",
        )
    )  # fmt: skip


async def report(redis: Redis):  # type: ignore[no-untyped-def]
    stores = (Callbacks(redis), Complaints(redis), FollowUps(redis))
    start, end = datetime(2026, 11, 1, tzinfo=OSLO), datetime(2026, 12, 1, tzinfo=OSLO)
    return (await collect(stores, start.timestamp(), end.timestamp(), NOW.timestamp())).complaints


async def test_a_messenger_complaint_is_listed_answered_in_messenger_and_by_mail_and_kept(
    desk: TestClient,
    redis_client: Redis,
    graph_api: FakeGraphAPI,
    smtp_server: tuple[str, SmtpInbox],
) -> None:
    complaint = await complaint_over_messenger(desk, redis_client)
    headers = await desk_login(desk, redis_client)
    listed = (await (await desk.get("/desk/api/complaints", headers=headers)).json())["complaints"]
    (shown,) = listed
    assert shown["case_number"] == "K-000001" and shown["channel"] == "messenger"
    assert shown["answer_by"] == ANSWER_BY.timestamp()
    assert (shown["status"], shown["overdue"], shown["email"]) == (
        "open",
        False,
        "kari.n@example.no",
    )
    assert "alt for høy" in shown["text"]

    took = await desk.post(f"/desk/api/complaints/{complaint.id}/take", headers=headers)
    assert took.status == 200
    sent_before = len(graph_api.messages(complaint.conversation_id.removeprefix("fb:")))
    answered = await desk.post(
        f"/desk/api/complaints/{complaint.id}/answer",
        json={"decision": "upheld", "text": ANSWER},
        headers=headers,
    )
    assert answered.status == 200, await answered.text()
    assert (await answered.json())["delivered"] == ["messenger", "email"]

    written = f"Svar på klagen din, sak K-000001:\n{ANSWER}"
    calls = graph_api.messages(complaint.conversation_id.removeprefix("fb:"))[sent_before:]
    (call,) = calls
    assert call.text == written and call.body["messaging_type"] == "RESPONSE"
    (mail,) = smtp_server[1].mails
    assert mail["To"] == "kari.n@example.no" and mail["From"] == "kundeservice@straumen.example"
    assert mail["Subject"] == "Svar på klagen din, sak K-000001"
    assert mail.get_content().splitlines() == written.splitlines()

    still = (await (await desk.get("/desk/api/complaints", headers=headers)).json())["complaints"]
    assert still == []  # answered: off the list
    counted = await report(redis_client)
    assert (counted.kept, counted.late, counted.missed, counted.not_yet_due) == (1, 0, 0, 0)


async def test_a_complaint_past_its_deadline_shows_late_and_counts_late_when_answered(
    desk: TestClient, redis_client: Redis
) -> None:
    complaint = await complaint_over_messenger(desk, redis_client, MADE_EARLIER, WAS_DUE)
    headers = await desk_login(desk, redis_client)
    (shown,) = (await (await desk.get("/desk/api/complaints", headers=headers)).json())[
        "complaints"
    ]
    assert (shown["status"], shown["overdue"]) == ("late", True)
    assert (await report(redis_client)).missed == 1
    await desk.post(f"/desk/api/complaints/{complaint.id}/take", headers=headers)
    answered = await desk.post(
        f"/desk/api/complaints/{complaint.id}/answer",
        json={"decision": "upheld", "text": ANSWER},
        headers=headers,
    )
    assert answered.status == 200
    counted = await report(redis_client)
    assert (counted.kept, counted.late, counted.missed) == (0, 1, 0)


async def test_a_refusal_without_reasons_is_refused_and_with_them_the_customer_reads_them(
    desk: TestClient, redis_client: Redis, graph_api: FakeGraphAPI
) -> None:
    complaint = await complaint_over_messenger(desk, redis_client)
    headers = await desk_login(desk, redis_client)
    await desk.post(f"/desk/api/complaints/{complaint.id}/take", headers=headers)
    url = f"/desk/api/complaints/{complaint.id}/answer"
    no_reasons = await desk.post(
        url, json={"decision": "refused", "text": "Vi kan ikke gi deg rett."}, headers=headers
    )
    assert no_reasons.status == 400
    assert "reasons" in (await no_reasons.json())["error"]
    refused = await desk.post(
        url,
        json={
            "decision": "refused",
            "text": "Vi kan ikke gi deg rett.",
            "reasons": "Måleren viser det samme som du har betalt for.",
        },
        headers=headers,
    )
    assert refused.status == 200
    psid = complaint.conversation_id.removeprefix("fb:")
    assert graph_api.messages(psid)[-1].text == (
        "Svar på klagen din, sak K-000001:\nVi kan ikke gi deg rett.\n"
        "Dette er grunnen til at vi sier nei:\nMåleren viser det samme som du har betalt for.\n"
        "Er du uenig, kan du svare oss her."
    )
    kept = await Complaints(redis_client).get(complaint.id)
    assert kept is not None and kept.reasons.startswith("Måleren")


async def test_a_complaint_one_agent_took_cannot_be_taken_or_answered_by_another(
    desk: TestClient, redis_client: Redis
) -> None:
    complaint = await complaint_over_messenger(desk, redis_client)
    kari = await desk_login(desk, redis_client, "kari")
    ola = await desk_login(desk, redis_client, "ola")
    assert (
        await desk.post(f"/desk/api/complaints/{complaint.id}/take", headers=kari)
    ).status == 200
    assert (await desk.post(f"/desk/api/complaints/{complaint.id}/take", headers=ola)).status == 409
    answered = await desk.post(
        f"/desk/api/complaints/{complaint.id}/answer",
        json={"decision": "upheld", "text": ANSWER},
        headers=ola,
    )
    assert answered.status == 409
