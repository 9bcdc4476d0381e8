"""The contract between the webhook receiver (web) and the review workers.

The web process verifies a delivery, then calls :meth:`DeliveryQueue.submit`, which must have
made the delivery durable before it returns; only then does the web process answer 202.
Workers take deliveries with :meth:`DeliveryQueue.claim`, run the handler, and
:meth:`~DeliveryQueue.complete` or :meth:`~DeliveryQueue.retry` them. A delivery whose worker
died is claimed again once its lease runs out (at-least-once); the handler is idempotent.

Implementations: ``memory`` (tests only), ``sqlite`` (embedded default, WAL, leases) and
``redis`` (taskiq + taskiq-redis stream broker, for several machines).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Delivery:
    """One verified webhook delivery, exactly as GitHub sent it."""

    id: str  # X-GitHub-Delivery (a redelivery reuses it)
    event: str  # X-GitHub-Event
    body: bytes  # the raw, signature-verified JSON body
    received_at: float  # epoch seconds, from the clock the shell passes in
    coalesce_key: str | None = None  # e.g. "octo/repo#12": newer deliveries supersede older ones
    attempts: int = 0


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
