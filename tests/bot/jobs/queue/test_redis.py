"""The Redis backend against a real redis-server: message format, heartbeat, restarts."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.jobs.factory import open_queue
from bot.jobs.queue import DEDUP_SECONDS, Delivery, DeliveryQueue
from bot.jobs.redis.broker import TASK_NAME
from bot.jobs.redis.queue import RedisQueue
from tests.bot.jobs.queue.conftest import RedisServer, delivery

pytestmark = pytest.mark.integration


def queue_url(server: RedisServer, *, idle_timeout: float = 0.3) -> str:
    return f"{server.url}?prefix=t{uuid.uuid4().hex[:10]}&idle_timeout={idle_timeout}&block=0.1"


async def claim_within(queue: DeliveryQueue, seconds: float, *, lease: float = 60.0) -> Delivery | None:
    deadline = time.monotonic() + seconds
    while (claimed := await queue.claim("w", lease_seconds=lease)) is None and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    return claimed


async def test_a_delivery_travels_as_a_taskiq_message_and_leaves_no_entry_behind(
    redis_server: RedisServer,
) -> None:
    queue = open_queue(queue_url(redis_server))
    assert isinstance(queue, RedisQueue)
    raw = Redis.from_url(redis_server.url)
    try:
        await queue.submit(delivery("d-format", key="octo/repo#1", body=b"\x00\xff binary-safe"))
        entries: Any = await raw.xrange(queue.keys.stream)
        [(_, fields)] = entries
        message = queue.broker.formatter.loads(fields[b"data"])
        seen_ttl = await raw.ttl(queue.keys.seen("d-format"))

        claimed = await claim_within(queue, 3)
        assert claimed is not None
        await queue.complete(claimed)

        assert (message.task_name, message.labels["delivery_id"]) == (TASK_NAME, "d-format")
        assert claimed.body == b"\x00\xff binary-safe"
        assert DEDUP_SECONDS - 60 < seen_ttl <= DEDUP_SECONDS
        assert await raw.xlen(queue.keys.stream) == 0  # acked entries are deleted, not kept for ever
        assert await raw.xpending(queue.keys.stream, queue.keys.group) == {
            "pending": 0, "min": None, "max": None, "consumers": []
        }  # fmt: skip
    finally:
        await queue.close()
        await raw.aclose()


async def test_a_long_review_keeps_its_lease_through_the_heartbeat(redis_server: RedisServer) -> None:
    url = queue_url(redis_server, idle_timeout=0.3)
    holder, other = open_queue(url), open_queue(url)
    try:
        await holder.submit(delivery("long-review"))
        claimed = await claim_within(holder, 3, lease=1.5)
        claimed_at = time.monotonic()
        assert claimed is not None

        during = await claim_within(other, 0.9)  # three idle timeouts: only the heartbeat keeps it
        after = await claim_within(other, 5)

        assert during is None
        assert after is not None and (after.id, after.attempts) == ("long-review", 2)
        assert time.monotonic() - claimed_at >= 1.5 - 0.3 - 0.15  # reclaimed once the lease ran out
    finally:
        await holder.close()
        await other.close()


async def test_a_burst_from_two_web_replicas_to_two_workers_reviews_at_most_twice(
    redis_server: RedisServer,
) -> None:
    url = queue_url(redis_server)
    web = [open_queue(url), open_queue(url)]
    workers = [open_queue(url), open_queue(url)]
    start = time.time()
    handed: list[Delivery] = []
    try:
        await web[0].submit(delivery("push-00", key="octo/repo#9", at=start))
        first = await claim_within(workers[0], 3)
        assert first is not None
        handed.append(first)
        for n in range(1, 20):
            await web[n % 2].submit(delivery(f"push-{n:02d}", key="octo/repo#9", at=start + n / 100))
        busy = await claim_within(workers[1], 0.5)  # the PR is under review on the other worker
        await workers[0].complete(first)
        deadline = time.monotonic() + 10
        while await web[0].depth() and time.monotonic() < deadline:
            for worker in workers:
                if (claimed := await worker.claim("w", lease_seconds=60)) is not None:
                    handed.append(claimed)
                    await worker.complete(claimed)

        assert busy is None
        assert [d.id for d in handed] == ["push-00", "push-19"]
    finally:
        for queue in [*web, *workers]:
            await queue.close()


@pytest.mark.slow
async def test_no_job_is_lost_when_redis_is_killed_and_restarted_mid_run(
    own_redis_server: RedisServer,
) -> None:
    url = queue_url(own_redis_server, idle_timeout=1.0)
    web, workers = open_queue(url), [open_queue(url), open_queue(url)]
    ids = [f"r-{n:03d}" for n in range(300)]
    done: set[str] = set()
    stop = asyncio.Event()

    async def produce() -> None:
        for delivery_id in ids:
            while True:  # a submit that failed was never acknowledged: GitHub would redeliver it
                try:
                    await web.submit(delivery(delivery_id))
                    break
                except (RedisError, OSError):
                    await asyncio.sleep(0.05)
            await asyncio.sleep(1 / 300)

    async def consume(queue: DeliveryQueue, name: str) -> None:
        while not stop.is_set():
            try:
                claimed = await queue.claim(name, lease_seconds=5)
                if claimed is None:
                    await asyncio.sleep(0.01)
                    continue
                done.add(claimed.id)
                await queue.complete(claimed)
            except (RedisError, OSError):
                await asyncio.sleep(0.05)

    consumers = [asyncio.create_task(consume(queue, f"w{n}")) for n, queue in enumerate(workers)]
    producer = asyncio.create_task(produce())
    try:
        await asyncio.sleep(0.5)  # about a third of the way through
        await asyncio.to_thread(own_redis_server.kill)
        await asyncio.sleep(0.5)
        await asyncio.to_thread(own_redis_server.start)  # same port, same AOF directory
        await asyncio.wait_for(producer, 60)
        deadline = time.monotonic() + 30
        while (set(ids) - done or await _depth(web)) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
    finally:
        stop.set()
        await asyncio.gather(*consumers, return_exceptions=True)
        for queue in [web, *workers]:
            await queue.close()

    assert sorted(set(ids) - done) == []
    assert (own_redis_server.directory / "appendonlydir").is_dir()


async def _depth(queue: DeliveryQueue) -> int:
    try:
        return await queue.depth()
    except (RedisError, OSError):
        return -1
