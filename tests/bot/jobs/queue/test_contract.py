"""The DeliveryQueue contract, run against every backend (memory, sqlite, redis).

"Another worker" or "another client" is a second queue object on the same store: a second
SqliteQueue on the file, a second RedisQueue (its own consumer) on the server.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time

import pytest

from bot.jobs.queue import Delivery, DeliveryQueue, ReleasableQueue, SeenQueue, body_digest
from tests.bot.jobs.queue.conftest import OpenQueue, delivery

LEASE = 0.3  # seconds; the Redis backend's idle_timeout is set to the same value


async def claim_soon(
    queue: DeliveryQueue, worker: str = "w", *, within: float = 3.0, lease: float = 60.0
) -> Delivery | None:
    """Claim, polling for up to *within* seconds (a Redis read may still be on its way)."""
    deadline = time.monotonic() + within
    while True:
        claimed = await queue.claim(worker, lease_seconds=lease)
        if claimed is not None or time.monotonic() > deadline:
            return claimed
        await asyncio.sleep(0.02)


async def drain(queue: DeliveryQueue, worker: str = "w", *, within: float = 10.0) -> list[Delivery]:
    """Claim and complete until the queue is empty; the deliveries handed out, in order."""
    handed: list[Delivery] = []
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        claimed = await queue.claim(worker, lease_seconds=60)
        if claimed is not None:
            handed.append(claimed)
            await queue.complete(claimed)
        elif await queue.depth() == 0:
            return handed
        else:
            await asyncio.sleep(0.02)
    raise AssertionError(f"the queue did not drain within {within} s; handed out {[d.id for d in handed]}")


async def test_a_submitted_delivery_is_claimed_once_then_completed(new_queue: OpenQueue) -> None:
    queue = await new_queue()
    sent = delivery("d-1", key="octo/repo#1", body=b'{"action": "opened", "x": "\\u00e9"}')

    submitted = await queue.submit(sent)
    depth_before = await queue.depth()
    claimed = await claim_soon(queue)
    again = await queue.claim("w", lease_seconds=60)
    await queue.complete(sent if claimed is None else claimed)

    assert (submitted.accepted, submitted.reason) == (True, "queued")
    assert depth_before == 1
    assert claimed is not None
    assert (claimed.id, claimed.event, claimed.body) == (sent.id, sent.event, sent.body)
    assert (claimed.received_at, claimed.coalesce_key, claimed.attempts) == (
        sent.received_at,
        sent.coalesce_key,
        1,
    )
    assert again is None
    assert await queue.depth() == 0
    assert await queue.claim("w", lease_seconds=60) is None


async def test_a_redelivered_id_is_refused_even_after_completion(new_queue: OpenQueue) -> None:
    queue = await new_queue()

    first = await queue.submit(delivery("same"))
    while_queued = await queue.submit(delivery("same"))
    await drain(queue)
    after_done = await queue.submit(delivery("same"))

    assert first.accepted
    assert (while_queued.accepted, while_queued.reason) == (False, "duplicate")
    assert (after_done.accepted, after_done.reason) == (False, "duplicate")
    assert await queue.depth() == 0


async def test_fifty_concurrent_submits_of_one_id_from_two_clients_accept_exactly_one(
    new_queue: OpenQueue,
) -> None:
    one, two = await new_queue(), await new_queue()
    same = delivery("redelivered-50x")

    results = await asyncio.gather(*(queue.submit(same) for queue in [one, two] * 25))

    assert sum(result.accepted for result in results) == 1
    assert {result.reason for result in results if not result.accepted} == {"duplicate"}
    assert [d.id for d in await drain(one)] == ["redelivered-50x"]


async def test_a_lapsed_lease_is_claimed_by_another_worker(new_queue: OpenQueue) -> None:
    crashed, survivor = await new_queue(lease_tick=LEASE), await new_queue(lease_tick=LEASE)
    await crashed.submit(delivery("d-crash", key="octo/repo#2"))
    first = await claim_soon(crashed, "dies", lease=LEASE)  # ... and never completes: the worker died

    assert first is not None
    lease_ran_out_at = time.monotonic() + LEASE
    taken = await survivor.claim("survivor", lease_seconds=LEASE)
    while taken is None and time.monotonic() < lease_ran_out_at + 5:
        await asyncio.sleep(0.05)
        taken = await survivor.claim("survivor", lease_seconds=60)

    assert taken is not None
    assert time.monotonic() >= lease_ran_out_at - 0.05  # not before the lease ran out
    assert (taken.id, taken.attempts) == ("d-crash", 2)
    await survivor.complete(taken)
    assert await survivor.depth() == 0


async def test_a_retry_waits_for_its_delay(new_queue: OpenQueue) -> None:
    queue = await new_queue()
    await queue.submit(delivery("d-retry"))
    claimed = await claim_soon(queue)
    assert claimed is not None

    await queue.retry(claimed, error="GitHub answered 502", delay_seconds=0.8)
    retried_at = time.monotonic()
    early = await queue.claim("w", lease_seconds=60)
    depth_while_waiting = await queue.depth()
    again = await claim_soon(queue, within=5)

    assert early is None
    assert depth_while_waiting == 1
    assert again is not None and (again.id, again.attempts) == ("d-retry", 2)
    assert time.monotonic() - retried_at >= 0.75


async def test_a_burst_for_one_pr_hands_out_at_most_two_and_always_the_newest(new_queue: OpenQueue) -> None:
    queue = await new_queue()
    start = time.time()
    burst = [delivery(f"sync-{n:02d}", key="octo/repo#7", at=start + n / 100) for n in range(20)]

    await queue.submit(burst[0])
    running = await claim_soon(queue)  # the review of the first push starts at once
    for sent in burst[1:]:
        await queue.submit(sent)  # 19 more pushes within the same second
    assert running is not None
    await queue.complete(running)
    handed = [running, *await drain(queue)]

    assert len(handed) <= 2
    assert handed[-1].id == "sync-19"


async def test_a_burst_queued_before_any_worker_is_reviewed_once_at_the_newest(new_queue: OpenQueue) -> None:
    queue = await new_queue()
    start = time.time()

    results = [await queue.submit(delivery(f"push-{n:02d}", key="octo/repo#8", at=start + n / 100)) for n in range(20)]
    handed = await drain(queue)

    assert all(result.accepted for result in results)
    assert [d.id for d in handed] == ["push-19"]


async def test_an_older_delivery_arriving_late_does_not_displace_the_newer(new_queue: OpenQueue) -> None:
    queue = await new_queue()
    now = time.time()

    await queue.submit(delivery("newer", key="octo/repo#9", at=now))
    late = await queue.submit(delivery("older", key="octo/repo#9", at=now - 5))

    assert late.accepted
    assert [d.id for d in await drain(queue)] == ["newer"]


async def test_one_pr_is_never_leased_twice_at_once(new_queue: OpenQueue) -> None:
    queue = await new_queue()
    await queue.submit(delivery("first", key="octo/repo#3"))
    running = await claim_soon(queue)
    await queue.submit(delivery("second", key="octo/repo#3"))
    await queue.submit(delivery("other-pr", key="octo/repo#4"))

    meanwhile = await claim_soon(queue, within=1.0)
    assert meanwhile is not None and meanwhile.id == "other-pr"  # other PRs go on
    assert await queue.claim("w", lease_seconds=60) is None  # ... but not the busy one
    assert running is not None
    await queue.complete(meanwhile)
    await queue.complete(running)

    assert [d.id for d in await drain(queue)] == ["second"]


async def test_depth_counts_waiting_and_leased_deliveries(new_queue: OpenQueue) -> None:
    queue = await new_queue()
    for n in range(3):
        await queue.submit(delivery(f"d-{n}"))

    leased = await claim_soon(queue)
    depth_with_one_leased = await queue.depth()
    assert leased is not None
    await queue.complete(leased)

    assert depth_with_one_leased == 3
    assert await queue.depth() == 2


async def test_release_hands_a_delivery_back_without_using_an_attempt(new_queue: OpenQueue) -> None:
    queue = await new_queue()
    if not isinstance(queue, ReleasableQueue):
        pytest.skip("this backend has no release()")
    await queue.submit(delivery("d-release"))
    claimed = await claim_soon(queue)
    assert claimed is not None

    await queue.release(claimed)
    again = await claim_soon(queue)

    assert again is not None and (again.id, again.attempts) == ("d-release", 1)


async def test_a_closed_queue_refuses_submits(new_queue: OpenQueue) -> None:
    queue = await new_queue()
    await queue.close()

    with pytest.raises(RuntimeError, match="closed"):
        await queue.submit(delivery("too-late"))


async def test_seen_tells_whether_a_submit_now_would_be_a_duplicate(new_queue: OpenQueue) -> None:
    queue = await new_queue()
    if not isinstance(queue, SeenQueue):
        pytest.skip("this backend has no seen()")

    before = await queue.seen("d-seen")
    await queue.submit(delivery("d-seen"))
    await drain(queue)

    assert (before, await queue.seen("d-seen"), await queue.seen("never-sent")) == (False, True, False)


async def test_a_signed_body_replayed_under_a_new_id_is_a_duplicate(new_queue: OpenQueue) -> None:
    queue, other_client = await new_queue(), await new_queue()
    body = b'{"action": "synchronize", "number": 7}'

    def webhook(id: str, data: bytes = body) -> Delivery:  # as the receiver submits it
        return dataclasses.replace(delivery(id, key="octo/repo#7", body=data), digest=body_digest(data))

    first = await queue.submit(webhook("d-1"))
    await drain(queue)
    replayed = await other_client.submit(webhook("d-2"))  # same bytes, a new X-GitHub-Delivery
    other_body = await queue.submit(webhook("d-3", body.replace(b"7", b"8")))
    no_digest = await queue.submit(delivery("d-4", body=body))  # e.g. recovery's own deliveries

    assert (first.accepted, replayed.accepted, replayed.reason) == (True, False, "duplicate")
    assert other_body.accepted and no_digest.accepted
    assert [d.id for d in await drain(queue)] == ["d-3", "d-4"]
