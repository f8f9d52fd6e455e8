"""One address string for Redis, plain or Sentinel, composed from the environment."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.redis_address import SentinelAddress, redis_url_from_env


def test_without_sentinels_the_plain_url_is_used() -> None:
    assert redis_url_from_env({"REDIS_URL": "redis://:pw@db:6379/2"}) == "redis://:pw@db:6379/2"
    assert redis_url_from_env({}) is None


def test_sentinels_take_the_password_and_database_from_redis_url() -> None:
    url = redis_url_from_env(
        {
            "REDIS_SENTINELS": "s1:26379, s2:26379,s3:26380",
            "REDIS_SENTINEL_MASTER": "svar",
            "REDIS_URL": "redis://:p%40ss@ignored-host:6379/3",
        }
    )
    assert url == "redis+sentinel://:p%40ss@s1:26379,s2:26379,s3:26380/svar/3"
    assert SentinelAddress.parse(url or "") == SentinelAddress(
        (("s1", 26379), ("s2", 26379), ("s3", 26380)), "svar", "p@ss", 3
    )


def test_a_sentinel_url_in_redis_url_is_taken_as_it_is() -> None:
    url = "redis+sentinel://:pw@s1:26379/svar/1"
    assert redis_url_from_env({"REDIS_URL": url, "REDIS_SENTINELS": "other:1"}) == url


def test_a_plain_url_is_no_sentinel_address() -> None:
    assert SentinelAddress.parse("redis://127.0.0.1:6379/0") is None


@pytest.mark.parametrize(
    "sentinels", ["s1", "s1:port", ":26379", " , "], ids=["no port", "word port", "no host", "none"]
)
def test_a_malformed_sentinel_list_is_refused_with_the_reason(sentinels: str) -> None:
    with pytest.raises(ValueError, match="sentinel"):
        redis_url_from_env({"REDIS_SENTINELS": sentinels})


@given(
    nodes=st.lists(
        st.tuples(st.from_regex(r"[a-z][a-z0-9.\-]{0,20}", fullmatch=True), st.integers(1, 65535)),
        min_size=1,
        max_size=5,
    ),
    master=st.from_regex(r"[A-Za-z0-9_\-]{1,20}", fullmatch=True),
    password=st.one_of(st.none(), st.text(min_size=1, max_size=30)),
    db=st.integers(0, 15),
)
def test_every_sentinel_address_survives_its_url(
    nodes: list[tuple[str, int]], master: str, password: str | None, db: int
) -> None:
    address = SentinelAddress(tuple(nodes), master, password, db)
    assert SentinelAddress.parse(address.url()) == address
