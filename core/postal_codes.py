"""A postal code as customers write it, made the company's plain digits."""

from __future__ import annotations

import itertools
import re
from typing import Any

_NON_DIGIT = re.compile(r"\D")


def normalise_postal_code(value: Any, digits: int) -> str | None:
    """'0550', ' 0550 ', '0550 Oslo' -> '0550'; Sweden's spaced '114 32' -> '11432' (digits=5);
    anything without exactly `digits` digits -> None."""
    if value is None:
        return None
    words = str(value).strip().split(" ")
    first = _NON_DIGIT.sub("", words[0])
    if len(first) == digits:
        return first
    leading = "".join(itertools.takewhile(str.isdigit, words))  # "114 32 Stockholm" -> 11432
    return leading if len(leading) == digits else None
