"""The in-memory DeliveryQueue: dedup, coalescing, leases, delayed retries, depth."""

from __future__ import annotations

import pytest

from bot.jobs.memory import MemoryQueue, QueueClosedError
from bot.jobs.queue import Delivery, DeliveryQueue


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def delivery(id: str, key: str | None = None, at: float = 0.0) -> Delivery:
    return Delivery(id=id, event="pull_request", body=b"{}", received_at=at, coalesce_key=key)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def queue(clock: Clock) -> MemoryQueue:
    return MemoryQueue(clock=clock)


def test_memory_queue_satisfies_the_protocol(queue: MemoryQueue) -> None:
    protocol_view: DeliveryQueue = queue
    assert protocol_view is queue


async def test_deliveries_come_out_in_order_with_attempts_counted(queue: MemoryQueue) -> None:
    await queue.submit(delivery("a"))
    await queue.submit(delivery("b"))

    first = await queue.claim("w", lease_seconds=60)
    second = await queue.claim("w", lease_seconds=60)

    assert (first and first.id, second and second.id) == ("a", "b")
    assert first is not None and first.attempts == 1
    assert await queue.claim("w", lease_seconds=60) is None


async def test_a_redelivered_id_is_accepted_once(queue: MemoryQueue) -> None:
    first = await queue.submit(delivery("same"))
    again = await queue.submit(delivery("same"))

    assert (first.accepted, first.reason) == (True, "queued")
    assert (again.accepted, again.reason) == (False, "duplicate")
    assert await queue.depth() == 1


async def test_a_completed_id_stays_a_duplicate_for_the_window(queue: MemoryQueue, clock: Clock) -> None:
    await queue.submit(delivery("done"))
    claimed = await queue.claim("w", lease_seconds=60)
    assert claimed is not None
    await queue.complete(claimed)

    assert (await queue.submit(delivery("done"))).reason == "duplicate"
    clock.now += 3 * 24 * 3600 + 1
    assert (await queue.submit(delivery("done"))).accepted


async def test_a_newer_delivery_for_the_same_pr_supersedes_a_waiting_one(queue: MemoryQueue) -> None:
    await queue.submit(delivery("old", key="o/r#1", at=1.0))
    result = await queue.submit(delivery("new", key="o/r#1", at=2.0))

    claimed = await queue.claim("w", lease_seconds=60)

    assert result.accepted
    assert claimed is not None and claimed.id == "new"
    assert await queue.claim("w", lease_seconds=60) is None
    assert queue.superseded == 1


async def test_an_older_delivery_arriving_late_is_dropped(queue: MemoryQueue) -> None:
    await queue.submit(delivery("new", key="o/r#1", at=2.0))
    late = await queue.submit(delivery("old", key="o/r#1", at=1.0))

    assert (late.accepted, late.reason) == (True, "superseded")
    assert await queue.depth() == 1


async def test_one_pr_is_never_leased_twice_at_once(queue: MemoryQueue) -> None:
    await queue.submit(delivery("first", key="o/r#1", at=1.0))
    running = await queue.claim("w1", lease_seconds=60)
    await queue.submit(delivery("second", key="o/r#1", at=2.0))
    await queue.submit(delivery("other", key="o/r#2", at=3.0))

    blocked = await queue.claim("w2", lease_seconds=60)
    assert running is not None
    await queue.complete(running)
    unblocked = await queue.claim("w2", lease_seconds=60)

    assert blocked is not None and blocked.id == "other"
    assert unblocked is not None and unblocked.id == "second"


async def test_deliveries_without_a_key_are_never_coalesced(queue: MemoryQueue) -> None:
    await queue.submit(delivery("a", at=1.0))
    await queue.submit(delivery("b", at=2.0))

    assert await queue.depth() == 2


async def test_retry_waits_for_its_delay(queue: MemoryQueue, clock: Clock) -> None:
    await queue.submit(delivery("a"))
    claimed = await queue.claim("w", lease_seconds=60)
    assert claimed is not None

    await queue.retry(claimed, error="boom", delay_seconds=30)

    assert await queue.claim("w", lease_seconds=60) is None
    clock.now += 30
    again = await queue.claim("w", lease_seconds=60)
    assert again is not None and again.attempts == 2
    assert await queue.depth() == 1


async def test_an_expired_lease_hands_the_delivery_out_again(queue: MemoryQueue, clock: Clock) -> None:
    await queue.submit(delivery("a"))
    assert await queue.claim("crashed", lease_seconds=10) is not None

    assert await queue.claim("w", lease_seconds=10) is None
    clock.now += 10
    reclaimed = await queue.claim("w", lease_seconds=10)

    assert reclaimed is not None and (reclaimed.id, reclaimed.attempts) == ("a", 2)


async def test_depth_counts_waiting_and_leased(queue: MemoryQueue) -> None:
    await queue.submit(delivery("a"))
    await queue.submit(delivery("b"))
    claimed = await queue.claim("w", lease_seconds=60)
    assert claimed is not None

    assert await queue.depth() == 2
    await queue.complete(claimed)
    assert await queue.depth() == 1


async def test_a_full_queue_refuses_instead_of_growing(clock: Clock) -> None:
    queue = MemoryQueue(clock=clock, max_depth=1)
    await queue.submit(delivery("a"))

    assert (await queue.submit(delivery("b"))).reason == "full"


async def test_a_closed_queue_raises(queue: MemoryQueue) -> None:
    await queue.close()

    with pytest.raises(QueueClosedError):
        await queue.submit(delivery("a"))


async def test_wait_for_work_returns_when_something_is_submitted(queue: MemoryQueue) -> None:
    assert await queue.claim("w", lease_seconds=1) is None  # idle: the wake-up flag is cleared
    await queue.submit(delivery("a"))

    await queue.wait_for_work(timeout=5)  # returns at once

    assert await queue.claim("w", lease_seconds=1) is not None


async def test_release_gives_a_delivery_back_without_using_an_attempt(queue: MemoryQueue) -> None:
    await queue.submit(delivery("a"))
    claimed = await queue.claim("w", lease_seconds=60)
    assert claimed is not None

    await queue.release(claimed)
    again = await queue.claim("w", lease_seconds=60)

    assert again is not None and (again.id, again.attempts) == ("a", 1)
