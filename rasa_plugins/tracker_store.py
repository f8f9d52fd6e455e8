"""Rasa's Redis tracker store, but what it keeps is masked and expires.

endpoints.yml names it (`type: rasa_plugins.tracker_store.MaskedRedisTrackerStore`). Before a
tracker is written, every text in it (the customer's messages, entity values, slot values,
metadata) goes through `core.pii.mask`, so no national ID, card or account number reaches
Redis through Rasa; `record_exp` (from the company's retention, set by stack/processes.py)
lets Redis drop a tracker that long after its last write.

The merge with earlier sessions that Rasa's store does on save compares events: it is done
here between masked trackers, so a masked event stored before is not written again.
"""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from typing import Any

from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

from core.pii import mask

log = logging.getLogger(__name__)


class MaskedRedisTrackerStore(RedisTrackerStore):
    def __init__(self, *args: Any, record_exp: float | str | None = None, **kwargs: Any) -> None:
        # endpoints.yml substitutes the environment as text; an empty one means "never".
        expiry = int(float(record_exp)) if record_exp not in (None, "") else None
        super().__init__(*args, record_exp=expiry, **kwargs)

    async def save(self, tracker: DialogueStateTracker, timeout: float | None = None) -> None:
        await self.stream_events(tracker)
        key = self.key_prefix + tracker.sender_id
        masked = self.deserialise_tracker(tracker.sender_id, masked_dialogue(tracker))
        if masked is None:
            log.error("conversation %s: the masked tracker could not be read back", key)
            return
        stored = self.red.get(key)
        if stored is not None:
            prior = self.deserialise_tracker(tracker.sender_id, stored)
            if prior is not None:
                masked = self._merge_trackers(prior, masked)
        self.red.set(key, self.serialise_tracker(masked), ex=timeout or self.record_exp)


def masked_dialogue(tracker: DialogueStateTracker) -> str:
    """The tracker as Rasa's store serialises it, with every text masked."""
    return json.dumps(_masked(tracker.as_dialogue().as_dict()))


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return _mask(value)
    if isinstance(value, dict):
        return {k: _masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v) for v in value]
    return value


@lru_cache(maxsize=65536)
def _mask(text: str) -> str:
    """Masking is pure, and a tracker repeats its texts at every save: mask each once."""
    return mask(text)
