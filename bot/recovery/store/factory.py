"""``recovery_store_for(queue)``: the store that lives where the queue keeps its deliveries."""

from __future__ import annotations

from bot.jobs.queue import DeliveryQueue
from bot.jobs.sqlite.queue import SqliteQueue
from bot.recovery.store.base import RecoveryStore
from bot.recovery.store.memory import MemoryRecoveryStore
from bot.recovery.store.sqlite import SqliteRecoveryStore


def recovery_store_for(queue: DeliveryQueue) -> RecoveryStore:
    """The store that lives where *queue* keeps its deliveries (see the package doc's table)."""
    if isinstance(queue, SqliteQueue):
        return SqliteRecoveryStore(queue.path, busy_timeout=queue.options.busy_timeout)
    return _redis_store_for(queue) or MemoryRecoveryStore()


def _redis_store_for(queue: DeliveryQueue) -> RecoveryStore | None:
    try:
        from redis.asyncio import Redis

        from bot.jobs.redis.queue import RedisQueue
        from bot.recovery.store.redis import RedisRecoveryStore
    except ImportError:  # pragma: no cover - the redis extra is not installed
        return None
    if not isinstance(queue, RedisQueue):
        return None
    return RedisRecoveryStore(Redis(connection_pool=queue.broker.connection_pool), queue.options.prefix)
