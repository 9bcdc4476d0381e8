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
    ``worker`` records the claim's owner (``bot/queue/owner.py``: host, boot, PID namespace, pid,
    process start time). :meth:`SqliteQueue.reclaim_orphans` ends at once the leases whose owner
    certainly no longer runs on this host (a worker killed with ``kill -9``), so a restarted
    process takes its interrupted job straight back instead of waiting for the lease. Leases are
    short (``DEVDOCS_WORKER_LEASE_SECONDS``, 30 s) and the worker renews them (:meth:`renew`)
    every third of that while the job runs; a worker on another host that dies loses its claim
    when the lease runs out.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import queue
import sqlite3
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

from bot.queue.base import DEDUP_SECONDS, DeadLetter, Delivery, QueueClosedError, Submitted
from bot.queue.owner import is_gone

log = logging.getLogger(__name__)

T = TypeVar("T")
Synchronous = Literal["FULL", "NORMAL"]
Conn = sqlite3.Connection

MAX_ATTEMPTS = 8
BUSY_TIMEOUT_SECONDS = 10.0
PURGE_EVERY_SECONDS = 3600.0
CHECKPOINT_EVERY_SECONDS = 1.0
POLL_SECONDS = 0.25  # wait_for_work: other processes' submits are only seen by polling
_MAX_BATCH = 256  # operations per transaction
_BUSY_SLICE_MS = 2  # SQLite's own busy wait per BEGIN attempt; _begin() polls beyond it
_BUSY_CODES = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
_ZLIB_LEVEL = 1  # fast; webhook JSON still shrinks ~7x (28 KB → 4 KB): less WAL to write and fsync
_MAX_SKIPS = 64  # superseded or dead rows one claim may step over

_SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    seq          INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    event        TEXT NOT NULL,
    body         BLOB NOT NULL,
    received_at  REAL NOT NULL,
    coalesce_key TEXT,
    state        TEXT NOT NULL CHECK (state IN ('queued', 'leased', 'dead')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    not_before   REAL NOT NULL,
    leased_until REAL,
    worker       TEXT,
    last_error   TEXT NOT NULL DEFAULT '',
    updated_at   REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_waiting ON deliveries (state);
CREATE INDEX IF NOT EXISTS deliveries_leased ON deliveries (state, leased_until);
CREATE INDEX IF NOT EXISTS deliveries_by_key ON deliveries (coalesce_key, state);
CREATE TABLE IF NOT EXISTS seen (
    id      TEXT PRIMARY KEY,
    seen_at REAL NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS seen_by_age ON seen (seen_at);
"""

_COLUMNS = "seq, id, event, body, received_at, coalesce_key, state, attempts"

# A candidate is free unless another row with its coalesce key is under a live lease.
_KEY_IS_FREE = """(d.coalesce_key IS NULL OR NOT EXISTS (
    SELECT 1 FROM deliveries AS o
    WHERE o.coalesce_key = d.coalesce_key AND o.state = 'leased' AND o.leased_until > :now
      AND o.seq != d.seq))"""
# The oldest waiting row that is due: walks deliveries_waiting, which keeps each state's rows in
# seq order, and stops at the first match (no sort, however long the backlog).
_NEXT_WAITING = f"""
SELECT {_COLUMNS} FROM deliveries AS d
WHERE d.state = 'queued' AND d.not_before <= :now AND {_KEY_IS_FREE}
ORDER BY d.seq LIMIT 1
"""
# The oldest row whose lease ran out (its worker died); there are never more than the workers.
_NEXT_LAPSED = f"""
SELECT {_COLUMNS} FROM deliveries AS d
WHERE d.state = 'leased' AND d.leased_until <= :now AND {_KEY_IS_FREE}
ORDER BY d.seq LIMIT 1
"""

# Queued rows with the same key that GitHub sent before (:at, :id) / after it.
_OLDER_QUEUED = """
coalesce_key = :key AND state = 'queued' AND seq != :seq
AND (received_at < :at OR (received_at = :at AND id < :id))
"""
_NEWER_QUEUED = """
coalesce_key = :key AND state = 'queued' AND seq != :seq
AND (received_at > :at OR (received_at = :at AND id > :id))
"""


class SqliteQueueError(RuntimeError):
    """The queue file could not be opened or prepared."""


@dataclass(frozen=True, slots=True)
class SqliteOptions:
    synchronous: Synchronous = "FULL"
    busy_timeout: float = BUSY_TIMEOUT_SECONDS
    max_attempts: int = MAX_ATTEMPTS
    dedup_seconds: float = DEDUP_SECONDS
    purge_every: float = PURGE_EVERY_SECONDS


class SqliteQueue:
    """A :class:`~bot.queue.base.DeliveryQueue` (plus release, renew, reclaim_orphans, seen,
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
        self._store = _Store(self.path, self.options, clock)
        self._checkpointer = _Checkpointer(self.path, self.options)
        self._work: asyncio.Event | None = None
        self._closed = False

    # -- the DeliveryQueue contract ------------------------------------------------------------

    async def submit(self, delivery: Delivery) -> Submitted:
        now = self._clock()
        # Compressed on the store thread: zlib lets go of the GIL, so the ~0.1 ms it takes for a
        # 28 KB body runs beside the event loop instead of on it (the web process's busiest thread).
        result = await self._run(
            lambda conn: _submit(conn, delivery, zlib.compress(delivery.body, _ZLIB_LEVEL), now), durable=True
        )
        self._wake()
        return result

    async def claim(self, worker: str, *, lease_seconds: float) -> Delivery | None:
        now = self._clock()
        max_attempts = self.options.max_attempts
        return await self._run(lambda conn: _claim(conn, worker, now, now + lease_seconds, max_attempts))

    async def complete(self, delivery: Delivery) -> None:
        await self._run(lambda conn: _complete(conn, delivery))
        self._wake()  # a delivery waiting behind this one's coalesce key may be ready now

    async def retry(self, delivery: Delivery, *, error: str, delay_seconds: float) -> None:
        now = self._clock()
        not_before = now + max(0.0, delay_seconds)
        max_attempts = self.options.max_attempts
        await self._run(lambda conn: _retry(conn, delivery, error, now, not_before, max_attempts))
        self._wake()

    async def depth(self) -> int:
        return await self._run(_depth)

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
        await self._run(lambda conn: _release(conn, delivery, now))
        self._wake()

    async def renew(self, delivery: Delivery, *, lease_seconds: float) -> bool:
        """Extend a held lease to *lease_seconds* from now; False when this claim lost it."""
        now = self._clock()
        return await self._run(lambda conn: _renew(conn, delivery, now + lease_seconds))

    async def reclaim_orphans(self, gone: Callable[[str], bool] = is_gone) -> int:
        """End the leases whose owner *gone* says no longer runs; they can be claimed at once."""
        now = self._clock()
        return await self._run(lambda conn: _reclaim_orphans(conn, gone, now))

    async def seen(self, delivery_id: str) -> bool:
        """True when a submit of *delivery_id* now would be refused as a duplicate."""
        return await self._run(lambda conn: _seen(conn, delivery_id))

    async def purge_seen(self, older_than: float) -> int:
        """Forget delivery ids first seen before epoch *older_than*."""
        return await self._run(lambda conn: _purge_seen(conn, older_than))

    async def wait_for_work(self, timeout: float) -> None:
        """Return on a local submit/complete/retry, or after min(*timeout*, the poll interval)."""
        if self._work is None:
            self._work = asyncio.Event()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._work.wait(), min(timeout, POLL_SECONDS))
        self._work.clear()

    async def dead(self, limit: int = 100) -> list[DeadLetter]:
        """The deliveries given up on, newest first."""
        return await self._run(lambda conn: _dead(conn, limit))

    # -- internals ------------------------------------------------------------------------------

    async def _run(self, fn: Callable[[Conn], T], *, durable: bool = False) -> T:
        if self._closed:
            raise QueueClosedError("the delivery queue is closed")
        return await self._store.run(fn, durable=durable)

    def _wake(self) -> None:
        if self._work is not None:
            self._work.set()


# -- operations (run on the store's thread, inside its transaction) ---------------------------------


def _submit(conn: Conn, delivery: Delivery, packed: bytes, now: float) -> Submitted:
    digest = delivery.digest
    if digest is not None and conn.execute("SELECT 1 FROM seen WHERE id = ?", (digest,)).fetchone():
        return Submitted(accepted=False, reason="duplicate")  # the same body under another id
    inserted = conn.execute("INSERT OR IGNORE INTO seen (id, seen_at) VALUES (?, ?)", (delivery.id, now))
    if inserted.rowcount == 0:
        return Submitted(accepted=False, reason="duplicate")
    if digest is not None:
        conn.execute("INSERT OR IGNORE INTO seen (id, seen_at) VALUES (?, ?)", (digest, now))
    key = delivery.coalesce_key
    if key is not None:
        where = {"key": key, "seq": -1, "at": delivery.received_at, "id": delivery.id}
        conn.execute(f"DELETE FROM deliveries WHERE {_OLDER_QUEUED}", where)
        if conn.execute(f"SELECT 1 FROM deliveries WHERE {_NEWER_QUEUED} LIMIT 1", where).fetchone():
            return Submitted(accepted=True, reason="superseded")
    queued = conn.execute(
        "INSERT OR IGNORE INTO deliveries (id, event, body, received_at, coalesce_key, state, attempts,"
        " not_before, updated_at) VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?)",
        (delivery.id, delivery.event, packed, delivery.received_at, key, delivery.attempts, now, now),
    )
    if queued.rowcount == 0:  # its id left the dedup window, but the delivery is still here (dead?)
        return Submitted(accepted=False, reason="duplicate")
    return Submitted(accepted=True, reason="queued")


def _claim(conn: Conn, worker: str, now: float, leased_until: float, max_attempts: int) -> Delivery | None:
    for _ in range(_MAX_SKIPS):
        row = _next_ready(conn, now)
        if row is None:
            return None
        if row["state"] == "leased" and _newer_waiting(conn, row):
            conn.execute("DELETE FROM deliveries WHERE seq = ?", (row["seq"],))  # superseded
            continue
        if row["attempts"] >= max_attempts:
            _bury(conn, row["seq"], f"lease ran out on attempt {row['attempts']} of {max_attempts}", now)
            continue
        conn.execute(
            "UPDATE deliveries SET state = 'leased', leased_until = ?, worker = ?,"
            " attempts = attempts + 1, updated_at = ? WHERE seq = ?",
            (leased_until, worker, now, row["seq"]),
        )
        return _delivery(row, attempts=row["attempts"] + 1)
    return None


def _next_ready(conn: Conn, now: float) -> sqlite3.Row | None:
    """The oldest claimable row: waiting and due, or leased with a lapsed lease."""
    rows = [conn.execute(query, {"now": now}).fetchone() for query in (_NEXT_LAPSED, _NEXT_WAITING)]
    ready = [row for row in rows if row is not None]
    return min(ready, key=lambda row: int(row["seq"])) if ready else None


def _complete(conn: Conn, delivery: Delivery) -> None:
    conn.execute("DELETE FROM deliveries WHERE id = ?", (delivery.id,))


def _retry(conn: Conn, delivery: Delivery, error: str, now: float, not_before: float, max_attempts: int) -> None:
    row = _held_row(conn, delivery)
    if row is None:
        return
    if _newer_waiting(conn, row):
        conn.execute("DELETE FROM deliveries WHERE seq = ?", (row["seq"],))
    elif row["attempts"] >= max_attempts:
        _bury(conn, row["seq"], error, now)
    else:
        conn.execute(
            "UPDATE deliveries SET state = 'queued', not_before = ?, leased_until = NULL, worker = NULL,"
            " last_error = ?, updated_at = ? WHERE seq = ?",
            (not_before, error, now, row["seq"]),
        )


def _release(conn: Conn, delivery: Delivery, now: float) -> None:
    row = _held_row(conn, delivery)
    if row is None:
        return
    conn.execute(
        "UPDATE deliveries SET state = 'queued', not_before = ?, leased_until = NULL, worker = NULL,"
        " attempts = MAX(attempts - 1, 0), updated_at = ? WHERE seq = ?",
        (now, now, row["seq"]),
    )


def _renew(conn: Conn, delivery: Delivery, leased_until: float) -> bool:
    renewed = conn.execute(
        "UPDATE deliveries SET leased_until = ? WHERE id = ? AND state = 'leased' AND attempts = ?",
        (leased_until, delivery.id, delivery.attempts),
    )
    return renewed.rowcount == 1


def _reclaim_orphans(conn: Conn, gone: Callable[[str], bool], now: float) -> int:
    rows = conn.execute(
        "SELECT seq, id, worker FROM deliveries WHERE state = 'leased' AND leased_until > ?", (now,)
    ).fetchall()
    orphans = [row for row in rows if row["worker"] and gone(row["worker"])]
    for row in orphans:
        log.warning("delivery %s was claimed by %s, which no longer runs; reclaiming it now",
                    row["id"], row["worker"])
        conn.execute("UPDATE deliveries SET leased_until = ?, updated_at = ? WHERE seq = ?",
                     (now, now, row["seq"]))
    return len(orphans)


def _depth(conn: Conn) -> int:
    row = conn.execute("SELECT COUNT(*) FROM deliveries WHERE state IN ('queued', 'leased')").fetchone()
    return int(row[0])


def _seen(conn: Conn, delivery_id: str) -> bool:
    found = conn.execute(
        "SELECT 1 FROM seen WHERE id = ? UNION ALL SELECT 1 FROM deliveries WHERE id = ? LIMIT 1",
        (delivery_id, delivery_id),
    ).fetchone()
    return found is not None


def _purge_seen(conn: Conn, older_than: float) -> int:
    return conn.execute("DELETE FROM seen WHERE seen_at < ?", (older_than,)).rowcount


def _dead(conn: Conn, limit: int) -> list[DeadLetter]:
    rows = conn.execute(
        f"SELECT {_COLUMNS}, last_error FROM deliveries WHERE state = 'dead' ORDER BY updated_at DESC LIMIT ?",
        (limit,),
    ).fetchall()
    return [DeadLetter(_delivery(row, attempts=row["attempts"]), row["last_error"]) for row in rows]


def _held_row(conn: Conn, delivery: Delivery) -> sqlite3.Row | None:
    """The row if the claim that returned *delivery* still holds it (fencing by attempts)."""
    row: sqlite3.Row | None = conn.execute(f"SELECT {_COLUMNS} FROM deliveries WHERE id = ?", (delivery.id,)).fetchone()
    if row is None or row["state"] != "leased" or row["attempts"] != delivery.attempts:
        log.info("delivery %s is no longer held by this claim; leaving it alone", delivery.id)
        return None
    return row


def _newer_waiting(conn: Conn, row: sqlite3.Row) -> bool:
    if row["coalesce_key"] is None:
        return False
    where = {"key": row["coalesce_key"], "seq": row["seq"], "at": row["received_at"], "id": row["id"]}
    newer = conn.execute(f"SELECT 1 FROM deliveries WHERE {_NEWER_QUEUED} LIMIT 1", where).fetchone()
    return newer is not None


def _bury(conn: Conn, seq: int, error: str, now: float) -> None:
    log.warning("giving up on delivery row %d: %s", seq, error)
    conn.execute(
        "UPDATE deliveries SET state = 'dead', leased_until = NULL, worker = NULL, last_error = ?,"
        " updated_at = ? WHERE seq = ?",
        (error, now, seq),
    )


def _delivery(row: sqlite3.Row, *, attempts: int) -> Delivery:
    return Delivery(
        id=row["id"],
        event=row["event"],
        body=zlib.decompress(row["body"]),
        received_at=row["received_at"],
        coalesce_key=row["coalesce_key"],
        attempts=attempts,
    )


# -- the store thread ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Call:
    fn: Callable[[Conn], Any]
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Any]
    durable: bool  # must be on disk before the caller hears back (submit)


@dataclass(slots=True)
class _Outcome:
    call: _Call
    value: Any = None
    error: BaseException | None = None


class _Store:
    """One thread, one connection: runs closures in group-committed transactions."""

    def __init__(self, path: Path, options: SqliteOptions, clock: Callable[[], float]) -> None:
        self.path = path
        self.options = options
        self.clock = clock
        self._calls: queue.SimpleQueue[_Call | None] = queue.SimpleQueue()
        self._next_purge = 0.0
        self._synchronous = options.synchronous
        ready: concurrent.futures.Future[None] = concurrent.futures.Future()
        self._thread = threading.Thread(target=self._main, args=(ready,), name=f"sqlite-queue {path.name}", daemon=True)
        self._thread.start()
        try:
            ready.result(timeout=options.busy_timeout + 5.0)
        except (sqlite3.Error, OSError, concurrent.futures.TimeoutError) as exc:
            raise SqliteQueueError(f"cannot open the delivery queue at {str(path)!r}: {exc}") from exc

    async def run(self, fn: Callable[[Conn], T], *, durable: bool = False) -> T:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._calls.put(_Call(fn, loop, future, durable))
        return await future

    def stop(self) -> None:
        self._calls.put(None)
        self._thread.join()
        while True:  # a call that raced close() must not wait for ever
            try:
                late = self._calls.get_nowait()
            except queue.Empty:
                return
            if late is not None:
                _resolve([_Outcome(late, error=QueueClosedError("the delivery queue is closed"))])

    def _main(self, ready: concurrent.futures.Future[None]) -> None:
        try:
            conn = _connect(self.path, self.options)
        except (sqlite3.Error, OSError) as exc:
            ready.set_exception(exc)
            return
        ready.set_result(None)
        try:
            self._serve(conn)
        finally:
            conn.close()

    def _serve(self, conn: Conn) -> None:
        while True:
            batch, stopping = self._next_batch()
            if batch:
                _resolve(self._run_batch(conn, batch))
            if stopping:
                return
            self._maybe_purge(conn)

    def _next_batch(self) -> tuple[list[_Call], bool]:
        first = self._calls.get()
        if first is None:
            return [], True
        batch = [first]
        while len(batch) < _MAX_BATCH:
            try:
                call = self._calls.get_nowait()
            except queue.Empty:
                break
            if call is None:
                return batch, True
            batch.append(call)
        return batch, False

    def _run_batch(self, conn: Conn, batch: list[_Call]) -> list[_Outcome]:
        try:
            self._set_synchronous(conn, batch)
            return _transact(conn, batch, self.options.busy_timeout)
        except Exception as exc:  # the thread must outlive any error, or every caller would hang
            log.exception("the SQLite queue's store thread hit an unexpected error")
            _rollback(conn)
            return [_Outcome(call, error=exc) for call in batch]

    def _set_synchronous(self, conn: Conn, batch: list[_Call]) -> None:
        """FULL (fsync on commit) only for batches that carry a submit; see the module doc."""
        full = self.options.synchronous == "FULL" and any(call.durable for call in batch)
        wanted: Synchronous = "FULL" if full else "NORMAL"
        if wanted != self._synchronous:
            conn.execute(f"PRAGMA synchronous = {wanted}")
            self._synchronous = wanted

    def _maybe_purge(self, conn: Conn) -> None:
        now = self.clock()
        if now < self._next_purge:
            return
        self._next_purge = now + self.options.purge_every
        try:
            _begin(conn, self.options.busy_timeout)
            purged = _purge_seen(conn, now - self.options.dedup_seconds)
            conn.execute("COMMIT")
        except sqlite3.Error:
            _rollback(conn)
            log.exception("purging old delivery ids failed; will try again later")
            return
        if purged:
            log.info("forgot %d delivery ids older than the dedup window", purged)


def _connect(path: Path, options: SqliteOptions) -> Conn:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=options.busy_timeout, isolation_level=None, check_same_thread=True)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {int(options.busy_timeout * 1000)}")
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        conn.close()
        raise sqlite3.OperationalError(f"the file system refused WAL mode (journal_mode is {mode!r})")
    conn.execute(f"PRAGMA synchronous = {options.synchronous}")
    try:
        conn.executescript(f"BEGIN IMMEDIATE;{_SCHEMA}COMMIT;")
    except sqlite3.Error:
        _rollback(conn)
        conn.close()
        raise
    conn.execute(f"PRAGMA busy_timeout = {_BUSY_SLICE_MS}")  # from now on _begin() does the waiting
    conn.execute("PRAGMA wal_autocheckpoint = 0")  # _Checkpointer's job, off the submit path
    return conn


class _Checkpointer:
    """Copies the WAL back into the database file every second, on a thread of its own.

    SQLite would otherwise checkpoint inside whichever commit crosses 1000 WAL pages, and a submit
    batch would wait for the copy and its fsyncs. ``PASSIVE`` never blocks readers or writers;
    every process runs one (a checkpoint that finds nothing to do is cheap).
    """

    def __init__(self, path: Path, options: SqliteOptions) -> None:
        self._stopping = threading.Event()
        self._thread = threading.Thread(
            target=self._main, args=(path, options), name=f"sqlite-checkpoint {path.name}", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join()

    def _main(self, path: Path, options: SqliteOptions) -> None:
        conn = sqlite3.connect(path, timeout=options.busy_timeout, isolation_level=None)
        try:
            conn.execute("PRAGMA wal_autocheckpoint = 0")
            while not self._stopping.wait(CHECKPOINT_EVERY_SECONDS):
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                except sqlite3.Error as exc:
                    log.warning("WAL checkpoint failed (will retry): %s", exc)
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error as exc:
            log.warning("WAL checkpoints stopped: %s", exc)
        finally:
            conn.close()


def _begin(conn: Conn, timeout: float) -> None:
    """``BEGIN IMMEDIATE``, waiting up to *timeout* seconds for another process's write lock.

    SQLite's own busy handler sleeps ever longer (up to 100 ms a time) while it waits, however
    soon the lock is free; polling in slices of a few milliseconds keeps the wait close to the
    other process's actual transaction time.
    """
    deadline = time.monotonic() + timeout
    pause = 0.0005
    while True:
        try:
            conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode not in _BUSY_CODES or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.004)


def _transact(conn: Conn, batch: list[_Call], busy_timeout: float) -> list[_Outcome]:
    """Run *batch* in one transaction; an operation that raises is rolled back alone."""
    try:
        _begin(conn, busy_timeout)
    except sqlite3.Error as exc:
        return [_Outcome(call, error=exc) for call in batch]
    outcomes = [_apply(conn, call) for call in batch]
    try:
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        _rollback(conn)
        return [_Outcome(call, error=exc) for call in batch]
    return outcomes


def _apply(conn: Conn, call: _Call) -> _Outcome:
    conn.execute("SAVEPOINT op")
    try:
        value = call.fn(conn)
    except Exception as exc:  # the caller gets it; the rest of the batch goes on
        conn.execute("ROLLBACK TO op")
        conn.execute("RELEASE op")
        return _Outcome(call, error=exc)
    conn.execute("RELEASE op")
    return _Outcome(call, value=value)


def _rollback(conn: Conn) -> None:
    if conn.in_transaction:
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error:
            log.exception("rollback failed")


def _resolve(outcomes: list[_Outcome]) -> None:
    for outcome in outcomes:
        # RuntimeError: the caller's event loop is closed; nobody is waiting any more.
        with contextlib.suppress(RuntimeError):
            outcome.call.loop.call_soon_threadsafe(_settle, outcome)


def _settle(outcome: _Outcome) -> None:
    future = outcome.call.future
    if future.cancelled():
        return
    if outcome.error is not None:
        future.set_exception(outcome.error)
    else:
        future.set_result(outcome.value)
