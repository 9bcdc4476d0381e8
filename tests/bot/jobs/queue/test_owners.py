"""Claims know their owner (issue 8, item 5): a claim whose process is gone from this host is
reclaimed at once, not when its lease runs out; a live worker's lease is renewed while it works."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.jobs.owner import Owner, _start_ticks, is_gone, owner_name, this_process
from bot.jobs.redis.keys import RedisOptions
from bot.jobs.redis.queue import RedisQueue
from bot.jobs.sqlite.queue import SqliteQueue
from tests.bot.jobs.queue.conftest import RedisServer, delivery

LONG_LEASE = 600.0  # no test here waits for a lease to run out


def dead_pid() -> int:
    """The pid of a process that has exited and been reaped."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def owner_with(pid: int, started: str = "1") -> str:
    me = this_process()
    return Owner(me.host, me.boot, me.pidns, pid, started).encode()


# -- who is gone -----------------------------------------------------------------------------------


def test_a_process_that_exited_is_gone_and_this_one_is_not() -> None:
    assert is_gone(owner_with(dead_pid()))
    assert not is_gone(owner_name())


def test_a_recycled_pid_with_another_start_time_is_gone() -> None:
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"]) as child:
        try:
            started = _start_ticks(child.pid)
            assert started is not None

            assert not is_gone(owner_with(child.pid, started))
            assert is_gone(owner_with(child.pid, str(int(started) + 1)))  # same pid, another process
        finally:
            child.kill()


def test_owners_elsewhere_are_never_judged_but_a_reboot_ends_every_process() -> None:
    me = this_process()
    pid = dead_pid()

    assert not is_gone(Owner("another-host", me.boot, me.pidns, pid, "1").encode())
    assert not is_gone(Owner(me.host, me.boot, "1", pid, "1").encode())  # another PID namespace
    assert not is_gone("not an owner at all")
    assert is_gone(Owner(me.host, "00000000" if me.boot != "00000000" else "11111111", me.pidns, 1, "1").encode())


# -- SQLite ------------------------------------------------------------------------------------------


async def test_sqlite_reclaims_at_once_a_claim_whose_owner_is_gone(tmp_path: Path) -> None:
    dead, restarted = SqliteQueue(tmp_path / "q.db"), SqliteQueue(tmp_path / "q.db")
    try:
        await dead.submit(delivery("d-orphan", key="octo/repo#1"))
        first = await dead.claim(owner_with(dead_pid()), lease_seconds=LONG_LEASE)
        assert first is not None and await restarted.claim(owner_name(), lease_seconds=60) is None

        reclaimed = await restarted.reclaim_orphans()
        taken = await restarted.claim(owner_name(), lease_seconds=60)

        assert reclaimed == 1
        assert taken is not None and (taken.id, taken.attempts) == ("d-orphan", 2)
    finally:
        await dead.close()
        await restarted.close()


async def test_sqlite_leaves_a_live_owners_claim_alone(tmp_path: Path) -> None:
    queue = SqliteQueue(tmp_path / "q.db")
    try:
        await queue.submit(delivery("d-live"))
        assert await queue.claim(owner_name(), lease_seconds=LONG_LEASE) is not None

        assert await queue.reclaim_orphans() == 0
        assert await queue.claim("another", lease_seconds=60) is None
    finally:
        await queue.close()


async def test_sqlite_renew_keeps_a_lease_past_its_first_term_and_fails_once_lost(tmp_path: Path) -> None:
    queue = SqliteQueue(tmp_path / "q.db")
    try:
        await queue.submit(delivery("d-renew"))
        held = await queue.claim("w1", lease_seconds=0.3)
        assert held is not None

        assert await queue.renew(held, lease_seconds=LONG_LEASE)
        await asyncio.sleep(0.5)
        assert await queue.claim("w2", lease_seconds=60) is None  # the renewed lease still holds

        await queue.retry(held, error="x", delay_seconds=0)
        assert not await queue.renew(held, lease_seconds=LONG_LEASE)  # no longer this claim's
    finally:
        await queue.close()


# -- Redis -------------------------------------------------------------------------------------------


@pytest.mark.integration
async def test_redis_reclaims_at_once_the_entries_of_a_consumer_whose_process_is_gone(
        redis_server: RedisServer) -> None:
    prefix = f"own{time.monotonic_ns()}"
    options = RedisOptions(prefix=prefix, idle_timeout=LONG_LEASE, block_seconds=0.1)
    dead = RedisQueue(redis_server.url, RedisOptions(prefix=prefix, idle_timeout=LONG_LEASE, block_seconds=0.1,
                                                     consumer=f"{owner_with(dead_pid())}~abc123"))
    restarted = RedisQueue(redis_server.url, options)
    try:
        await dead.submit(delivery("d-orphan", key="octo/repo#1"))
        first = None
        deadline = time.monotonic() + 5
        while first is None and time.monotonic() < deadline:
            first = await dead.claim("dies", lease_seconds=LONG_LEASE)
        assert first is not None
        await dead.close()  # as if killed: the entry stays pending for the dead consumer

        reclaimed = await restarted.reclaim_orphans()
        taken = None
        deadline = time.monotonic() + 5
        while taken is None and time.monotonic() < deadline:
            taken = await restarted.claim(owner_name(), lease_seconds=60)

        assert reclaimed == 1
        assert taken is not None and (taken.id, taken.attempts) == ("d-orphan", 2)
        await restarted.complete(taken)
    finally:
        await restarted.close()


@pytest.mark.integration
async def test_redis_renew_extends_the_lease_of_a_held_delivery(redis_server: RedisServer) -> None:
    prefix = f"renew{time.monotonic_ns()}"
    options = RedisOptions(prefix=prefix, idle_timeout=0.3, block_seconds=0.1)
    holder, other = RedisQueue(redis_server.url, options), RedisQueue(redis_server.url, options)
    try:
        await holder.submit(delivery("d-renew"))
        held = None
        deadline = time.monotonic() + 5
        while held is None and time.monotonic() < deadline:
            held = await holder.claim("w1", lease_seconds=0.3)
        assert held is not None

        for _ in range(6):  # 1.2 s, four idle timeouts: the heartbeat keeps it ours
            assert await holder.renew(held, lease_seconds=0.3)
            await asyncio.sleep(0.2)
        assert await other.claim("w2", lease_seconds=60) is None
        await holder.complete(held)
    finally:
        await holder.close()
        await other.close()
