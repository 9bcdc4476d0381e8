"""The queue file's tables and the queries that find the next delivery to claim."""

from __future__ import annotations

import sqlite3

Conn = sqlite3.Connection

SCHEMA = """
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

COLUMNS = "seq, id, event, body, received_at, coalesce_key, state, attempts"

# A candidate is free unless another row with its coalesce key is under a live lease.
KEY_IS_FREE = """(d.coalesce_key IS NULL OR NOT EXISTS (
    SELECT 1 FROM deliveries AS o
    WHERE o.coalesce_key = d.coalesce_key AND o.state = 'leased' AND o.leased_until > :now
      AND o.seq != d.seq))"""
# The oldest waiting row that is due: walks deliveries_waiting, which keeps each state's rows in
# seq order, and stops at the first match (no sort, however long the backlog).
NEXT_WAITING = f"""
SELECT {COLUMNS} FROM deliveries AS d
WHERE d.state = 'queued' AND d.not_before <= :now AND {KEY_IS_FREE}
ORDER BY d.seq LIMIT 1
"""
# The oldest row whose lease ran out (its worker died); there are never more than the workers.
NEXT_LAPSED = f"""
SELECT {COLUMNS} FROM deliveries AS d
WHERE d.state = 'leased' AND d.leased_until <= :now AND {KEY_IS_FREE}
ORDER BY d.seq LIMIT 1
"""

# Queued rows with the same key that GitHub sent before (:at, :id) / after it.
OLDER_QUEUED = """
coalesce_key = :key AND state = 'queued' AND seq != :seq
AND (received_at < :at OR (received_at = :at AND id < :id))
"""
NEWER_QUEUED = """
coalesce_key = :key AND state = 'queued' AND seq != :seq
AND (received_at > :at OR (received_at = :at AND id > :id))
"""
