"""The recovery store for ``redis://``: keys next to the queue's, shared by every worker machine."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from redis.asyncio import Redis

from bot.review.context import TrackedCheck

# KEYS lock · ARGV owner → 1 released, 0 not ours
_UNLOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class RedisRecoveryStore:
    """Keys next to the queue's (same prefix, same Redis), shared by every worker machine."""

    def __init__(self, redis: Redis, prefix: str = "devdocs") -> None:
        self._redis = redis
        self._checks = f"{prefix}:recovery:checks"
        self._by_age = f"{prefix}:recovery:checks:by_age"
        self._lock = f"{prefix}:recovery:lock"
        self._unlock = redis.register_script(_UNLOCK)

    async def check_started(self, check: TrackedCheck) -> None:
        member = _member(check.full_name, check.check_run_id)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(self._checks, member, json.dumps(asdict(check)))
            pipe.zadd(self._by_age, {member: check.created_at})
            await pipe.execute()

    async def check_completed(self, full_name: str, check_run_id: int) -> None:
        member = _member(full_name, check_run_id)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hdel(self._checks, member)
            pipe.zrem(self._by_age, member)
            await pipe.execute()

    async def open_checks(self, *, created_before: float, limit: int) -> list[TrackedCheck]:
        members: list[Any] = await self._redis.zrangebyscore(
            self._by_age, "-inf", f"({created_before!r}", start=0, num=limit)
        if not members:
            return []
        values: list[Any] = await self._redis.hmget(self._checks, members)
        found = [TrackedCheck(**json.loads(v)) for v in values if v is not None]
        orphans = [m for m, v in zip(members, values, strict=True) if v is None]
        if orphans:  # completed between the two reads, or half-written: drop from the index
            await self._redis.zrem(self._by_age, *orphans)
        return found

    async def try_lock(self, owner: str, *, ttl: float) -> bool:
        millis = max(1, int(ttl * 1000))
        if await self._redis.set(self._lock, owner, nx=True, px=millis):
            return True
        current = await self._redis.get(self._lock)
        if _text(current) == owner:  # ours already: renew
            return bool(await self._redis.set(self._lock, owner, xx=True, px=millis))
        return False

    async def unlock(self, owner: str) -> None:
        await self._unlock(keys=[self._lock], args=[owner])

    async def close(self) -> None:
        await self._redis.aclose()


def _member(full_name: str, check_run_id: int) -> str:
    return f"{full_name}#{check_run_id}"


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value.decode() if isinstance(value, bytes) else str(value)
