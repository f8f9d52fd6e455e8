"""Leases: a job that must run in one process at a time, whichever replica that is.

A holder takes a lease for some seconds and renews it before it runs out; while it lives no
other process gets it. A holder that dies stops renewing, so the lease runs out and another
takes the job over. Taking and renewing are one script, so a holder whose lease already ran
out and went to another cannot renew the other's.
"""

from __future__ import annotations

from redis.asyncio import Redis

from store import keys

# Renew our own lease, or take a free one; 1 when the caller holds it now.
_HOLD = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return 1
end
return 0
"""
# Give the lease up, if it is still ours.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class Leases:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._hold = redis.register_script(_HOLD)
        self._release = redis.register_script(_RELEASE)

    async def hold(self, name: str, holder: str, seconds: float) -> bool:
        """Take lease `name` for `seconds`, or renew it if `holder` has it; False when another
        process holds it."""
        return bool(await self._hold(keys=[keys.lease(name)], args=[holder, int(seconds * 1000)]))

    async def release(self, name: str, holder: str) -> None:
        """Give lease `name` up at once (a clean stop), so another need not wait for it."""
        await self._release(keys=[keys.lease(name)], args=[holder])

    async def holder(self, name: str) -> str | None:
        """Who holds lease `name` now, if anyone."""
        value = await self._redis.get(keys.lease(name))
        return None if value is None else str(value)
