"""Opening the web chat's socket for a conversation the test names, as its owner would."""

from __future__ import annotations

from urllib.parse import urlencode

from bot.channels.conversation_tokens import ConversationTokens

# The token secret of the tests' front doors (settings fixture, whole-stack tests).
SECRET = "test-conversation-secret"


def socket_path(conversation: str, secret: str = SECRET) -> str:
    """`/ws?...` for `conversation` with its right token."""
    token = ConversationTokens(secret).sign(conversation)
    return "/ws?" + urlencode({"conversation": conversation, "token": token})
