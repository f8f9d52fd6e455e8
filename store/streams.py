"""What the stores' append-only logs (Redis streams) have in common."""

from __future__ import annotations


def time_range(since: float | None, until: float | None) -> tuple[str, str]:
    """XRANGE's start and end ids for the entries written between two Unix times: a stream
    id's first part is the time it was written, in milliseconds."""
    start = "-" if since is None else f"{int(since * 1000)}-0"
    end = "+" if until is None else f"{int(until * 1000)}-99999999"
    return start, end
