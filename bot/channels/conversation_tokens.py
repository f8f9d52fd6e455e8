"""Web-chat conversations belong to whoever the front door gave them to.

The front door makes each web conversation's id itself (random, unguessable) and signs it: the
token is an HMAC of the id with a secret from the environment (SVAR_CONVERSATION_SECRET, made
at first start by the stack). The widget presents id and token when it opens its socket; an id
without its token opens nothing and tells nothing, whether the conversation exists or not.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets

log = logging.getLogger(__name__)

# Whole-string match, no ':' (it separates the parts of Redis keys).
ID = re.compile(r"[A-Za-z0-9_.-]{1,64}")


def valid_id(value: str) -> bool:
    return ID.fullmatch(value) is not None


class ConversationTokens:
    def __init__(self, secret: str) -> None:
        if not secret:
            # Tests and a bare `python -m bot`: tokens hold until this process ends.
            log.warning("no SVAR_CONVERSATION_SECRET: web chats end when this front door stops")
            secret = secrets.token_urlsafe(32)
        self._key = secret.encode()

    def new(self) -> tuple[str, str]:
        """A fresh conversation id and its token."""
        conversation = secrets.token_urlsafe(18)  # 144 bits, letters, digits, '-' and '_'
        return conversation, self.sign(conversation)

    def sign(self, conversation: str) -> str:
        return hmac.new(self._key, conversation.encode(), hashlib.sha256).hexdigest()

    def check(self, conversation: str, token: str) -> bool:
        """True when `token` is the one this front door gave out with `conversation`."""
        return valid_id(conversation) and hmac.compare_digest(
            self.sign(conversation).encode(), token.encode()
        )
