"""The masked transcript in a real Redis: an append can bring back the latest entries."""

from __future__ import annotations

from redis.asyncio import Redis

from core.transcript import Entry
from store.transcripts import Transcripts


async def test_an_append_brings_back_the_latest_entries_masked_in_the_same_step(
    redis_client: Redis,
) -> None:
    transcripts = Transcripts(redis_client)
    assert await transcripts.append("web:t", Entry("customer", "hei")) == []
    await transcripts.append("web:t", Entry("bot", "Hei! Hva kan jeg hjelpe med?"))
    latest = await transcripts.append(
        "web:t", Entry("customer", "kortet mitt er 4111 1111 1111 1111"), then_read=2
    )
    assert [e.role for e in latest] == ["bot", "customer"]
    assert latest == (await transcripts.read("web:t"))[-2:]
    assert "4111 1111" not in latest[-1].text
