"""Where Svar's Redis is: a plain URL, or Redis Sentinel's nodes and the primary they watch.

Every process takes one address string (`REDIS_URL` as the settings read it), so a Sentinel
setup is written as a URL too, `redis+sentinel://:<password>@<host>:<port>,.../<primary>/<db>`,
composed from `REDIS_SENTINELS` and `REDIS_SENTINEL_MASTER` by `redis_url_from_env`. The
clients are built from it in store/stores.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

SENTINEL_SCHEME = "redis+sentinel"
DEFAULT_MASTER = "mymaster"  # Redis' own example name, and the Bitnami chart's default


@dataclass(frozen=True)
class SentinelAddress:
    nodes: tuple[tuple[str, int], ...]  # the sentinels, (host, port)
    master: str  # the name the sentinels know the primary by
    password: str | None = None  # of the Redis servers (the sentinels need none here)
    db: int = 0

    def url(self) -> str:
        auth = f":{quote(self.password, safe='')}@" if self.password else ""
        nodes = ",".join(f"{host}:{port}" for host, port in self.nodes)
        return f"{SENTINEL_SCHEME}://{auth}{nodes}/{self.master}/{self.db}"

    @classmethod
    def parse(cls, url: str) -> SentinelAddress | None:
        """The address in a `redis+sentinel://` URL; None for any other URL."""
        prefix = f"{SENTINEL_SCHEME}://"
        if not url.startswith(prefix):
            return None
        auth, _, rest = url[len(prefix) :].rpartition("@")
        nodes, _, path = rest.partition("/")
        master, _, db = path.partition("/")
        if not master:
            raise ValueError("a Sentinel address needs the primary's name: .../<name>/<db>")
        return cls(
            nodes=parse_nodes(nodes),
            master=master,
            password=unquote(auth.partition(":")[2]) or None,
            db=int(db or 0),
        )


def parse_nodes(text: str) -> tuple[tuple[str, int], ...]:
    """`host:port,host:port` as pairs; at least one."""
    nodes = []
    for node in filter(None, (part.strip() for part in text.split(","))):
        host, _, port = node.rpartition(":")
        if not host or not port.isdigit():
            raise ValueError(f"a sentinel is written host:port, not {node!r}")
        nodes.append((host, int(port)))
    if not nodes:
        raise ValueError("no sentinel given")
    return tuple(nodes)


def redis_url_from_env(env: Mapping[str, str]) -> str | None:
    """`REDIS_URL`; or, with `REDIS_SENTINELS` set, the Sentinel address of the primary named
    `REDIS_SENTINEL_MASTER`, `REDIS_URL` then giving only the password and the database."""
    url = env.get("REDIS_URL", "")
    sentinels = env.get("REDIS_SENTINELS", "").strip()
    if not sentinels or SentinelAddress.parse(url):  # a Sentinel URL says it all (`make run`
        return url or None  # hands its processes the one it composed)
    given = urlsplit(url) if url else None
    return SentinelAddress(
        nodes=parse_nodes(sentinels),
        master=env.get("REDIS_SENTINEL_MASTER") or DEFAULT_MASTER,
        password=unquote(given.password) if given and given.password else None,
        db=int((given.path if given else "").lstrip("/") or 0),
    ).url()
