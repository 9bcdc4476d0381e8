"""The recovery store next to each queue (memory, SQLite, Redis): open check runs and the lock that
keeps two recoveries from running at once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import socket
import sqlite3
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest

from bot.jobs.memory import MemoryQueue
from bot.jobs.queue import Delivery, DeliveryQueue, SeenQueue
from bot.jobs.sqlite.queue import SqliteQueue
from bot.recovery.report import RecoveryReport
from bot.recovery.run import RecoveryRunner
from bot.recovery.store.base import RecoveryStore
from bot.recovery.store.factory import recovery_store_for
from bot.recovery.store.memory import MemoryRecoveryStore
from bot.recovery.store.redis import RedisRecoveryStore
from bot.recovery.store.sqlite import SqliteRecoveryStore
from bot.review.context import TrackedCheck

OpenStore = Callable[[], Awaitable[RecoveryStore]]


def check(check_run_id: int, created_at: float, repo: str = "docs") -> TrackedCheck:
    return TrackedCheck("octo", repo, 1, "a" * 40, 7, check_run_id, created_at)


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    directory = tmp_path_factory.mktemp("redis")
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(directory)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(params=["memory", "sqlite", "redis"])
async def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[OpenStore]:
    """Opens stores sharing one backend (as several worker processes do), closed after the test."""
    opened: list[RecoveryStore] = []
    shared_memory = MemoryRecoveryStore()
    prefix = f"t{uuid.uuid4().hex[:8]}"
    url = request.getfixturevalue("redis_url") if request.param == "redis" else ""

    async def open_one() -> RecoveryStore:
        store: RecoveryStore
        if request.param == "memory":
            store = shared_memory
        elif request.param == "sqlite":
            store = SqliteRecoveryStore(tmp_path / "queue.db")
        else:
            from redis.asyncio import Redis

            store = RedisRecoveryStore(Redis.from_url(url), prefix)
        opened.append(store)
        return store

    yield open_one
    for store in opened:
        await store.close()


async def test_open_check_runs_come_back_oldest_first_until_completed(open_store: OpenStore) -> None:
    store, other = await open_store(), await open_store()
    await store.check_started(check(3, 300.0))
    await store.check_started(check(1, 100.0))
    await other.check_started(check(2, 200.0, repo="other"))
    await store.check_started(check(4, 900.0))

    older = await other.open_checks(created_before=500.0, limit=10)
    await other.check_completed("octo/docs", 1)
    after = await store.open_checks(created_before=500.0, limit=2)

    assert [(c.full_name, c.check_run_id) for c in older] == [("octo/docs", 1), ("octo/other", 2),
                                                              ("octo/docs", 3)]
    assert older[0] == check(1, 100.0)
    assert [c.check_run_id for c in after] == [2, 3]


async def test_noting_a_check_run_again_refreshes_it(open_store: OpenStore) -> None:
    store = await open_store()
    await store.check_started(check(1, 100.0))
    await store.check_started(check(1, 800.0))  # a re-run reopened it

    assert await store.open_checks(created_before=500.0, limit=10) == []
    assert [c.created_at for c in await store.open_checks(created_before=1e12, limit=10)] == [800.0]


async def test_one_owner_holds_the_lock_until_it_unlocks(open_store: OpenStore) -> None:
    first, second = await open_store(), await open_store()

    assert await first.try_lock("worker-a", ttl=60)
    assert await first.try_lock("worker-a", ttl=60)  # renewing its own lease
    assert not await second.try_lock("worker-b", ttl=60)
    await second.unlock("worker-b")  # not its lock: nothing happens
    assert not await second.try_lock("worker-b", ttl=60)
    await first.unlock("worker-a")
    assert await second.try_lock("worker-b", ttl=60)


async def test_the_lock_of_a_dead_owner_runs_out(open_store: OpenStore) -> None:
    first, second = await open_store(), await open_store()

    assert await first.try_lock("died-mid-run", ttl=0.2)
    assert not await second.try_lock("worker-b", ttl=60)
    await asyncio.sleep(0.3)
    assert await second.try_lock("worker-b", ttl=60)


class SlowRunner(RecoveryRunner):
    """A runner whose recovery takes a while and records overlapping runs."""

    running = 0
    overlapped = False
    runs = 0

    async def _recover(self) -> RecoveryReport:
        cls = type(self)
        cls.running += 1
        cls.overlapped = cls.overlapped or cls.running > 1
        await asyncio.sleep(0.2)
        cls.running -= 1
        cls.runs += 1
        return RecoveryReport()


async def test_the_lock_keeps_two_recoveries_from_running_at_once_on_one_sqlite_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "queue.db"
    queue = SqliteQueue(path)
    stores = [SqliteRecoveryStore(path), SqliteRecoveryStore(path)]  # two worker processes' connections
    runners = [SlowRunner(None, queue, store) for store in stores]  # type: ignore[arg-type]
    try:
        with caplog.at_level(logging.INFO, logger="bot.recovery"):
            reports = await asyncio.gather(*(runner.run_once() for runner in runners))
        later = await runners[1].run_once()  # the lock was released after the run
    finally:
        for store in stores:
            await store.close()
        await queue.close()

    assert sorted(r is None for r in reports) == [False, True]
    assert later is not None
    assert (SlowRunner.overlapped, SlowRunner.runs) == (False, 2)
    assert "another worker is running recovery; skipping this run" in caplog.text


async def test_each_queue_gets_its_store_next_to_it(tmp_path: Path) -> None:
    sqlite_queue = SqliteQueue(tmp_path / "queue.db")
    try:
        store = recovery_store_for(sqlite_queue)
        await store.check_started(check(1, 1.0))
        await store.close()
        with contextlib.closing(sqlite3.connect(tmp_path / "queue.db")) as conn:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        await sqlite_queue.close()

    assert {"deliveries", "seen", "recovery_checks", "recovery_leases"} <= tables
    assert isinstance(recovery_store_for(MemoryQueue()), MemoryRecoveryStore)


@pytest.fixture(params=["memory", "sqlite", "redis"])
async def seen_queue(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[DeliveryQueue]:
    from bot.jobs.factory import open_queue

    if request.param == "memory":
        url = "memory://"
    elif request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'queue.db'}"
    else:
        url = f"{request.getfixturevalue('redis_url')}?prefix=t{uuid.uuid4().hex[:8]}"
    queue = open_queue(url)
    yield queue
    await queue.close()


async def test_a_queue_tells_which_delivery_ids_it_accepted(seen_queue: DeliveryQueue) -> None:
    await seen_queue.submit(Delivery("guid-accepted", "pull_request", b"{}", received_at=time.time()))

    assert isinstance(seen_queue, SeenQueue)
    assert await seen_queue.seen("guid-accepted")
    assert not await seen_queue.seen("guid-never-seen")


async def test_a_redis_queue_gets_its_store_in_the_same_redis_under_its_prefix(redis_url: str) -> None:
    from redis.asyncio import Redis

    from bot.jobs.factory import open_queue

    prefix = f"t{uuid.uuid4().hex[:8]}"
    queue = open_queue(f"{redis_url}?prefix={prefix}")
    raw = Redis.from_url(redis_url)
    try:
        store = recovery_store_for(queue)
        await store.check_started(check(1, 1.0))
        keys = sorted(k.decode() for k in await raw.keys(f"{prefix}:recovery:*"))
        await store.close()
    finally:
        await queue.close()
        await raw.aclose()

    assert isinstance(store, RedisRecoveryStore)
    assert keys == [f"{prefix}:recovery:checks", f"{prefix}:recovery:checks:by_age"]
