"""The store thread: one thread and one connection per queue, group-committing what it is handed.

``sqlite3`` blocks, so one dedicated thread per queue owns the only connection and runs every
operation; coroutines hand it closures and await futures. The thread takes everything waiting
and runs it in one ``BEGIN IMMEDIATE … COMMIT`` (a ``SAVEPOINT`` per operation, so a failing
operation fails only its own caller). Under load ten submits cost one fsync; a caller's future
resolves only after ``COMMIT``, i.e. once its write is durable. A batch that carries a submit
commits with ``synchronous=FULL``, any other with ``NORMAL`` (see ``queue.py``). A second thread
checkpoints the WAL into the database file every second, so no commit ever pays for a checkpoint.
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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

from bot.jobs.queue import DEDUP_SECONDS, QueueClosedError
from bot.jobs.sqlite.operations import purge_seen
from bot.jobs.sqlite.schema import SCHEMA, Conn

log = logging.getLogger(__name__)

T = TypeVar("T")
Synchronous = Literal["FULL", "NORMAL"]

MAX_ATTEMPTS = 8
BUSY_TIMEOUT_SECONDS = 10.0
PURGE_EVERY_SECONDS = 3600.0
CHECKPOINT_EVERY_SECONDS = 1.0
_MAX_BATCH = 256  # operations per transaction
_BUSY_SLICE_MS = 2  # SQLite's own busy wait per BEGIN attempt; _begin() polls beyond it
_BUSY_CODES = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


class SqliteQueueError(RuntimeError):
    """The queue file could not be opened or prepared."""


@dataclass(frozen=True, slots=True)
class SqliteOptions:
    synchronous: Synchronous = "FULL"
    busy_timeout: float = BUSY_TIMEOUT_SECONDS
    max_attempts: int = MAX_ATTEMPTS
    dedup_seconds: float = DEDUP_SECONDS
    purge_every: float = PURGE_EVERY_SECONDS


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


class Store:
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
            purged = purge_seen(conn, now - self.options.dedup_seconds)
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
    try:
        mode = _switch_to_wal(conn, options.busy_timeout)
    except sqlite3.Error:
        conn.close()
        raise
    if str(mode).lower() != "wal":
        conn.close()
        raise sqlite3.OperationalError(f"the file system refused WAL mode (journal_mode is {mode!r})")
    conn.execute(f"PRAGMA synchronous = {options.synchronous}")
    try:
        conn.executescript(f"BEGIN IMMEDIATE;{SCHEMA}COMMIT;")
    except sqlite3.Error:
        _rollback(conn)
        conn.close()
        raise
    conn.execute(f"PRAGMA busy_timeout = {_BUSY_SLICE_MS}")  # from now on _begin() does the waiting
    conn.execute("PRAGMA wal_autocheckpoint = 0")  # Checkpointer's job, off the submit path
    return conn


class Checkpointer:
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


def _switch_to_wal(conn: Conn, timeout: float) -> str:
    """``PRAGMA journal_mode = WAL``, waiting up to *timeout* seconds while another process does it.

    Two processes opening a new queue file at once race to convert it: the loser can get
    ``SQLITE_BUSY`` at once, without SQLite's busy handler ever running (the lock it needs is taken
    during the other's WAL recovery), so the wait is ours.
    """
    deadline = time.monotonic() + timeout
    pause = 0.001
    while True:
        try:
            return str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode not in _BUSY_CODES or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.05)


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
