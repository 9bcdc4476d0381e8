"""Recovery's durable state, kept next to the delivery queue: the App's open check runs and the lock
that lets one worker at a time run recovery.

====================  ============================================  ================================
queue                 open check runs                               recovery lock
====================  ============================================  ================================
``memory://``         a dict (this process only)                    a lease in memory
``sqlite:///q.db``    table ``recovery_checks`` in the same file    row ``recovery`` of table
                                                                    ``recovery_leases`` (a lease)
``redis://``          hash ``<prefix>:recovery:checks`` + ZSET      ``SET <prefix>:recovery:lock
                      ``<prefix>:recovery:checks:by_age``           <owner> NX PX <ttl>``
====================  ============================================  ================================

A review notes its check run when it creates it (``check_started``) and forgets it when it
completes it (``check_completed``), through :class:`~bot.review.context.CheckRegistry` on the
AppContext. Whatever is still noted long after it was created belongs to a review that was lost
(crash, deploy, GitHub down while completing it); ``bot/recovery.py`` looks those up.

The lock is a lease: it runs out after ``ttl`` seconds, so a recovery whose process died never
blocks the others for longer than that; ``unlock`` only releases a lease its owner still holds.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

from bot.jobs.queue import DeliveryQueue
from bot.review.context import CheckRegistry, TrackedCheck

if TYPE_CHECKING:
    from redis.asyncio import Redis

T = TypeVar("T")
LOCK_NAME = "recovery"
BUSY_TIMEOUT_SECONDS = 10.0


@runtime_checkable
class RecoveryStore(CheckRegistry, Protocol):
    """Open check runs (oldest first) and the recovery lock."""

    async def open_checks(self, *, created_before: float, limit: int) -> list[TrackedCheck]:
        """Noted check runs created before epoch *created_before*, oldest first, at most *limit*."""
        ...

    async def try_lock(self, owner: str, *, ttl: float) -> bool:
        """Take (or renew) the recovery lease for *ttl* seconds; False when another owner holds it."""
        ...

    async def unlock(self, owner: str) -> None:
        """Release the lease if *owner* still holds it."""
        ...

    async def close(self) -> None: ...


def recovery_store_for(queue: DeliveryQueue) -> RecoveryStore:
    """The store that lives where *queue* keeps its deliveries (see the module table)."""
    from bot.jobs.sqlite.queue import SqliteQueue

    if isinstance(queue, SqliteQueue):
        return SqliteRecoveryStore(queue.path, busy_timeout=queue.options.busy_timeout)
    return _redis_store_for(queue) or MemoryRecoveryStore()


def _redis_store_for(queue: DeliveryQueue) -> RecoveryStore | None:
    try:
        from redis.asyncio import Redis

        from bot.jobs.redis.queue import RedisQueue
    except ImportError:  # pragma: no cover - the redis extra is not installed
        return None
    if not isinstance(queue, RedisQueue):
        return None
    return RedisRecoveryStore(Redis(connection_pool=queue.broker.connection_pool), queue.options.prefix)


# -- memory ----------------------------------------------------------------------------------------


class MemoryRecoveryStore:
    """For ``memory://`` (one process): everything in this object."""

    def __init__(self, *, clock: Callable[[], float] = time.time) -> None:
        self._checks: dict[tuple[str, int], TrackedCheck] = {}
        self._lock: tuple[str, float] | None = None  # (owner, until)
        self._clock = clock

    async def check_started(self, check: TrackedCheck) -> None:
        self._checks[(check.full_name, check.check_run_id)] = check

    async def check_completed(self, full_name: str, check_run_id: int) -> None:
        self._checks.pop((full_name, check_run_id), None)

    async def open_checks(self, *, created_before: float, limit: int) -> list[TrackedCheck]:
        old = sorted((c for c in self._checks.values() if c.created_at < created_before),
                     key=lambda c: (c.created_at, c.check_run_id))
        return old[:limit]

    async def try_lock(self, owner: str, *, ttl: float) -> bool:
        now = self._clock()
        if self._lock is not None and self._lock[0] != owner and self._lock[1] > now:
            return False
        self._lock = (owner, now + ttl)
        return True

    async def unlock(self, owner: str) -> None:
        if self._lock is not None and self._lock[0] == owner:
            self._lock = None

    async def close(self) -> None:
        return None


# -- SQLite ----------------------------------------------------------------------------------------

_SCHEMA = """
CREATE TABLE IF NOT EXISTS recovery_checks (
    repo            TEXT NOT NULL,
    check_run_id    INTEGER NOT NULL,
    owner           TEXT NOT NULL,
    name            TEXT NOT NULL,
    installation_id INTEGER NOT NULL,
    head_sha        TEXT NOT NULL,
    pr_number       INTEGER NOT NULL,
    created_at      REAL NOT NULL,
    PRIMARY KEY (repo, check_run_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS recovery_checks_by_age ON recovery_checks (created_at);
CREATE TABLE IF NOT EXISTS recovery_leases (
    name  TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    until REAL NOT NULL
) WITHOUT ROWID;
"""


class SqliteRecoveryStore:
    """Tables in the queue's SQLite file, through this store's own connection (WAL, so it never
    blocks the queue's readers; writes wait up to ``busy_timeout`` for the file's write lock).

    Commits are ``synchronous=NORMAL``: safe against ``kill -9`` (the WAL is in the OS page
    cache), and no fsync holds the write lock the web process needs for its submits. A power cut
    may lose the last notes; a check run it forgets is then not recovered, a check run it
    remembers after completion is read back once and forgotten."""

    def __init__(self, path: str | Path, *, busy_timeout: float = BUSY_TIMEOUT_SECONDS,
                 clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self._busy_timeout = busy_timeout
        self._clock = clock  # wall clock: leases are compared across processes
        self._conn: sqlite3.Connection | None = None
        self._mutex = threading.Lock()  # one connection, used from executor threads in turn

    async def check_started(self, check: TrackedCheck) -> None:
        await self._run(lambda conn: conn.execute(
            "INSERT OR REPLACE INTO recovery_checks (repo, check_run_id, owner, name, installation_id,"
            " head_sha, pr_number, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (check.full_name, check.check_run_id, check.owner, check.repo, check.installation_id,
             check.head_sha, check.pr_number, check.created_at)))

    async def check_completed(self, full_name: str, check_run_id: int) -> None:
        await self._run(lambda conn: conn.execute(
            "DELETE FROM recovery_checks WHERE repo = ? AND check_run_id = ?", (full_name, check_run_id)))

    async def open_checks(self, *, created_before: float, limit: int) -> list[TrackedCheck]:
        rows = await self._run(write=False, fn=lambda conn: conn.execute(
            "SELECT owner, name, installation_id, head_sha, pr_number, check_run_id, created_at"
            " FROM recovery_checks WHERE created_at < ? ORDER BY created_at, check_run_id LIMIT ?",
            (created_before, limit)).fetchall())
        return [TrackedCheck(str(r[0]), str(r[1]), int(r[2]), str(r[3]), int(r[4]), int(r[5]), float(r[6]))
                for r in rows]

    async def try_lock(self, owner: str, *, ttl: float) -> bool:
        now = self._clock()
        return await self._run(lambda conn: _take_lease(conn, owner, now, now + ttl))

    async def unlock(self, owner: str) -> None:
        await self._run(lambda conn: conn.execute(
            "DELETE FROM recovery_leases WHERE name = ? AND owner = ?", (LOCK_NAME, owner)))

    async def close(self) -> None:
        with self._mutex:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    async def _run(self, fn: Callable[[sqlite3.Connection], T], *, write: bool = True) -> T:
        return await asyncio.to_thread(self._transact, fn, write)

    def _transact(self, fn: Callable[[sqlite3.Connection], T], write: bool) -> T:
        with self._mutex:
            conn = self._connection()
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                result = fn(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            return result

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=self._busy_timeout, isolation_level=None,
                                   check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")  # no fsync per note; see the class doc
            conn.executescript(f"BEGIN IMMEDIATE;{_SCHEMA}COMMIT;")
            self._conn = conn
        return self._conn


def _take_lease(conn: sqlite3.Connection, owner: str, now: float, until: float) -> bool:
    row = conn.execute("SELECT owner, until FROM recovery_leases WHERE name = ?", (LOCK_NAME,)).fetchone()
    if row is not None and row[0] != owner and float(row[1]) > now:
        return False
    conn.execute("INSERT OR REPLACE INTO recovery_leases (name, owner, until) VALUES (?, ?, ?)",
                 (LOCK_NAME, owner, until))
    return True


# -- Redis -----------------------------------------------------------------------------------------

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
