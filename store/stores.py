"""Every record Svar keeps in Redis, over one client: built once per process and passed in.

The front door builds it in a `cleanup_ctx` (bot/app.py), the action server once per process
(actions/context.py); nothing else builds a store. A store owns its records: only it writes
their keys (store/keys.py names them all).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from redis import Redis as SyncRedis
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.asyncio.sentinel import Sentinel
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError, TimeoutError
from redis.retry import Retry as SyncRetry
from redis.sentinel import Sentinel as SyncSentinel

from core.clock import Clock
from core.redis_address import SentinelAddress
from core.retention import Retention
from store.agents import Agents
from store.audit import PrivacyAudit
from store.button_payloads import ButtonPayloads
from store.callbacks import Callbacks
from store.complaints import Complaints
from store.conversations import Conversations
from store.dead_letters import DeadLetters
from store.desk_feed import DeskFeed
from store.feedback import Feedback
from store.follow_ups import FollowUps
from store.handoff_log import HandoffLog
from store.handoffs import Handoffs
from store.leases import Leases
from store.load import Load
from store.message_ids import MessageIds
from store.ops_notices import OpsNotices
from store.outbox import Outbox
from store.presence import Presence
from store.rasa_trackers import RasaTrackers
from store.sessions import Sessions
from store.surveys import Surveys
from store.transcripts import Transcripts


@dataclass(frozen=True)
class Stores:
    redis: Redis
    conversations: Conversations
    transcripts: Transcripts
    handoffs: Handoffs
    handoff_log: HandoffLog
    desk_feed: DeskFeed
    outbox: Outbox
    agents: Agents
    presence: Presence
    sessions: Sessions
    callbacks: Callbacks
    complaints: Complaints
    follow_ups: FollowUps
    feedback: Feedback
    surveys: Surveys
    button_payloads: ButtonPayloads
    privacy_audit: PrivacyAudit
    message_ids: MessageIds
    dead_letters: DeadLetters
    load: Load
    ops_notices: OpsNotices
    rasa_trackers: RasaTrackers
    leases: Leases

    @classmethod
    def over(cls, redis: Redis, clock: Clock, retention: Retention) -> Stores:
        agents = Agents(redis)
        return cls(
            redis=redis,
            conversations=Conversations(redis, retention.conversation_seconds),
            transcripts=Transcripts(redis, retention.conversation_seconds),
            handoffs=Handoffs(redis, retention.handoff_seconds),
            handoff_log=HandoffLog(redis),
            desk_feed=DeskFeed(redis),
            outbox=Outbox(redis),
            agents=agents,
            presence=Presence(redis, agents),
            sessions=Sessions(redis, agents),
            callbacks=Callbacks(redis, clock, retention.callback_seconds),
            complaints=Complaints(redis, retention.complaint_seconds, clock),
            follow_ups=FollowUps(redis, retention.follow_up_seconds, clock),
            feedback=Feedback(redis, retention.feedback_seconds),
            surveys=Surveys(redis),
            button_payloads=ButtonPayloads(redis),
            privacy_audit=PrivacyAudit(redis),
            message_ids=MessageIds(redis),
            dead_letters=DeadLetters(redis),
            load=Load(redis),
            ops_notices=OpsNotices(redis),
            rasa_trackers=RasaTrackers(redis),
            leases=Leases(redis),
        )

    @classmethod
    def connect(cls, redis_url: str, clock: Clock, retention: Retention) -> Stores:
        """Stores over a new client of the Redis at `redis_url` (close it with `close`)."""
        return cls.over(client(redis_url), clock, retention)

    async def close(self) -> None:
        await self.redis.close()


# A pooled connection broken by a Redis restart is retried on a fresh one, a few times with
# growing pauses (about 1.5 s in all), before the caller sees the error.
RETRIES = 5


def client(redis_url: str) -> Redis:
    """A client of the Redis at `redis_url`, as every process of Svar makes one; of the primary
    the sentinels name for a `redis+sentinel://` address (core/redis_address.py), found again
    after a failover."""
    options = _options(Retry(_BACKOFF, RETRIES), decode_responses=True, health_check_interval=10)
    sentinel = SentinelAddress.parse(redis_url)
    if sentinel is None:
        return Redis.from_url(redis_url, **options)
    return Sentinel(list(sentinel.nodes), socket_connect_timeout=5).master_for(
        sentinel.master, redis_class=Redis, db=sentinel.db, password=sentinel.password, **options
    )


def sync_client(redis_url: str, decode_responses: bool = False) -> SyncRedis:
    """The same, blocking, for Rasa's tracker and lock stores (rasa_plugins/), which are
    synchronous; with the decoding each of Rasa's own stores uses."""
    options = _options(SyncRetry(_BACKOFF, RETRIES), decode_responses=decode_responses)
    sentinel = SentinelAddress.parse(redis_url)
    if sentinel is None:
        return SyncRedis.from_url(redis_url, **options)
    return SyncSentinel(list(sentinel.nodes), socket_connect_timeout=5).master_for(
        sentinel.master, db=sentinel.db, password=sentinel.password, **options
    )


_BACKOFF = ExponentialBackoff(cap=0.8, base=0.05)


def _options(retry: Retry | SyncRetry, **more: Any) -> dict[str, Any]:
    """What every client of ours sets: a short connect timeout and retries on a broken
    connection (a restart, a failover) before the caller sees the error."""
    return {
        "socket_connect_timeout": 5,
        "retry": retry,
        "retry_on_error": [ConnectionError, TimeoutError],
        **more,
    }
