"""The worker loop over any :class:`~bot.jobs.queue.DeliveryQueue`.

Claim with a short lease, renew it while the job runs (a heartbeat every third of the lease), run
the handler, complete. When it starts, and every heartbeat, the worker asks the queue to reclaim
the claims of processes that no longer run on this host (``kill -9``), so a restarted worker
resumes an interrupted job at once instead of after the dead one's lease.

A failing job is retried with exponential backoff and jitter (a ``retry_after`` attribute on the
error, as on ``RateLimited``, is honoured), up to ``max_attempts``; an error that retrying cannot
fix gives up at once. Giving up is logged and handed to ``on_give_up``. Stopping (``stop`` event
set) ends claiming and lets in-flight jobs finish for up to ``drain_seconds``; jobs still running
then are cancelled and released for another worker.

This module is the one catch-all of the job path: every handler error lands in
:meth:`Worker.process`, logged once, with the delivery id. While a handler runs,
:func:`current_attempt` tells it which run of its delivery this is (a crashed run counts).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Protocol

from bot.jobs.owner import owner_name
from bot.jobs.queue import (
    Delivery,
    DeliveryQueue,
    Handler,
    OrphanReclaimingQueue,
    ReleasableQueue,
    RenewableQueue,
    WaitableQueue,
)
from bot.logs import bind
from bot.metrics import JobOutcome, Metrics

log = logging.getLogger(__name__)

GiveUp = Callable[[Delivery, BaseException], Awaitable[None]]
MAX_RETRY_AFTER = 3600.0  # never park a job longer than this, whatever the server asks

_attempt: ContextVar[int] = ContextVar("devdocs_job_attempt", default=1)


def current_attempt() -> int:
    """Which run of its delivery the job in progress is: 1 for the first; more after a failed run
    or one whose worker died (its lease ran out). Outside a job: 1."""
    return _attempt.get()


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 5
    base_delay: float = 2.0  # seconds before the 2nd attempt; doubles each time
    max_delay: float = 300.0
    jitter: float = 0.5  # the delay is drawn from [1 - jitter, 1] x the backoff

    def delay(self, attempt: int, error: BaseException, rand: Callable[[], float] = random.random) -> float:
        """Seconds to wait before attempt ``attempt + 1``."""
        backoff = min(self.max_delay, self.base_delay * 2.0 ** max(0, attempt - 1))
        delay = backoff * (1.0 - self.jitter * rand())
        retry_after = _retry_after(error)
        return max(delay, min(retry_after, MAX_RETRY_AFTER)) if retry_after is not None else delay


class WorkerSettings(Protocol):
    """The settings a worker reads (``bot.entry.settings.Settings`` provides them)."""

    @property
    def worker_lease_seconds(self) -> float: ...
    @property
    def worker_max_attempts(self) -> int: ...
    @property
    def worker_retry_seconds(self) -> float: ...
    @property
    def worker_concurrency(self) -> int: ...


@dataclass(frozen=True, slots=True)
class WorkerConfig:
    name: str = field(default_factory=owner_name)  # recorded on claims: see bot/jobs/owner.py
    concurrency: int = 4
    lease_seconds: float = 30.0  # renewed while the job runs; a crashed worker's job returns after it
    poll_seconds: float = 0.5  # idle wait between claims (a waking queue answers sooner)
    drain_seconds: float = 25.0  # on stop, how long in-flight jobs may run on
    retry: RetryPolicy = RetryPolicy()

    @property
    def heartbeat_seconds(self) -> float:
        """How often held leases are renewed (and orphaned claims looked for): a third of the lease."""
        return max(0.05, self.lease_seconds / 3)

    @classmethod
    def from_settings(cls, settings: WorkerSettings) -> WorkerConfig:
        """Lease, retries and jobs in flight from ``DEVDOCS_WORKER_LEASE_SECONDS``, ``_MAX_ATTEMPTS``,
        ``_RETRY_SECONDS`` and ``_CONCURRENCY``."""
        retry = RetryPolicy(max_attempts=settings.worker_max_attempts,
                            base_delay=settings.worker_retry_seconds)
        return cls(lease_seconds=settings.worker_lease_seconds, retry=retry, concurrency=settings.worker_concurrency)


def is_permanent(error: BaseException) -> bool:
    """Errors that another attempt cannot fix: they carry ``retryable = False``."""
    return getattr(error, "retryable", True) is False


class Worker:
    """Runs jobs from *queue* through *handler* until *stop* is set."""

    def __init__(
        self,
        queue: DeliveryQueue,
        handler: Handler,
        *,
        metrics: Metrics,
        config: WorkerConfig | None = None,
        permanent: Callable[[BaseException], bool] = is_permanent,
        on_give_up: GiveUp | None = None,
        clock: Callable[[], float] = time.time,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.queue = queue
        self.handler = handler
        self.metrics = metrics
        self.config = config or WorkerConfig()
        self._permanent = permanent
        self._on_give_up = on_give_up
        self._clock = clock
        self._rand = rand
        self._in_flight: set[asyncio.Task[JobOutcome]] = set()
        self._held: dict[str, Delivery] = {}  # claimed and not yet settled: leases to renew

    async def run(self, stop: asyncio.Event) -> None:
        """Claim and run jobs (up to ``concurrency`` at once) until *stop* is set, then drain."""
        slots = asyncio.Semaphore(self.config.concurrency)
        log.info("worker %s started (concurrency %d)", self.config.name, self.config.concurrency)
        await self._reclaim_orphans()
        keeper = asyncio.create_task(self._keep_claims(), name="devdocs-worker heartbeat")
        try:
            while not stop.is_set():
                await _wait_either(slots.acquire(), stop)
                if stop.is_set():
                    break
                delivery = await self._claim()
                if delivery is None:
                    slots.release()
                    await self._idle(stop)
                    continue
                if stop.is_set():  # stopped while the claim waited on the queue: hand the job back unrun
                    slots.release()
                    await self._release(delivery)
                    break
                self._start(delivery, slots)
        finally:
            await self._drain()
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper
            log.info("worker %s stopped", self.config.name)

    async def process(self, delivery: Delivery) -> JobOutcome:
        """Run one claimed delivery to an outcome; never raises (but lets cancellation through)."""
        started = time.perf_counter()
        with bind(delivery_id=delivery.id, event=delivery.event, attempt=delivery.attempts):
            attempt = _attempt.set(max(1, delivery.attempts))
            try:
                await self.handler(delivery)
            except asyncio.CancelledError:
                await self._release(delivery)
                raise
            except Exception as error:  # the one catch-all of the job path
                outcome = await self._failed(delivery, error)
            else:
                await self._settle("complete", self.queue.complete(delivery))
                outcome = "completed"
            finally:
                _attempt.reset(attempt)
            self._record(delivery, outcome, started)
            return outcome

    # -- internals -----------------------------------------------------------------------------

    def _start(self, delivery: Delivery, slots: asyncio.Semaphore) -> None:
        task = asyncio.create_task(self.process(delivery), name=f"job {delivery.id}")
        self._in_flight.add(task)
        self._held[delivery.id] = delivery

        def done(finished: asyncio.Task[JobOutcome]) -> None:
            self._in_flight.discard(finished)
            self._held.pop(delivery.id, None)
            slots.release()

        task.add_done_callback(done)

    async def _claim(self) -> Delivery | None:
        try:
            return await self.queue.claim(self.config.name, lease_seconds=self.config.lease_seconds)
        except Exception:  # the queue is down: say so, wait, try again; never crash the loop
            log.exception("worker %s could not claim from the queue", self.config.name)
            return None

    async def _keep_claims(self) -> None:
        """Every heartbeat: renew the leases of jobs in flight, then look for orphaned claims."""
        while True:
            await asyncio.sleep(self.config.heartbeat_seconds)
            await self._renew_leases()
            await self._reclaim_orphans()

    async def _renew_leases(self) -> None:
        if not isinstance(self.queue, RenewableQueue):
            return
        for delivery in list(self._held.values()):
            try:
                kept = await self.queue.renew(delivery, lease_seconds=self.config.lease_seconds)
            except Exception:
                log.warning("could not renew the lease of %s", delivery.id, exc_info=True)
                continue
            if not kept and delivery.id in self._held:
                log.warning("the lease of %s was lost; another worker may run it too", delivery.id)

    async def _reclaim_orphans(self) -> None:
        if not isinstance(self.queue, OrphanReclaimingQueue):
            return
        try:
            reclaimed = await self.queue.reclaim_orphans()
        except Exception:
            log.warning("could not look for claims of workers that are gone", exc_info=True)
            return
        if reclaimed:
            log.warning("reclaimed %d job(s) whose worker no longer runs", reclaimed)

    async def _idle(self, stop: asyncio.Event) -> None:
        if isinstance(self.queue, WaitableQueue):
            await _wait_either(self.queue.wait_for_work(self.config.poll_seconds), stop)
        else:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.config.poll_seconds)

    async def _failed(self, delivery: Delivery, error: Exception) -> JobOutcome:
        policy = self.config.retry
        if self._permanent(error) or delivery.attempts >= policy.max_attempts:
            log.error("job failed for good after %d attempt(s): %s",
                      delivery.attempts, _describe(error), exc_info=error)
            await self._give_up(delivery, error)
            await self._settle("complete", self.queue.complete(delivery))
            return "failed"
        delay = policy.delay(delivery.attempts, error, self._rand)
        log.warning("job attempt %d failed, retrying in %.1f s: %s",
                    delivery.attempts, delay, _describe(error), exc_info=error)
        await self._settle("retry", self.queue.retry(delivery, error=_describe(error), delay_seconds=delay))
        return "retried"

    async def _settle(self, operation: str, call: Awaitable[None]) -> None:
        """Tell the queue how the job ended; if it cannot hear it, the lease runs out and the job
        runs again (at-least-once, and the work is idempotent)."""
        try:
            await call
        except Exception:
            log.exception("could not %s the job in the queue; it will run again after its lease", operation)

    async def _give_up(self, delivery: Delivery, error: Exception) -> None:
        if self._on_give_up is None:
            return
        try:
            await self._on_give_up(delivery, error)
        except Exception:
            log.exception("could not report the failed job")

    async def _release(self, delivery: Delivery) -> None:
        """Cancelled mid-job (shutdown): hand the delivery back at once for another worker."""
        queue = self.queue
        if isinstance(queue, ReleasableQueue):
            give_back = queue.release(delivery)  # without using up an attempt
        else:
            give_back = queue.retry(delivery, error="worker stopped", delay_seconds=0)
        with contextlib.suppress(Exception):
            await asyncio.shield(give_back)
        self._record(delivery, "released", None)

    async def _drain(self) -> None:
        if not self._in_flight:
            return
        log.info("waiting for %d job(s) to finish", len(self._in_flight))
        _, pending = await asyncio.wait(set(self._in_flight), timeout=self.config.drain_seconds)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending)

    def _record(self, delivery: Delivery, outcome: JobOutcome, started: float | None) -> None:
        seconds = time.perf_counter() - started if started is not None else 0.0
        final = outcome in ("completed", "failed")
        latency = self._clock() - delivery.received_at if final else None
        self.metrics.job_finished(delivery.event, outcome, seconds=seconds, latency=latency)


async def _wait_either(work: Awaitable[object], stop: asyncio.Event) -> None:
    """Wait for *work* or *stop*, whichever comes first; cancel the other."""
    task = asyncio.ensure_future(work)
    stopper = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopper.cancel()
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def _retry_after(error: BaseException) -> float | None:
    value = getattr(error, "retry_after", None)
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
        return float(value)
    return None


def _describe(error: BaseException) -> str:
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
