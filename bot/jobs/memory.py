"""An in-process :class:`~bot.jobs.queue.DeliveryQueue`: tests and the simplest embedded mode.

Same semantics as the durable queues, minus durability (a restart loses what is queued):

- ``submit`` drops a delivery id already seen within ``dedup_seconds`` (a redelivery);
- deliveries sharing a ``coalesce_key`` supersede older *waiting* ones (a burst of pushes to one
  PR is reviewed once, at the newest head), and one key is never leased twice at once (two reviews
  of one PR never race on its sticky comment);
- ``claim`` leases the oldest ready delivery and returns it with ``attempts`` counting this claim
  (1 on the first), so a worker that crashes mid-job still uses up an attempt;
- a lease that runs out puts the delivery back; ``retry`` puts it back after a delay;
  ``release`` puts it back at once without using up an attempt (graceful shutdown).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import heapq
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.jobs.queue import DEDUP_SECONDS, Delivery, QueueClosedError, Submitted

MAX_DEPTH = 10_000
__all__ = ["MemoryQueue", "QueueClosedError"]


@dataclass(slots=True)
class _Entry:
    delivery: Delivery
    seq: int
    ready_at: float
    lease_until: float | None = None  # None while waiting
    last_error: str = ""


class MemoryQueue:
    """Dedup, coalescing, leases and delayed retries, all in one event loop (no locks needed)."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        dedup_seconds: float = float(DEDUP_SECONDS),
        max_depth: int = MAX_DEPTH,
    ) -> None:
        self._clock = clock
        self._dedup_seconds = dedup_seconds
        self._max_depth = max_depth
        self._entries: dict[str, _Entry] = {}  # waiting or leased, by delivery id
        self._leased: dict[str, _Entry] = {}
        self._waiting_by_key: dict[str, str] = {}  # coalesce key -> its one waiting delivery id
        self._heap: list[tuple[float, int, str]] = []  # (ready_at, seq, id); stale rows are skipped
        self._seen: dict[str, float] = {}  # delivery id -> first seen, in insertion order
        self._seq = itertools.count()
        self._work = asyncio.Event()
        self._closed = False
        self.superseded = 0  # deliveries dropped because a newer one for the same key arrived

    async def submit(self, delivery: Delivery) -> Submitted:
        self._check_open()
        now = self._clock()
        self._forget_old(now)
        if delivery.id in self._seen or (delivery.digest is not None and delivery.digest in self._seen):
            return Submitted(accepted=False, reason="duplicate")
        if len(self._entries) >= self._max_depth:
            return Submitted(accepted=False, reason="full")
        self._seen[delivery.id] = now
        if delivery.digest is not None:  # the body's dedup key, kept as long as the id
            self._seen[delivery.digest] = now
        kept = self._enqueue(_Entry(delivery, next(self._seq), ready_at=now))
        return Submitted(accepted=True, reason="queued" if kept else "superseded")

    async def claim(self, worker: str, *, lease_seconds: float) -> Delivery | None:
        self._check_open()
        now = self._clock()
        self._expire_leases(now)
        entry = self._pop_ready(now)
        if entry is None:
            self._work.clear()
            return None
        key = entry.delivery.coalesce_key
        if key is not None and self._waiting_by_key.get(key) == entry.delivery.id:
            del self._waiting_by_key[key]
        entry.lease_until = now + lease_seconds
        entry.delivery = dataclasses.replace(entry.delivery, attempts=entry.delivery.attempts + 1)
        self._leased[entry.delivery.id] = entry
        return entry.delivery

    async def complete(self, delivery: Delivery) -> None:
        self._leased.pop(delivery.id, None)
        self._entries.pop(delivery.id, None)
        self._wake()  # a delivery blocked behind this one's coalesce key may be ready now

    async def retry(self, delivery: Delivery, *, error: str, delay_seconds: float) -> None:
        entry = self._leased.pop(delivery.id, None)
        if entry is None:
            return
        entry.last_error = error
        entry.lease_until = None
        entry.ready_at = self._clock() + max(0.0, delay_seconds)
        entry.seq = next(self._seq)
        self._enqueue(entry)

    async def release(self, delivery: Delivery) -> None:
        """Give a claimed delivery back at once, without using up an attempt (graceful shutdown)."""
        entry = self._leased.get(delivery.id)
        if entry is None or entry.delivery.attempts != delivery.attempts:
            return  # no longer held by this claim
        await self.retry(delivery, error="released", delay_seconds=0)
        entry.delivery = dataclasses.replace(entry.delivery, attempts=max(0, entry.delivery.attempts - 1))

    async def renew(self, delivery: Delivery, *, lease_seconds: float) -> bool:
        """Extend a held lease to *lease_seconds* from now; False when this claim lost it."""
        entry = self._leased.get(delivery.id)
        if entry is None or entry.delivery.attempts != delivery.attempts:
            return False
        entry.lease_until = self._clock() + lease_seconds
        return True

    async def depth(self) -> int:
        self._check_open()
        return len(self._entries)

    async def seen(self, delivery_id: str) -> bool:
        """True when *delivery_id* was accepted within the dedup window (a submit would be refused)."""
        self._check_open()
        self._forget_old(self._clock())
        return delivery_id in self._seen

    async def close(self) -> None:
        self._closed = True
        self._work.set()

    async def wait_for_work(self, timeout: float) -> None:
        """Return when a delivery may be ready, or after *timeout* seconds (worker idle wait)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._work.wait(), timeout)

    # -- internals -----------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise QueueClosedError("the delivery queue is closed")

    def _wake(self) -> None:
        self._work.set()

    def _enqueue(self, entry: _Entry) -> bool:
        """Make *entry* wait; with a coalesce key only the newest waiting one survives."""
        key = entry.delivery.coalesce_key
        if key is not None:
            other = self._entries.get(self._waiting_by_key.get(key, ""))
            if other is not None and other.delivery.received_at > entry.delivery.received_at:
                self._drop(entry)
                return False
            if other is not None:
                self._drop(other)
            self._waiting_by_key[key] = entry.delivery.id
        self._entries[entry.delivery.id] = entry
        heapq.heappush(self._heap, (entry.ready_at, entry.seq, entry.delivery.id))
        self._wake()
        return True

    def _drop(self, entry: _Entry) -> None:
        self._entries.pop(entry.delivery.id, None)
        self.superseded += 1

    def _pop_ready(self, now: float) -> _Entry | None:
        busy = {e.delivery.coalesce_key for e in self._leased.values()}
        blocked: list[tuple[float, int, str]] = []
        found: _Entry | None = None
        while self._heap and self._heap[0][0] <= now:
            row = heapq.heappop(self._heap)
            entry = self._entries.get(row[2])
            if entry is None or entry.lease_until is not None or entry.seq != row[1]:
                continue  # completed, superseded, leased or re-queued since: a stale row
            if entry.delivery.coalesce_key is not None and entry.delivery.coalesce_key in busy:
                blocked.append(row)  # one review per PR at a time; it waits for the running one
                continue
            found = entry
            break
        for row in blocked:
            heapq.heappush(self._heap, row)
        return found

    def _expire_leases(self, now: float) -> None:
        for entry in [e for e in self._leased.values() if e.lease_until is not None and e.lease_until <= now]:
            del self._leased[entry.delivery.id]
            entry.lease_until = None
            entry.ready_at = now
            entry.seq = next(self._seq)
            self._enqueue(entry)

    def _forget_old(self, now: float) -> None:
        horizon = now - self._dedup_seconds
        while self._seen:
            oldest_id, seen_at = next(iter(self._seen.items()))
            if seen_at > horizon:
                return
            del self._seen[oldest_id]
