"""The ways out of the queue a waiting customer has: buttons and a few phrases, whole."""

from __future__ import annotations

import pytest

from core.queue_exit import Exit, wanted


@pytest.mark.parametrize(
    ("text", "payload", "way_out"),
    [
        ("Ring meg heller!", None, Exit.CALL_ME),
        ("call me instead please", None, None),  # not whole: a message for the agent
        ("Call me instead.", None, Exit.CALL_ME),
        ("Glem det", None, Exit.NEVER_MIND),
        ("never mind", None, Exit.NEVER_MIND),
        ("I don't want to wait", None, Exit.NEVER_MIND),
        ("Never mind", "/deny", Exit.NEVER_MIND),
        ("Ring meg heller", "/request_callback", Exit.CALL_ME),
        ("hallo? er det noen der?", None, None),
        ("Jeg venter", "/request_human", None),
    ],
)
def test_a_button_or_the_whole_message_says_the_way_out(
    text: str, payload: str | None, way_out: Exit | None
) -> None:
    assert wanted(text, payload) is way_out
