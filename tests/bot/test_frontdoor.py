"""The front door in-process, against the real Redis, with Rasa and the action server down."""

from __future__ import annotations

import json

import pytest
from aiohttp.test_utils import TestClient
from redis.asyncio import Redis

from core.content.answers import AnswerBook
from core.settings import Settings
from store.conversations import Conversations
from store.transcripts import Transcripts
from tests.helpers import socket_path

ANSWERS = AnswerBook.load(Settings().content_dir / "answers")


async def test_rasa_down_gives_polite_answer_in_customers_language_and_keeps_message(
    client: TestClient, redis_client: Redis
) -> None:
    response = await client.post(
        "/api/messages", json={"sender": "u1", "text": "hei, strømmen er borte"}
    )
    assert response.status == 200
    body = await response.json()
    assert body["language"] == "nb"
    unavailable_nb = ANSWERS.render("utter_unavailable", "nb", _facts(client, "nb"), "nb").text
    assert [m["text"] for m in body["messages"]] == [unavailable_nb]

    response = await client.post(
        "/api/messages",
        json={"sender": "u2", "text": "hello, my power has been out since this morning"},
    )
    body = await response.json()
    assert body["language"] == "en"
    assert (
        body["messages"][0]["text"]
        == ANSWERS.render("utter_unavailable", "en", _facts(client, "en"), "nb").text
    )

    transcript = await Transcripts(redis_client).read("api:u1")
    assert [(e.role, e.text) for e in transcript] == [
        ("customer", "hei, strømmen er borte"),
        ("bot", unavailable_nb),
    ]


async def test_healthz_answers_503_naming_what_is_down(client: TestClient) -> None:
    response = await client.get("/healthz")
    assert response.status == 503
    checks = (await response.json())["checks"]
    assert checks["redis"]["ok"] is True
    assert checks["rasa"]["ok"] is False
    assert checks["actions"]["ok"] is False


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ("{not json", 400, "not valid JSON"),
        ('["a list"]', 400, "JSON object"),
        ('{"sender": "u1"}', 400, "'text' must be a string"),
        ('{"sender": "u1", "text": "   "}', 400, "empty"),
        ('{"sender": "u1", "text": 42}', 400, "'text' must be a string"),
        ('{"text": "hei"}', 400, "'sender'"),
        ('{"sender": "../../etc", "text": "hei"}', 400, "'sender'"),
        ('{"sender": "u1", "text": "hei", "payload": "no slash"}', 400, "payload"),
        (json.dumps({"sender": "u1", "text": "x" * 4001}), 413, "longer than 4000"),
        (json.dumps({"sender": "u1", "text": "x" * 70_000}), 413, "too large"),
    ],
    ids=[
        "malformed-json",
        "not-an-object",
        "missing-text",
        "blank-text",
        "text-not-string",
        "missing-sender",
        "odd-sender",
        "payload-without-slash",
        "text-over-limit",
        "body-over-limit",
    ],
)
async def test_bad_messages_get_a_clear_4xx_and_reach_nobody(
    client: TestClient, redis_client: Redis, body: str, status: int, error: str
) -> None:
    response = await client.post("/api/messages", data=body)
    assert response.status == status
    assert error in (await response.json())["error"]
    assert await redis_client.keys("svar:conv:*") == []


async def test_nlg_refuses_a_wrong_token(client: TestClient) -> None:
    response = await client.post(
        "/nlg?token=wrong", json={"response": "utter_greet", "tracker": {}}
    )
    assert response.status == 403


async def test_nlg_renders_a_turn_without_a_language_in_the_one_stored_for_the_conversation(
    client: TestClient, redis_client: Redis
) -> None:
    # An intent the desk triggered after an agent closed the chat carries no metadata.
    conversations = Conversations(redis_client)
    await conversations.touch("web:u-rated", "web")
    await conversations.set_language("web:u-rated", "en")
    tracker = {"sender_id": "web:u-rated", "latest_message": {"text": "/handoff_closed"}}
    response = await client.post(
        "/nlg?token=test-nlg-token", json={"response": "utter_greet", "tracker": tracker}
    )
    assert response.status == 200
    greeting = ANSWERS.render("utter_greet", "en", _facts(client, "en"), "nb").text
    assert (await response.json())["text"] == greeting


async def test_nlg_renders_in_the_language_of_the_latest_message(client: TestClient) -> None:
    tracker = {
        "sender_id": "web:h",
        "latest_message": {"metadata": {"language": "en"}},
        "slots": {},
    }
    response = await client.post(
        "/nlg?token=test-nlg-token",
        json={
            "response": "utter_opening_hours_open",
            "arguments": {"closes": {"type": "time", "value": "2026-11-23T16:00:00+01:00"}},
            "tracker": tracker,
        },
    )
    assert response.status == 200
    text = (await response.json())["text"]
    assert "16:00" in text
    # An answer that ends a topic: "did that help?" below it.
    assert (
        text
        == ANSWERS.render(
            "utter_opening_hours_open", "en", {**_facts(client, "en"), "closes": "16:00"}, "nb"
        ).text
        + "\n\nDid that help?"
    )


async def test_websocket_sends_history_then_answers(client: TestClient) -> None:
    async with client.ws_connect(socket_path("ws1")) as ws:
        assert (await ws.receive_json()) == {"type": "history", "entries": []}
        await ws.send_json({"type": "message", "id": "m1", "text": "hei"})
        assert (await ws.receive_json())["type"] == "typing"
        assert (await ws.receive_json()) == {"type": "ack", "id": "m1"}
        reply = await ws.receive_json()
        assert reply["type"] == "message" and reply["sender"] == "bot"
        assert (await ws.receive_json())["type"] == "done"
        await ws.send_str("{broken")
        assert (await ws.receive_json())["type"] == "error"
    async with client.ws_connect(socket_path("ws1")) as ws:
        history = await ws.receive_json()
        assert [e["role"] for e in history["entries"]] == ["customer", "bot"]


async def test_websocket_from_a_foreign_origin_is_refused(client: TestClient) -> None:
    response = await client.get(
        "/ws?conversation=x1",
        headers={
            "Origin": "https://evil.example",
            "Upgrade": "websocket",
            "Connection": "Upgrade",
            "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        },
    )
    assert response.status == 403


async def test_messages_published_to_the_outbox_reach_the_open_socket(
    client: TestClient, redis_client: Redis
) -> None:
    from bot.keys import ROUTER
    from bot.messages import Outbound

    async with client.ws_connect(socket_path("out1")) as ws:
        assert (await ws.receive_json())["type"] == "history"
        await client.app[ROUTER].publish(
            "web:out1", Outbound("Hei, det er Kari her.", sender="agent")
        )
        message = await ws.receive_json(timeout=5)
        assert message == {
            "type": "message",
            "sender": "agent",
            "text": "Hei, det er Kari her.",
            "buttons": [],
        }


def _facts(client: TestClient, language: str) -> dict[str, str]:
    from bot.keys import FACTS

    return client.app[FACTS][language]
