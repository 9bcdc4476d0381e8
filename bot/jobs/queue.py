"""The contract between the webhook receiver (web) and the review workers.

The web process verifies a delivery, then calls :meth:`DeliveryQueue.submit`, which must have
made the delivery durable before it returns; only then does the web process answer 202.
Workers take deliveries with :meth:`DeliveryQueue.claim`, run the handler, and
:meth:`~DeliveryQueue.complete` or :meth:`~DeliveryQueue.retry` them. A delivery whose worker
died is claimed again once its lease runs out (at-least-once); the handler is idempotent.
``claim`` returns the delivery with ``attempts`` counting this claim (1 on the first), so a worker
that crashes mid-job still uses up an attempt. A coalesce key is never leased twice at once.

Dedup: ``submit`` reports a duplicate (``accepted=False, reason="duplicate"``) for a delivery id
accepted within :data:`DEDUP_SECONDS`, and, when the delivery carries a ``digest`` (the receiver
sets :func:`body_digest` of the raw body), for a body accepted within the same window under any
id: GitHub's signature covers the body but not the ``X-GitHub-Delivery`` header, so a captured
signed body replayed under a new id must queue nothing. Both keys live in the same dedup store,
for the same time, and are checked and recorded atomically with the enqueue.

Implementations: ``memory`` (tests only), ``sqlite`` (embedded default, WAL, leases) and
``redis`` (taskiq + taskiq-redis stream broker, for several machines).
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

DEDUP_SECONDS = 3 * 24 * 3600  # GitHub lets an App redeliver a delivery for about 3 days


@dataclass(frozen=True, slots=True)
class Delivery:
    """One verified webhook delivery, exactly as GitHub sent it."""

    id: str  # X-GitHub-Delivery (a redelivery reuses it)
    event: str  # X-GitHub-Event
    body: bytes  # the raw, signature-verified JSON body
    received_at: float  # epoch seconds, from the clock the shell passes in
    coalesce_key: str | None = None  # e.g. "octo/repo#12": newer deliveries supersede older ones
    attempts: int = 0
    digest: str | None = None  # body_digest(body): dedup on the body as well (submit only, not kept)


def body_digest(body: bytes) -> str:
    """``sha256=<hex>`` of a raw body: its dedup key (the ``=`` keeps it apart from delivery ids)."""
    return "sha256=" + hashlib.sha256(body).hexdigest()


class SubmitResult(Protocol):
    accepted: bool  # False for a duplicate delivery id (already seen within the dedup window)


@dataclass(frozen=True, slots=True)
class Submitted:
    accepted: bool
    reason: str = ""  # "duplicate", "queued", ...


Handler = Callable[[Delivery], Awaitable[None]]


class DeliveryQueue(Protocol):
    async def submit(self, delivery: Delivery) -> Submitted:
        """Persist *delivery* durably (or report it a duplicate) before returning."""
        ...

    async def claim(self, worker: str, *, lease_seconds: float) -> Delivery | None:
        """Lease the next ready delivery, or None when there is none right now."""
        ...

    async def complete(self, delivery: Delivery) -> None:
        """Mark a claimed delivery done; it is never handed out again."""
        ...

    async def retry(self, delivery: Delivery, *, error: str, delay_seconds: float) -> None:
        """Release a claimed delivery for another attempt after *delay_seconds*."""
        ...

    async def depth(self) -> int:
        """Deliveries waiting or leased (for /metrics and /readyz)."""
        ...

    async def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A delivery given up on after its last attempt, kept for inspection."""

    delivery: Delivery
    error: str  # the last error reported through retry(), or why the queue gave up


class QueueClosedError(RuntimeError):
    """The queue was closed; the web process must not acknowledge the delivery."""


# -- optional capabilities -------------------------------------------------------------------------
# Implementations may offer these; callers test with ``isinstance(queue, ReleasableQueue)`` etc.
# They add to the contract above and never change its meaning.


@runtime_checkable
class ReleasableQueue(Protocol):
    async def release(self, delivery: Delivery) -> None:
        """Give a claimed delivery back at once, without using up an attempt (graceful shutdown).

        The delivery is ready again immediately, as if it had never been claimed. A delivery that
        is no longer held by this claim (its lease ran out and someone else took it) is left alone.
        """
        ...


@runtime_checkable
class PurgeableQueue(Protocol):
    async def purge_seen(self, older_than: float) -> int:
        """Forget delivery ids first seen before epoch *older_than*; return how many went.

        Queues purge on their own to keep ids for :data:`DEDUP_SECONDS`; this is for operators.
        """
        ...


@runtime_checkable
class SeenQueue(Protocol):
    async def seen(self, delivery_id: str) -> bool:
        """True when *delivery_id* was accepted within the dedup window, i.e. a submit of it now
        would be a duplicate (recovery asks before it has GitHub redeliver a failed delivery)."""
        ...


@runtime_checkable
class WaitableQueue(Protocol):
    async def wait_for_work(self, timeout: float) -> None:
        """Return when a delivery may be ready, or after *timeout* seconds (a worker's idle wait).

        A hint only: :meth:`DeliveryQueue.claim` may still return None afterwards.
        """
        ...


@runtime_checkable
class RenewableQueue(Protocol):
    async def renew(self, delivery: Delivery, *, lease_seconds: float) -> bool:
        """Extend the lease of a delivery this claim still holds to *lease_seconds* from now (the
        worker's heartbeat while a job runs). False when the claim lost it (its lease ran out and
        another worker took it): the job may then run twice, which the work tolerates."""
        ...


@runtime_checkable
class OrphanReclaimingQueue(Protocol):
    async def reclaim_orphans(self) -> int:
        """Make the deliveries claimed by processes that certainly no longer run (on this host:
        see ``bot/jobs/owner.py``) claimable at once, instead of when their lease runs out.
        Returns how many. A worker calls it when it starts and now and then while it runs."""
        ...
