"""Each queue operation as SQL, run on the store's thread inside its transaction (``store.py``).

Attempts and leases are fenced: :func:`retry`, :func:`release` and :func:`renew` act only if the
row is still held by the claim that returned the delivery (same ``attempts``); :func:`complete`
always deletes, since the work is done whoever finished it.
"""

from __future__ import annotations

import logging
import sqlite3
import zlib
from collections.abc import Callable

from bot.jobs.queue import DeadLetter, Delivery, Submitted
from bot.jobs.sqlite.schema import COLUMNS, NEWER_QUEUED, NEXT_LAPSED, NEXT_WAITING, OLDER_QUEUED, Conn

log = logging.getLogger(__name__)

MAX_SKIPS = 64  # superseded or dead rows one claim may step over


def submit(conn: Conn, delivery: Delivery, packed: bytes, now: float) -> Submitted:
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
        conn.execute(f"DELETE FROM deliveries WHERE {OLDER_QUEUED}", where)
        if conn.execute(f"SELECT 1 FROM deliveries WHERE {NEWER_QUEUED} LIMIT 1", where).fetchone():
            return Submitted(accepted=True, reason="superseded")
    queued = conn.execute(
        "INSERT OR IGNORE INTO deliveries (id, event, body, received_at, coalesce_key, state, attempts,"
        " not_before, updated_at) VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?)",
        (delivery.id, delivery.event, packed, delivery.received_at, key, delivery.attempts, now, now),
    )
    if queued.rowcount == 0:  # its id left the dedup window, but the delivery is still here (dead?)
        return Submitted(accepted=False, reason="duplicate")
    return Submitted(accepted=True, reason="queued")


def claim(conn: Conn, worker: str, now: float, leased_until: float, max_attempts: int) -> Delivery | None:
    for _ in range(MAX_SKIPS):
        row = next_ready(conn, now)
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


def next_ready(conn: Conn, now: float) -> sqlite3.Row | None:
    """The oldest claimable row: waiting and due, or leased with a lapsed lease."""
    rows = [conn.execute(query, {"now": now}).fetchone() for query in (NEXT_LAPSED, NEXT_WAITING)]
    ready = [row for row in rows if row is not None]
    return min(ready, key=lambda row: int(row["seq"])) if ready else None


def complete(conn: Conn, delivery: Delivery) -> None:
    conn.execute("DELETE FROM deliveries WHERE id = ?", (delivery.id,))


def retry(conn: Conn, delivery: Delivery, error: str, now: float, not_before: float, max_attempts: int) -> None:
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


def release(conn: Conn, delivery: Delivery, now: float) -> None:
    row = _held_row(conn, delivery)
    if row is None:
        return
    conn.execute(
        "UPDATE deliveries SET state = 'queued', not_before = ?, leased_until = NULL, worker = NULL,"
        " attempts = MAX(attempts - 1, 0), updated_at = ? WHERE seq = ?",
        (now, now, row["seq"]),
    )


def renew(conn: Conn, delivery: Delivery, leased_until: float) -> bool:
    renewed = conn.execute(
        "UPDATE deliveries SET leased_until = ? WHERE id = ? AND state = 'leased' AND attempts = ?",
        (leased_until, delivery.id, delivery.attempts),
    )
    return renewed.rowcount == 1


def reclaim_orphans(conn: Conn, gone: Callable[[str], bool], now: float) -> int:
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


def depth(conn: Conn) -> int:
    row = conn.execute("SELECT COUNT(*) FROM deliveries WHERE state IN ('queued', 'leased')").fetchone()
    return int(row[0])


def seen(conn: Conn, delivery_id: str) -> bool:
    found = conn.execute(
        "SELECT 1 FROM seen WHERE id = ? UNION ALL SELECT 1 FROM deliveries WHERE id = ? LIMIT 1",
        (delivery_id, delivery_id),
    ).fetchone()
    return found is not None


def purge_seen(conn: Conn, older_than: float) -> int:
    return conn.execute("DELETE FROM seen WHERE seen_at < ?", (older_than,)).rowcount


def dead(conn: Conn, limit: int) -> list[DeadLetter]:
    rows = conn.execute(
        f"SELECT {COLUMNS}, last_error FROM deliveries WHERE state = 'dead' ORDER BY updated_at DESC LIMIT ?",
        (limit,),
    ).fetchall()
    return [DeadLetter(_delivery(row, attempts=row["attempts"]), row["last_error"]) for row in rows]


def _held_row(conn: Conn, delivery: Delivery) -> sqlite3.Row | None:
    """The row if the claim that returned *delivery* still holds it (fencing by attempts)."""
    row: sqlite3.Row | None = conn.execute(f"SELECT {COLUMNS} FROM deliveries WHERE id = ?", (delivery.id,)).fetchone()
    if row is None or row["state"] != "leased" or row["attempts"] != delivery.attempts:
        log.info("delivery %s is no longer held by this claim; leaving it alone", delivery.id)
        return None
    return row


def _newer_waiting(conn: Conn, row: sqlite3.Row) -> bool:
    if row["coalesce_key"] is None:
        return False
    where = {"key": row["coalesce_key"], "seq": row["seq"], "at": row["received_at"], "id": row["id"]}
    newer = conn.execute(f"SELECT 1 FROM deliveries WHERE {NEWER_QUEUED} LIMIT 1", where).fetchone()
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
