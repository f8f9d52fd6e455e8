"""The agent desk in-process against the real Redis (Rasa and the action server are down)."""

from __future__ import annotations

import asyncio
import hashlib
import time
from typing import Any

import pytest
from aiohttp import ClientWebSocketResponse
from aiohttp.test_utils import TestClient
from redis.asyncio import Redis

from bot.app import create_app
from bot.desk.ws import send_wait_updates
from bot.keys import FACTS, STORES
from core.content.answers import AnswerBook
from core.settings import Settings
from store import keys
from store.agents import Agents
from store.conversations import Conversations, Mode
from store.handoffs import Handoffs, State
from store.presence import Presence, Status
from store.sessions import Sessions
from store.transcripts import Transcripts
from tests.helpers import AGENT_PASSWORD as PASSWORD
from tests.helpers import eventually, login, make_card, queue, socket_path

ANSWERS = AnswerBook.load(Settings().content_dir / "answers")


@pytest.fixture
async def client(aiohttp_client, settings: Settings, redis_client: Redis) -> TestClient:  # type: ignore[no-untyped-def]
    await Agents(redis_client).add("kari", "Kari", PASSWORD)
    await Agents(redis_client).add("ola", "Ola", PASSWORD)
    return await aiohttp_client(create_app(settings))


async def next_of(ws: ClientWebSocketResponse, kind: str) -> dict[str, Any]:
    """The next event of one kind on a socket (others are skipped)."""
    while True:
        event = await ws.receive_json(timeout=10)
        if event["type"] == kind:
            return event  # type: ignore[no-any-return]


def answer(client: TestClient, name: str, **values: Any) -> str:
    return ANSWERS.render(name, "nb", {**client.app[FACTS]["nb"], **values}, "nb").text


async def test_login_gives_a_secure_httponly_samesite_cookie_and_redis_keeps_no_usable_token(
    client: TestClient, redis_client: Redis
) -> None:
    response = await client.post("/desk/api/login", json={"username": "kari", "password": PASSWORD})
    assert response.status == 200
    cookie = response.headers["Set-Cookie"]
    for attribute in ("HttpOnly", "Secure", "SameSite=Strict", "Path=/desk"):
        assert attribute in cookie
    token = response.cookies["svar_desk"].value
    assert (await response.json())["agent"] == {"username": "kari", "name": "Kari"}
    assert await redis_client.exists(keys.desk_session(hashlib.sha256(token.encode()).hexdigest()))
    assert not [k for k in await redis_client.keys("*") if token in k]
    stored = await redis_client.hget(keys.agent("kari"), "password")
    assert stored.startswith("scrypt$") and PASSWORD not in stored

    me = await client.get("/desk/api/me", headers={"Cookie": f"svar_desk={token}"})
    assert (await me.json())["agent"]["name"] == "Kari"


async def test_a_wrong_password_or_unknown_agent_is_refused_and_guessing_is_stopped(
    client: TestClient,
) -> None:
    for body in (
        {"username": "kari", "password": "wrong"},
        {"username": "nobody", "password": PASSWORD},
    ):
        response = await client.post("/desk/api/login", json=body)
        assert response.status == 401
        assert "svar_desk" not in response.cookies
    for _ in range(9):
        await client.post("/desk/api/login", json={"username": "kari", "password": "wrong"})
    response = await client.post("/desk/api/login", json={"username": "kari", "password": PASSWORD})
    assert response.status == 429


async def test_changes_need_a_session_the_csrf_token_and_our_own_origin(
    client: TestClient, redis_client: Redis
) -> None:
    handoff_id = await queue(redis_client, "web:csrf")
    headers = await login(client)
    url = f"/desk/api/handoffs/{handoff_id}/claim"
    assert (await client.post(url, json={})).status == 401
    assert (await client.post(url, json={}, headers={"Cookie": headers["Cookie"]})).status == 403
    wrong = {**headers, "X-CSRF-Token": "guessed"}
    assert (await client.post(url, json={}, headers=wrong)).status == 403
    foreign = {**headers, "Origin": "https://evil.example"}
    assert (await client.post(url, json={}, headers=foreign)).status == 403
    found = await Handoffs(redis_client).get(handoff_id)
    assert found is not None and found.state is State.QUEUED
    assert (await client.post(url, json={}, headers=headers)).status == 200


async def test_the_desk_page_is_served_with_a_strict_content_security_policy(
    client: TestClient,
) -> None:
    response = await client.get("/desk")
    assert response.status == 200
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "/static/desk.js" in await response.text()
    assert (await client.get("/static/desk.js")).status == 200


async def test_the_desk_socket_needs_a_login_and_our_own_origin(client: TestClient) -> None:
    refused = await client.get("/desk/ws", headers=_upgrade())
    assert refused.status == 401
    headers = await login(client)
    foreign = await client.get(
        "/desk/ws",
        headers={**_upgrade(), "Cookie": headers["Cookie"], "Origin": "https://evil.example"},
    )
    assert foreign.status == 403


async def test_a_card_appears_live_the_agent_claims_and_both_sides_chat_through_the_web_chat(
    client: TestClient, redis_client: Redis
) -> None:
    kari = await login(client, "kari")
    ola = await login(client, "ola")
    async with (
        client.ws_connect("/desk/ws", headers={"Cookie": kari["Cookie"]}) as desk,
        client.ws_connect(socket_path("live")) as customer,
    ):
        assert (await desk.receive_json(timeout=5))["type"] == "snapshot"
        assert (await customer.receive_json(timeout=5))["type"] == "history"
        handoff_id = await queue(redis_client, "web:live")
        card = (await next_of(desk, "queued"))["handoff"]
        assert card["id"] == handoff_id and card["place"] == 1
        assert card["card"]["summary"][0].startswith("Kunden ba om")

        # While queued, the customer's messages go to the desk, masked, and the bot is silent.
        await customer.send_json({"type": "message", "text": "hallo? fnr 15076500565"})
        message = await next_of(desk, "message")
        assert message["conversation_id"] == "web:live"
        assert message["entry"] == {
            **message["entry"],
            "role": "customer",
            "text": "hallo? fnr ***********",
        }

        claim = await client.post(f"/desk/api/handoffs/{handoff_id}/claim", json={}, headers=kari)
        assert claim.status == 200
        assert (await next_of(desk, "claimed"))["handoff"]["agent"] == "kari"
        joined = await next_of(customer, "message")
        assert joined["text"] == answer(client, "utter_agent_joined", agent_name="Kari")
        conversation = await Conversations(redis_client).get("web:live")
        assert conversation is not None and conversation.mode is Mode.AGENT

        too_late = await client.post(f"/desk/api/handoffs/{handoff_id}/claim", json={}, headers=ola)
        assert too_late.status == 409
        assert "Kari" in (await too_late.json())["error"]
        not_hers = await client.post(
            f"/desk/api/handoffs/{handoff_id}/messages", json={"text": "hei"}, headers=ola
        )
        assert not_hers.status == 409

        sent = await client.post(
            f"/desk/api/handoffs/{handoff_id}/messages",
            json={"text": "Hei, jeg heter Kari. Hva gjelder det?"},
            headers=kari,
        )
        assert sent.status == 200
        reply = await next_of(customer, "message")
        assert (reply["sender"], reply["text"]) == (
            "agent",
            "Hei, jeg heter Kari. Hva gjelder det?",
        )
        await customer.send_json({"type": "message", "text": "regningen min"})
        # The desk saw the whole exchange live, in order, with who said what.
        seen = [(await next_of(desk, "message"))["entry"] for _ in range(3)]
        assert [(e["role"], e["text"]) for e in seen] == [
            ("bot", answer(client, "utter_agent_joined", agent_name="Kari")),
            ("agent", "Hei, jeg heter Kari. Hva gjelder det?"),
            ("customer", "regningen min"),
        ]

    transcript = [(e.role, e.text) for e in await Transcripts(redis_client).read("web:live")]
    assert transcript == [
        ("customer", "hallo? fnr ***********"),
        ("bot", answer(client, "utter_agent_joined", agent_name="Kari")),
        ("agent", "Hei, jeg heter Kari. Hva gjelder det?"),
        ("customer", "regningen min"),
    ]


async def test_a_hundred_agents_clicking_claim_at_once_one_gets_the_chat_the_others_a_409(
    client: TestClient, redis_client: Redis
) -> None:
    names = [f"agent{i:03d}" for i in range(100)]
    # A hundred agents with one password hash, logged in straight through the session store:
    # a hundred logins would be a hundred scrypt runs (and more than one IP may try).
    shared_hash = await redis_client.hget(keys.agent("kari"), "password")
    for name in names:
        await redis_client.hset(
            keys.agent(name), mapping={"name": name.title(), "password": shared_hash}
        )
    agents = Agents(redis_client)
    sessions = []
    for name in names:
        agent = await agents.get(name)
        assert agent is not None
        token, session = await Sessions(redis_client, agents).create(agent)
        sessions.append({"Cookie": f"svar_desk={token}", "X-CSRF-Token": session.csrf})
    handoff_id = await queue(redis_client, "web:hundred")
    responses = await asyncio.gather(
        *(
            client.post(f"/desk/api/handoffs/{handoff_id}/claim", json={}, headers=headers)
            for headers in sessions
        )
    )
    statuses = sorted(r.status for r in responses)
    assert statuses == [200] + [409] * 99
    (winner,) = [name for name, r in zip(names, responses, strict=True) if r.status == 200]
    found = await Handoffs(redis_client).get(handoff_id)
    assert found is not None and found.state is State.CLAIMED and found.agent == winner
    joined = [e for e in await Transcripts(redis_client).read("web:hundred") if e.role == "bot"]
    assert len(joined) == 1, "the customer is told once who took over"


async def test_closing_while_the_bot_is_down_keeps_the_chat_with_the_agent(
    client: TestClient, redis_client: Redis
) -> None:
    handoff_id = await queue(redis_client, "web:down")
    kari = await login(client)
    await client.post(f"/desk/api/handoffs/{handoff_id}/claim", json={}, headers=kari)
    response = await client.post(
        f"/desk/api/handoffs/{handoff_id}/close", json={"outcome": "resolved"}, headers=kari
    )
    assert response.status == 503
    assert "stays with you" in (await response.json())["error"]
    found = await Handoffs(redis_client).get(handoff_id)
    assert found is not None and found.state is State.CLAIMED and found.agent == "kari"
    bad = await client.post(
        f"/desk/api/handoffs/{handoff_id}/close", json={"outcome": "whatever"}, headers=kari
    )
    assert bad.status == 400


async def test_notes_stay_internal_and_a_transfer_tells_the_customer_who_took_over(
    client: TestClient, redis_client: Redis
) -> None:
    handoff_id = await queue(redis_client, "web:transfer")
    kari = await login(client, "kari")
    ola = await login(client, "ola")
    await client.post(f"/desk/api/handoffs/{handoff_id}/claim", json={}, headers=kari)
    note = await client.post(
        f"/desk/api/handoffs/{handoff_id}/notes", json={"text": "Vil ha nedbetaling"}, headers=kari
    )
    assert note.status == 200
    moved = await client.post(
        f"/desk/api/handoffs/{handoff_id}/transfer", json={"to": "ola"}, headers=kari
    )
    assert moved.status == 200
    again = await client.post(
        f"/desk/api/handoffs/{handoff_id}/transfer", json={"to": "kari"}, headers=kari
    )
    assert again.status == 409  # it is Ola's now
    nobody = await client.post(
        f"/desk/api/handoffs/{handoff_id}/transfer", json={"to": "nobody"}, headers=ola
    )
    assert nobody.status == 400

    details = await (await client.get(f"/desk/api/handoffs/{handoff_id}", headers=ola)).json()
    assert details["handoff"]["agent"] == "ola" and details["handoff"]["agent_name"] == "Ola"
    assert [n["text"] for n in details["notes"]] == ["Vil ha nedbetaling"]
    customer_saw = [e["text"] for e in details["transcript"]]
    assert "Vil ha nedbetaling" not in customer_saw
    assert customer_saw[-1] == answer(client, "utter_agent_joined", agent_name="Ola")


async def test_waiting_customers_are_told_their_place_now_and_then(
    client: TestClient, redis_client: Redis
) -> None:
    first = await queue(redis_client, "web:wait1")
    await queue(redis_client, "web:wait2")
    async with client.ws_connect(socket_path("wait2")) as customer:
        await customer.receive_json(timeout=5)
        assert await send_wait_updates(client.app, now=time.time()) == 0  # just queued
        later = time.time() + 300
        assert await send_wait_updates(client.app, now=later) == 2
        update = await next_of(customer, "message")
        assert update["text"] == answer(
            client, "utter_handoff_wait_update", position=2, wait_minutes=10
        )
        assert await send_wait_updates(client.app, now=later + 10) == 0  # not again so soon
    await Handoffs(redis_client).claim(first, "kari")
    assert await Handoffs(redis_client).position(first) is None


async def test_an_agent_is_online_while_the_desk_is_open_and_chooses_away_or_offline(
    client: TestClient, redis_client: Redis
) -> None:
    presence = client.app[STORES].presence
    kari = await login(client, "kari")
    assert (await (await client.get("/desk/api/presence", headers=kari)).json()) == {
        "status": "away"  # logged in, but no desk open yet
    }
    async with client.ws_connect("/desk/ws", headers={"Cookie": kari["Cookie"]}) as desk:
        await next_of(desk, "snapshot")
        await eventually(lambda: _is(presence, "kari", Status.ONLINE), what="kari online")
        chosen = await client.post("/desk/api/presence", json={"status": "away"}, headers=kari)
        assert (await chosen.json()) == {"status": "away"}
        assert await presence.online_serving("nb") == []
        wrong = await client.post("/desk/api/presence", json={"status": "gone"}, headers=kari)
        assert wrong.status == 400
        await client.post("/desk/api/presence", json={"status": "online"}, headers=kari)
        assert [a.username for a in await presence.online_serving("nb")] == ["kari"]
    await client.post("/desk/api/logout", json={}, headers=kari)
    assert await presence.status("kari") is Status.OFFLINE


async def _is(presence: Presence, username: str, status: Status) -> bool:
    return await presence.status(username) is status


async def test_the_wait_update_counts_the_agents_online(
    client: TestClient, redis_client: Redis
) -> None:
    for i in range(3):
        await queue(redis_client, f"web:two{i}")
    presence = client.app[STORES].presence
    for username in ("kari", "ola"):
        await presence.choose(username, Status.ONLINE)
        await presence.desk_open(username)
    async with client.ws_connect(socket_path("two2")) as customer:
        await customer.receive_json(timeout=5)
        assert await send_wait_updates(client.app, now=time.time() + 300) == 3
        update = await next_of(customer, "message")
        # Third in the queue, two agents online, 5 min a place: about 10 min, not 15.
        assert update["text"] == answer(
            client, "utter_handoff_wait_update", position=3, wait_minutes=10
        )


async def test_a_waiting_customer_who_says_never_mind_leaves_the_queue_and_the_bot_is_back(
    client: TestClient, redis_client: Redis
) -> None:
    kari = await login(client, "kari")
    async with (
        client.ws_connect("/desk/ws", headers={"Cookie": kari["Cookie"]}) as desk,
        client.ws_connect(socket_path("leaves")) as customer,
    ):
        await next_of(desk, "snapshot")
        await customer.receive_json(timeout=5)
        handoff_id = await queue(redis_client, "web:leaves")
        await customer.send_json({"type": "message", "text": "er det noen der?"})
        assert (await next_of(desk, "message"))["entry"]["text"] == "er det noen der?"

        await customer.send_json({"type": "message", "text": "Glem det."})
        said = await next_of(customer, "message")
        assert said["text"] == answer(client, "utter_left_queue")
        closed = await next_of(desk, "closed")
        assert closed["handoff_id"] == handoff_id
    assert await Handoffs(redis_client).waiting_count() == 0
    conversation = await Conversations(redis_client).get("web:leaves")
    assert conversation is not None and conversation.mode is Mode.BOT


async def test_the_wait_update_offers_the_ways_out_of_the_queue(
    client: TestClient, redis_client: Redis
) -> None:
    await queue(redis_client, "web:buttons")
    async with client.ws_connect(socket_path("buttons")) as customer:
        await customer.receive_json(timeout=5)
        assert await send_wait_updates(client.app, now=time.time() + 300) == 1
        update = await next_of(customer, "message")
    assert [(b["title"], b["payload"]) for b in update["buttons"]] == [
        ("Ring meg heller", "/request_callback"),
        ("Glem det", "/deny"),
    ]


def _upgrade() -> dict[str, str]:
    return {
        "Upgrade": "websocket",
        "Connection": "Upgrade",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    }


@pytest.mark.parametrize(
    ("conversation", "channel", "hours_since_customer_wrote", "window"),
    [("fb:psid-1", "messenger", 2, "open"), ("fb:psid-2", "messenger", 30, "human_agent"),
     ("fb:psid-3", "messenger", 200, "closed"), ("web:w-1", "web", 30, None)],
)  # fmt: skip
async def test_the_desk_says_which_messenger_reply_rule_applies(
    client: TestClient,
    redis_client: Redis,
    conversation: str,
    channel: str,
    hours_since_customer_wrote: float,
    window: str | None,
) -> None:
    await Conversations(redis_client).touch(conversation, channel)
    last = time.time() - hours_since_customer_wrote * 3600
    await redis_client.hset(keys.conversation(conversation), "last_inbound", str(last))
    handoff_id = (await Handoffs(redis_client).enqueue(make_card(conversation))).handoff_id
    headers = await login(client)
    response = await client.get(f"/desk/api/handoffs/{handoff_id}", headers=headers)
    assert (await response.json())["reply_window"] == window


async def test_the_queue_comes_a_page_at_a_time(client: TestClient, redis_client: Redis) -> None:
    for i in range(105):
        await queue(redis_client, f"web:page{i}")
    headers = await login(client)
    first = await (await client.get("/desk/api/queue", headers=headers)).json()
    assert first["waiting_total"] == 105
    assert [h["place"] for h in first["waiting"]] == list(range(1, 101))
    rest = await (await client.get("/desk/api/queue?start=100", headers=headers)).json()
    assert [h["conversation_id"] for h in rest["waiting"]] == [
        f"web:page{i}" for i in range(100, 105)
    ]
    assert (await client.get("/desk/api/queue?start=x", headers=headers)).status == 400
