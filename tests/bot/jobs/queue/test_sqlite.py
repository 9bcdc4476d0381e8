"""SqliteQueue specifics: durability settings, the dedup window, group commit, clear errors."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable
from pathlib import Path

import pytest

from bot.jobs.queue import DEDUP_SECONDS, DeliveryQueue, PurgeableQueue, ReleasableQueue, WaitableQueue
from bot.jobs.sqlite.queue import SqliteQueue
from bot.jobs.sqlite.store import SqliteOptions, SqliteQueueError
from tests.bot.jobs.queue.conftest import delivery


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def queue(tmp_path: Path, clock: Clock) -> AsyncIterator[SqliteQueue]:
    opened = SqliteQueue(tmp_path / "queue.db", SqliteOptions(max_attempts=3), clock=clock)
    yield opened
    await opened.close()


def test_sqlite_queue_satisfies_the_protocol_and_the_optional_capabilities(queue: SqliteQueue) -> None:
    as_protocol: DeliveryQueue = queue

    assert as_protocol is queue
    assert isinstance(queue, ReleasableQueue)
    assert isinstance(queue, PurgeableQueue)
    assert isinstance(queue, WaitableQueue)


def synchronous_of(queue: SqliteQueue, *, durable: bool) -> Awaitable[int]:
    return queue._store.run(lambda conn: int(conn.execute("PRAGMA synchronous").fetchone()[0]), durable=durable)


async def test_the_file_is_in_wal_mode_and_submits_commit_with_a_full_fsync(queue: SqliteQueue) -> None:
    with sqlite3.connect(queue.path) as other:
        journal_mode = other.execute("PRAGMA journal_mode").fetchone()[0]

    assert journal_mode == "wal"
    assert await synchronous_of(queue, durable=True) == 2  # FULL: a submit is fsync'ed before it returns
    assert await synchronous_of(queue, durable=False) == 1  # NORMAL: claims and completes may be re-run


async def test_synchronous_normal_can_be_chosen_for_submits_too(tmp_path: Path) -> None:
    queue = SqliteQueue(tmp_path / "normal.db", SqliteOptions(synchronous="NORMAL"))
    try:
        synchronous = await synchronous_of(queue, durable=True)
    finally:
        await queue.close()

    assert synchronous == 1


async def test_bodies_are_stored_compressed_and_come_back_byte_for_byte(queue: SqliteQueue) -> None:
    body = b'{"action": "synchronize", "url": "' + b"https://api.github.com/repos/octo/repo/" * 500 + b'"}'
    await queue.submit(delivery("big", body=body))

    stored = await queue._store.run(lambda conn: len(conn.execute("SELECT body FROM deliveries").fetchone()[0]))
    claimed = await queue.claim("w", lease_seconds=60)

    assert stored < len(body) / 5
    assert claimed is not None and claimed.body == body


async def test_a_delivery_id_is_forgotten_once_the_dedup_window_has_passed(tmp_path: Path, clock: Clock) -> None:
    # The store thread's own hourly purge is switched off here: it runs after a batch, so with
    # the clock moved under it, it could forget "old" before the explicit purge counts it.
    queue = SqliteQueue(tmp_path / "queue.db", SqliteOptions(max_attempts=3, purge_every=1e12), clock=clock)
    try:
        await queue.submit(delivery("old"))
        claimed = await queue.claim("w", lease_seconds=60)
        assert claimed is not None
        await queue.complete(claimed)

        clock.now += DEDUP_SECONDS - 1
        within = await queue.submit(delivery("old"))
        clock.now += 2
        purged = await queue.purge_seen(clock.now - DEDUP_SECONDS)
        after = await queue.submit(delivery("old"))
    finally:
        await queue.close()

    assert (within.accepted, purged, after.accepted) == (False, 1, True)


async def test_old_delivery_ids_are_purged_on_their_own(tmp_path: Path, clock: Clock) -> None:
    queue = SqliteQueue(tmp_path / "queue.db", SqliteOptions(purge_every=60), clock=clock)
    try:
        await queue.submit(delivery("ancient"))
        claimed = await queue.claim("w", lease_seconds=60)
        assert claimed is not None
        await queue.complete(claimed)
        clock.now += DEDUP_SECONDS + 61

        await queue.depth()  # any call lets the store thread run its hourly purge afterwards
        await queue.depth()
        again = await queue.submit(delivery("ancient"))
    finally:
        await queue.close()

    assert again.accepted


async def test_a_redelivery_of_a_dead_delivery_stays_a_duplicate_past_the_window(
    queue: SqliteQueue, clock: Clock
) -> None:
    await queue.submit(delivery("buried"))
    for _ in range(3):  # max_attempts=3
        claimed = await queue.claim("w", lease_seconds=60)
        assert claimed is not None
        await queue.retry(claimed, error="500", delay_seconds=0)
    clock.now += DEDUP_SECONDS + 1
    await queue.purge_seen(clock.now - DEDUP_SECONDS)

    again = await queue.submit(delivery("buried"))

    assert (again.accepted, again.reason) == (False, "duplicate")
    assert [letter.delivery.id for letter in await queue.dead()] == ["buried"]


async def test_concurrent_submits_are_all_durable_with_group_commit(queue: SqliteQueue) -> None:
    results = await asyncio.gather(*(queue.submit(delivery(f"d-{n}")) for n in range(300)))

    assert all(result.accepted for result in results)
    assert await queue.depth() == 300


async def test_a_failing_operation_fails_alone_and_its_batch_goes_on(queue: SqliteQueue) -> None:
    def explode(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO seen (id, seen_at) VALUES ('half-done', 0)")
        raise RuntimeError("boom")

    outcomes = await asyncio.gather(
        queue.submit(delivery("before")),
        queue._store.run(explode),
        queue.submit(delivery("after")),
        return_exceptions=True,
    )

    assert [type(outcome).__name__ for outcome in outcomes] == ["Submitted", "RuntimeError", "Submitted"]
    assert (await queue.submit(delivery("half-done"))).accepted  # its write was rolled back
    assert await queue.depth() == 3


async def test_a_lapsed_lease_superseded_by_a_newer_push_is_dropped_not_rerun(queue: SqliteQueue, clock: Clock) -> None:
    await queue.submit(delivery("old-head", key="octo/repo#1", at=1.0))
    crashed = await queue.claim("dies", lease_seconds=10)
    await queue.submit(delivery("new-head", key="octo/repo#1", at=2.0))
    clock.now += 11

    claimed = await queue.claim("w", lease_seconds=10)

    assert crashed is not None and crashed.id == "old-head"
    assert claimed is not None and claimed.id == "new-head"
    assert await queue.depth() == 1


async def test_a_retry_of_an_older_push_gives_way_to_a_newer_one(queue: SqliteQueue) -> None:
    await queue.submit(delivery("old-head", key="octo/repo#1", at=1.0))
    failing = await queue.claim("w", lease_seconds=10)
    await queue.submit(delivery("new-head", key="octo/repo#1", at=2.0))
    assert failing is not None

    await queue.retry(failing, error="502", delay_seconds=0)

    claimed = await queue.claim("w", lease_seconds=10)
    assert claimed is not None and claimed.id == "new-head"
    assert await queue.depth() == 1


async def test_an_older_push_arriving_late_is_reported_superseded(queue: SqliteQueue) -> None:
    await queue.submit(delivery("newer", key="octo/repo#1", at=2.0))

    late = await queue.submit(delivery("older", key="octo/repo#1", at=1.0))

    assert (late.accepted, late.reason) == (True, "superseded")


async def test_wait_for_work_wakes_on_a_local_submit(queue: SqliteQueue) -> None:
    waiter = asyncio.create_task(queue.wait_for_work(5.0))
    await asyncio.sleep(0.01)

    await queue.submit(delivery("wake-up"))

    await asyncio.wait_for(waiter, 0.2)


async def test_an_unusable_path_fails_at_once_naming_the_path(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")

    with pytest.raises(SqliteQueueError, match="a-file"):
        SqliteQueue(blocker / "queue.db")


async def test_a_closed_queue_says_so(queue: SqliteQueue) -> None:
    await queue.close()
    await queue.close()  # twice is harmless

    with pytest.raises(RuntimeError, match="closed"):
        await queue.depth()


async def test_claiming_from_a_long_backlog_needs_no_sort(queue: SqliteQueue) -> None:
    from bot.jobs.sqlite.schema import NEXT_WAITING

    plan = await queue._store.run(
        lambda conn: [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {NEXT_WAITING}", {"now": 0.0})]
    )

    assert any("USING INDEX deliveries_waiting" in step for step in plan), plan
    assert not any("TEMP B-TREE" in step for step in plan), plan


async def test_the_store_thread_survives_an_unexpected_error(
    queue: SqliteQueue, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.jobs.sqlite.store as module

    real = module._transact
    calls = iter([True])

    def broken_once(*args: object, **kwargs: object) -> object:
        if next(calls, False):
            raise MemoryError("simulated")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(module, "_transact", broken_once)

    with pytest.raises(MemoryError):
        await queue.submit(delivery("unlucky"))
    again = await queue.submit(delivery("lucky"))

    assert again.accepted
    assert await queue.depth() == 1
