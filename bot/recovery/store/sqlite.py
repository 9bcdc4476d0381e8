"""The recovery store for ``sqlite://``: tables in the queue's own file."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from bot.recovery.store.base import LOCK_NAME
from bot.review.context import TrackedCheck

T = TypeVar("T")
BUSY_TIMEOUT_SECONDS = 10.0

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
