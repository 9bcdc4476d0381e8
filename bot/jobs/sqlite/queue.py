"""The embedded durable queue: one SQLite file, no server (``DEVDOCS_QUEUE_URL=sqlite:///queue.db``).

Durability
    WAL journal. A transaction that carries a submit commits with ``synchronous=FULL``: ``COMMIT``
    returns only after the WAL has been fsync'ed, so a delivery that :meth:`SqliteQueue.submit`
    reported survives ``kill -9`` of the process and also a power cut or kernel crash. Everything
    else (claim, complete, retry, release) commits with ``NORMAL``, i.e. without its own fsync:
    safe against ``kill -9`` (a committed WAL frame is in the OS page cache, which outlives the
    process) and never corrupting, but a power cut may undo the last of them, which at worst runs
    a delivery again (at-least-once; the work is idempotent). The next FULL commit or checkpoint
    makes them durable too. This keeps workers from holding the write lock through an fsync each
    time they claim or complete, which would stall the web process's submits.
    ``?synchronous=normal`` makes submits NORMAL as well: still safe against ``kill -9``, but the
    last acknowledged deliveries can be lost on power loss, and GitHub never redelivers on its own.
    Bodies are stored zlib-compressed (level 1): webhook JSON shrinks ~7x, so there is less WAL
    to write and fsync.

Threading and group commit
    ``sqlite3`` blocks, so one dedicated thread per queue owns the only connection and runs every
    operation; coroutines hand it closures and await futures. The thread takes everything waiting
    and runs it in one ``BEGIN IMMEDIATE … COMMIT`` (a ``SAVEPOINT`` per operation, so a failing
    operation fails only its own caller). Under load ten submits cost one fsync; a caller's future
    resolves only after ``COMMIT``, i.e. once its write is durable. A second thread checkpoints
    the WAL into the database file every second, so no commit ever pays for a checkpoint.

Several processes
    Each process has its own threads and connections. ``BEGIN IMMEDIATE`` takes the file's write
    lock, polled every few milliseconds for up to ``busy_timeout`` (SQLite's own busy handler
    backs off to 100 ms sleeps), so dedup, coalescing and claims are atomic across every web and
    worker process sharing the file. Same machine only: WAL needs shared memory, not NFS.

Rows
    ``deliveries`` holds work: ``queued`` (ready once ``not_before`` has passed), ``leased``
    (``worker`` holds it until ``leased_until``; afterwards anyone may claim it again) and
    ``dead`` (gave up after ``max_attempts`` claims; kept for :meth:`SqliteQueue.dead`).
    Completed and superseded rows are deleted. ``seen`` remembers every accepted delivery id, and
    the body digest of those that carry one, for ``dedup_seconds`` (3 days), independently of the
    work rows; it is purged hourly.

Coalescing
    A delivery with a coalesce key (``owner/repo#12``) deletes the *queued* deliveries with that key
    that GitHub sent earlier (by ``received_at``, then id); a leased one runs on. A key is never
    leased twice at once, so a burst of 20 pushes gives at most two reviews: the one already running
    and the newest. A lease that ran out while a newer delivery waits is dropped, not re-run.

Attempts and leases are fenced: ``retry``, ``release`` and ``renew`` act only if the row is still
held by the claim that returned *delivery* (same ``attempts``); ``complete`` always deletes, since
the work is done whoever finished it.

Owners and heartbeats
    ``worker`` records the claim's owner (``bot/jobs/owner.py``: host, boot, PID namespace, pid,
    process start time). :meth:`SqliteQueue.reclaim_orphans` ends at once the leases whose owner
    certainly no longer runs on this host (a worker killed with ``kill -9``), so a restarted
    process takes its interrupted job straight back instead of waiting for the lease. Leases are
    short (``DEVDOCS_WORKER_LEASE_SECONDS``, 30 s) and the worker renews them (:meth:`renew`)
    every third of that while the job runs; a worker on another host that dies loses its claim
    when the lease runs out.
"""
from __future__ import annotations

import asyncio
import contextlib
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from bot.jobs.owner import is_gone
from bot.jobs.queue import DeadLetter, Delivery, QueueClosedError, Submitted
from bot.jobs.sqlite import operations as ops
from bot.jobs.sqlite.schema import Conn
from bot.jobs.sqlite.store import Checkpointer, SqliteOptions, Store

T = TypeVar("T")

POLL_SECONDS = 0.25  # wait_for_work: other processes' submits are only seen by polling
_ZLIB_LEVEL = 1  # fast; webhook JSON still shrinks ~7x (28 KB → 4 KB): less WAL to write and fsync


class SqliteQueue:
    """A :class:`~bot.jobs.queue.DeliveryQueue` (plus release, renew, reclaim_orphans, seen,
    purge_seen, wait_for_work, dead)."""

    def __init__(
        self,
        path: str | Path,
        options: SqliteOptions | None = None,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self.options = options or SqliteOptions()
        self._clock = clock  # wall clock: leases are compared across processes
        self._store = Store(self.path, self.options, clock)
        self._checkpointer = Checkpointer(self.path, self.options)
        self._work: asyncio.Event | None = None
        self._closed = False

    # -- the DeliveryQueue contract ------------------------------------------------------------

    async def submit(self, delivery: Delivery) -> Submitted:
        now = self._clock()
        # Compressed on the store thread: zlib lets go of the GIL, so the ~0.1 ms it takes for a
        # 28 KB body runs beside the event loop instead of on it (the web process's busiest thread).
        result = await self._run(
            lambda conn: ops.submit(conn, delivery, zlib.compress(delivery.body, _ZLIB_LEVEL), now), durable=True
        )
        self._wake()
        return result

    async def claim(self, worker: str, *, lease_seconds: float) -> Delivery | None:
        now = self._clock()
        max_attempts = self.options.max_attempts
        return await self._run(lambda conn: ops.claim(conn, worker, now, now + lease_seconds, max_attempts))

    async def complete(self, delivery: Delivery) -> None:
        await self._run(lambda conn: ops.complete(conn, delivery))
        self._wake()  # a delivery waiting behind this one's coalesce key may be ready now

    async def retry(self, delivery: Delivery, *, error: str, delay_seconds: float) -> None:
        now = self._clock()
        not_before = now + max(0.0, delay_seconds)
        max_attempts = self.options.max_attempts
        await self._run(lambda conn: ops.retry(conn, delivery, error, now, not_before, max_attempts))
        self._wake()

    async def depth(self) -> int:
        return await self._run(ops.depth)

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._wake()
        await asyncio.to_thread(self._store.stop)
        await asyncio.to_thread(self._checkpointer.stop)

    # -- optional capabilities ------------------------------------------------------------------

    async def release(self, delivery: Delivery) -> None:
        """Give a claimed delivery back at once, without using up an attempt."""
        now = self._clock()
        await self._run(lambda conn: ops.release(conn, delivery, now))
        self._wake()

    async def renew(self, delivery: Delivery, *, lease_seconds: float) -> bool:
        """Extend a held lease to *lease_seconds* from now; False when this claim lost it."""
        now = self._clock()
        return await self._run(lambda conn: ops.renew(conn, delivery, now + lease_seconds))

    async def reclaim_orphans(self, gone: Callable[[str], bool] = is_gone) -> int:
        """End the leases whose owner *gone* says no longer runs; they can be claimed at once."""
        now = self._clock()
        return await self._run(lambda conn: ops.reclaim_orphans(conn, gone, now))

    async def seen(self, delivery_id: str) -> bool:
        """True when a submit of *delivery_id* now would be refused as a duplicate."""
        return await self._run(lambda conn: ops.seen(conn, delivery_id))

    async def purge_seen(self, older_than: float) -> int:
        """Forget delivery ids first seen before epoch *older_than*."""
        return await self._run(lambda conn: ops.purge_seen(conn, older_than))

    async def wait_for_work(self, timeout: float) -> None:
        """Return on a local submit/complete/retry, or after min(*timeout*, the poll interval)."""
        if self._work is None:
            self._work = asyncio.Event()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._work.wait(), min(timeout, POLL_SECONDS))
        self._work.clear()

    async def dead(self, limit: int = 100) -> list[DeadLetter]:
        """The deliveries given up on, newest first."""
        return await self._run(lambda conn: ops.dead(conn, limit))

    # -- internals ------------------------------------------------------------------------------

    async def _run(self, fn: Callable[[Conn], T], *, durable: bool = False) -> T:
        if self._closed:
            raise QueueClosedError("the delivery queue is closed")
        return await self._store.run(fn, durable=durable)

    def _wake(self) -> None:
        if self._work is not None:
            self._work.set()
