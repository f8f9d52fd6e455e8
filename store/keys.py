"""Every Redis key Svar uses, under one prefix, so that the layout is read in one place."""

from __future__ import annotations

PREFIX = "svar"


def conversation(conversation_id: str) -> str:
    """Hash: mode, language, channel, created and updated times; `last_inbound` (epoch seconds
    of the customer's last Messenger message: Messenger's 24-hour window counts from it);
    `handoff` (the id of its latest handoff to the desk)."""
    return f"{PREFIX}:conv:{conversation_id}"


def transcript(conversation_id: str) -> str:
    """List of masked transcript entries (JSON), oldest first."""
    return f"{PREFIX}:conv:{conversation_id}:transcript"


_OUTBOX_SUFFIX = ":out"


def outbox(conversation_id: str) -> str:
    """Pub/sub channel: messages for the customer, to every front door that holds their socket."""
    return f"{PREFIX}:conv:{conversation_id}{_OUTBOX_SUFFIX}"


def outbox_conversation(channel: str) -> str:
    """The conversation id an outbox channel name belongs to (the reverse of `outbox`)."""
    return channel.removeprefix(conversation("")).removesuffix(_OUTBOX_SUFFIX)


def survey_question(conversation_id: str) -> str:
    """String (JSON) with a TTL: the question the bot asked in its latest turn ("did that
    help?", CSAT, NPS; store/surveys.py), until the customer's next message takes it."""
    return f"{PREFIX}:conv:{conversation_id}:question"


def survey_rated(conversation_id: str) -> str:
    """String with a TTL of one contact: the bot asked this customer for a rating (CSAT or
    NPS) in the current contact, so it does not ask again before the contact is over."""
    return f"{PREFIX}:conv:{conversation_id}:rated"


def survey_nps(conversation_id: str) -> str:
    """String with the TTL the profile sets (`surveys.nps_every_days`): this customer (a web
    conversation, a Messenger PSID, a Telegram chat) was asked NPS, so not again until it lapses."""
    return f"{PREFIX}:conv:{conversation_id}:nps"


def seen(channel: str, event_id: str) -> str:
    """String with a TTL: a webhook event id already accepted (platforms deliver some twice)."""
    return f"{PREFIX}:{channel}:seen:{event_id}"


def inbox(channel: str) -> str:
    """Stream (consumer group `frontdoor`): accepted webhook events waiting to be processed."""
    return f"{PREFIX}:{channel}:inbox"


def inbox_dead(channel: str) -> str:
    """Stream (capped): webhook events that failed every attempt, masked, with the
    conversation, the error and the number of attempts, for a supervisor to look at."""
    return f"{PREFIX}:{channel}:inbox:dead"


def button_payload(channel: str, digest: str) -> str:
    """String with a TTL: a button payload too long for the channel, by its digest."""
    return f"{PREFIX}:{channel}:button:{digest}"


def callback(callback_id: str) -> str:
    """String (JSON): one callback promise and its history."""
    return f"{PREFIX}:callback:{callback_id}"


def callbacks_by_deadline() -> str:
    """Sorted set: callback ids scored by their promised deadline (Unix time)."""
    return f"{PREFIX}:callbacks:by-deadline"


def callbacks_log() -> str:
    """Stream: append-only log of every callback event, for reports."""
    return f"{PREFIX}:callbacks:log"


# --- Handoff to the agent desk (docs/handoff.md) -----------------------------------------


def handoff(handoff_id: str) -> str:
    """Hash: one handoff's record: state, conversation, card (JSON), agent, times, outcome, rating."""
    return f"{PREFIX}:handoff:{handoff_id}"


def handoff_notes(handoff_id: str) -> str:
    """List of an agent's internal notes on one handoff (JSON), oldest first."""
    return f"{PREFIX}:handoff:{handoff_id}:notes"


def handoff_queue() -> str:
    """Stream (consumer group `desk`): new context cards, announced to every open desk."""
    return f"{PREFIX}:handoffs:queue"


def handoffs_waiting() -> str:
    """Sorted set: unclaimed handoff ids scored by the time they were queued (the queue order)."""
    return f"{PREFIX}:handoffs:waiting"


def handoffs_claimed() -> str:
    """Sorted set: claimed, not yet closed handoff ids scored by the time they were queued."""
    return f"{PREFIX}:handoffs:claimed"


def handoffs_log() -> str:
    """Stream: append-only log of every handoff event (queued with its card, claimed,
    transferred, note, closed, rated), for reports."""
    return f"{PREFIX}:handoffs:log"


def handoffs_by_reason() -> str:
    """Hash: how many conversations were ever handed to a person, per reason (counts only,
    nothing about anyone; for the operations metrics)."""
    return f"{PREFIX}:handoffs:by_reason"


def handoff_waits() -> str:
    """List: seconds waited per place in the queue by the latest claimed customers, newest first."""
    return f"{PREFIX}:handoffs:waits"


def desk_events() -> str:
    """Pub/sub channel: live events for every open desk (new card, claim, message, close)."""
    return f"{PREFIX}:desk:events"


def lease(name: str) -> str:
    """String with a TTL: who holds the lease on a job one process runs at a time
    (store/leases.py), e.g. `telegram-poller`."""
    return f"{PREFIX}:lease:{name}"


def desk_ticker() -> str:
    """String with a TTL: held by the one front door that sends the queue's wait updates."""
    return f"{PREFIX}:desk:ticker"


def agent(username: str) -> str:
    """Hash: one desk agent: display name, scrypt password hash, `supervisor` ("1" for a
    supervisor: may export and erase a customer's data from the desk), and `languages` (the
    languages they serve, comma-separated; none set: every language)."""
    return f"{PREFIX}:agent:{username}"


def agent_presence(username: str) -> str:
    """String: the presence an agent chose at the desk: `online`, `away` or `offline`."""
    return f"{PREFIX}:agent:{username}:presence"


def agent_desk_seen(username: str) -> str:
    """String with a TTL: the agent has a desk socket open; refreshed while it stays open, so
    an online agent whose desk went away reads as away once it lapses."""
    return f"{PREFIX}:agent:{username}:desk"


def agents() -> str:
    """Set: the usernames of every desk agent."""
    return f"{PREFIX}:agents"


def desk_session(token_digest: str) -> str:
    """Hash with a TTL: one logged-in desk session (agent, CSRF token), by the SHA-256 of its
    cookie so that a copy of Redis holds no usable session."""
    return f"{PREFIX}:desk:session:{token_digest}"


def agent_sessions(username: str) -> str:
    """Set with a TTL: the session digests of one agent, so that removing the agent or changing
    their password ends every session they have."""
    return f"{PREFIX}:agent:{username}:sessions"


def rate_limits() -> str:
    """Prefix of the `limits` library's counters (strings with the TTL of their window): how
    many messages, socket opens, new chats and desk logins one IP, conversation or username
    (named by a hash of it) made in the current window (store/rate_limits.py)."""
    return f"{PREFIX}:limits"


def web_message_seen(conversation_id: str, client_id: str) -> str:
    """String with a TTL: a widget message id the front door already accepted (the widget sends
    again what it has no acknowledgement for; the copy is acknowledged, not answered twice)."""
    return f"{PREFIX}:conv:{conversation_id}:seen:{client_id}"


def extra_high_load() -> str:
    """Hash: the extra-high-load state (store/load.py): on, source, by, since."""
    return f"{PREFIX}:load:extra-high"


def ops_notices() -> str:
    """Hash: operations notices by id, JSON (store/ops_notices.py)."""
    return f"{PREFIX}:ops:notices"


def privacy_audit() -> str:
    """Stream: append-only audit trail of every export and erasure of a customer's data, from
    the desk or the command line (action, conversation id, agent, time); kept as long as
    complaints, and never
    erased with the data it is about."""
    return f"{PREFIX}:privacy:audit"


def complaint(complaint_id: str) -> str:
    """String (JSON): one complaint registered in a chat, with its written-answer deadline."""
    return f"{PREFIX}:complaint:{complaint_id}"


def complaints_by_deadline() -> str:
    """Sorted set: complaint ids scored by the time they must be answered in writing (Unix)."""
    return f"{PREFIX}:complaints:by-deadline"


def complaints_log() -> str:
    """Stream: append-only log of every complaint event (registered, taken, answered)."""
    return f"{PREFIX}:complaints:log"


def case_numbers() -> str:
    """Hash: the last case number given, per kind of case ("complaint", "follow_up"); counters
    only, no personal data, kept for good so that no number is given twice."""
    return f"{PREFIX}:cases:numbers"


def follow_up(follow_up_id: str) -> str:
    """String (JSON): one follow-up task, made when an agent closes a chat as `follow_up`."""
    return f"{PREFIX}:follow-up:{follow_up_id}"


def follow_ups_by_due() -> str:
    """Sorted set: follow-up ids scored by the time the customer must be contacted (Unix)."""
    return f"{PREFIX}:follow-ups:by-due"


def follow_ups_log() -> str:
    """Stream: append-only log of every follow-up event (made, taken, done), for reports."""
    return f"{PREFIX}:follow-ups:log"


# --- What customers answered when asked, and what the bot answered (store/feedback.py) ----


def feedback_day(day: str) -> str:
    """Sorted set per UTC day (YYYY-MM-DD): the customers' answers to "did that help?", CSAT
    and NPS that day, as JSON, scored by their time (Unix); expires with its retention."""
    return f"{PREFIX}:feedback:{day}"


def answered_day(day: str) -> str:
    """Sorted set per UTC day (YYYY-MM-DD): each answer the bot gave that day, with the topic
    (intent) it answered, as JSON, scored by its time (Unix); expires with its retention."""
    return f"{PREFIX}:answered:{day}"


# --- Rasa's own keys (endpoints.yml: key_prefix `svar`), for erasing and exporting ---------


def rasa_tracker(conversation_id: str) -> str:
    """String (JSON): Rasa's tracker of one conversation, written by Rasa's tracker store."""
    return f"{PREFIX}:tracker:{conversation_id}"


def rasa_lock(conversation_id: str) -> str:
    """String: Rasa's lock on one conversation while it handles a message (its lock store)."""
    return f"{PREFIX}:lock:{conversation_id}"
