"""One recovery run (:func:`recover`), and the runner that repeats it under the store's lock."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.github.budget import RequestBudget, spending
from bot.jobs.queue import DeliveryQueue
from bot.recovery.deliveries import EventFilter, failed_deliveries, handled_by_router
from bot.recovery.report import RecoveryMetrics, RecoveryReport, log, note, summary
from bot.recovery.store.base import RecoveryStore
from bot.recovery.store.factory import recovery_store_for
from bot.recovery.stuck_checks import stuck_checks
from bot.review.context import AppContext

DEFAULT_WINDOW = timedelta(days=3)  # GitHub keeps deliveries for about 3 days
DEFAULT_MAX_CALLS = 50  # GitHub requests per run, retries included
DEFAULT_MAX_PAGES = 10  # of 100 deliveries each
DEFAULT_MAX_REDELIVERIES = 20  # per run
DEFAULT_STUCK_AFTER = timedelta(minutes=15)  # a review takes seconds; its lease is 10 minutes
DEFAULT_MAX_CHECKS = 20  # check runs read back per run
DEFAULT_INTERVAL = 600.0  # seconds between runs (DEVDOCS_RECOVERY_INTERVAL)
DEFAULT_TIME_LIMIT = 120.0  # seconds one run may take


@dataclass(frozen=True, slots=True)
class Limits:
    window: timedelta = DEFAULT_WINDOW
    max_calls: int = DEFAULT_MAX_CALLS
    max_pages: int = DEFAULT_MAX_PAGES
    max_redeliveries: int = DEFAULT_MAX_REDELIVERIES
    stuck_after: timedelta = DEFAULT_STUCK_AFTER
    max_checks: int = DEFAULT_MAX_CHECKS
    time_limit: float = DEFAULT_TIME_LIMIT


async def recover(
    ctx: AppContext,
    queue: DeliveryQueue,
    *,
    now: datetime,
    window: timedelta = DEFAULT_WINDOW,
    max_calls: int = DEFAULT_MAX_CALLS,
    stuck_after: timedelta = DEFAULT_STUCK_AFTER,
    max_pages: int = DEFAULT_MAX_PAGES,
    max_redeliveries: int = DEFAULT_MAX_REDELIVERIES,
    max_checks: int = DEFAULT_MAX_CHECKS,
    metrics: RecoveryMetrics | None = None,
    handles: EventFilter = handled_by_router,
) -> RecoveryReport:
    """One recovery pass: redeliver failed deliveries, re-run stuck check runs (see module doc)."""
    report = RecoveryReport()
    budget = RequestBudget(max_calls)
    with spending(budget):
        await failed_deliveries(ctx, queue, report, since=now - window, max_pages=max_pages,
                                 max_redeliveries=max_redeliveries, metrics=metrics, handles=handles)
        await stuck_checks(ctx, queue, report, now=now, stuck_after=stuck_after, max_checks=max_checks,
                            metrics=metrics)
    report.requests = budget.used
    summary(report, max_calls)
    return report


@dataclass
class RecoveryRunner:
    """Runs :func:`recover` under the store's lock, within ``limits.time_limit``; never raises."""

    ctx: AppContext
    queue: DeliveryQueue
    store: RecoveryStore
    limits: Limits = Limits()
    metrics: RecoveryMetrics | None = None
    owner: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}")

    async def run_once(self) -> RecoveryReport | None:
        """One locked run; None when another worker holds the lock or the run failed."""
        if not await self._lock():
            return None
        try:
            async with asyncio.timeout(self.limits.time_limit):
                return await self._recover()
        except TimeoutError:
            note("error", f"run stopped after its {self.limits.time_limit:.0f} s limit",
                  level=logging.WARNING)
        except Exception:  # recovery must never take the worker down
            log.exception("recovery: the run failed")
        finally:
            with contextlib.suppress(Exception):
                await self.store.unlock(self.owner)
        return None

    async def run_forever(self, stop: asyncio.Event, *, interval: float) -> None:
        """A run now, then one every *interval* seconds until *stop* is set."""
        while not stop.is_set():
            await self.run_once()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)

    async def _lock(self) -> bool:
        try:
            locked = await self.store.try_lock(self.owner, ttl=self.limits.time_limit + 60)
        except Exception:
            log.warning("recovery: the lock is unavailable; skipping this run", exc_info=True)
            return False
        if not locked:
            note("locked", "another worker is running recovery; skipping this run")
        return locked

    async def _recover(self) -> RecoveryReport:
        limits = self.limits
        return await recover(
            self.ctx, self.queue, now=self.ctx.clock(), window=limits.window, max_calls=limits.max_calls,
            stuck_after=limits.stuck_after, max_pages=limits.max_pages,
            max_redeliveries=limits.max_redeliveries, max_checks=limits.max_checks, metrics=self.metrics,
        )


@contextlib.asynccontextmanager
async def recovery_running(ctx: AppContext, queue: DeliveryQueue, *, interval: float,
                           metrics: RecoveryMetrics | None = None,
                           limits: Limits = Limits()) -> AsyncIterator[RecoveryRunner | None]:
    """In a worker process: note open check runs in the store next to *queue* and run recovery
    now and every *interval* seconds. ``interval <= 0`` disables both (yields None).

    Enter it before the worker starts and leave it after the worker stopped, so reviews that
    finish while the worker drains still reach the store."""
    if interval <= 0:
        yield None
        return
    store = recovery_store_for(queue)
    ctx.check_registry = store
    runner = RecoveryRunner(ctx, queue, store, limits, metrics)
    stop = asyncio.Event()
    task = asyncio.create_task(runner.run_forever(stop, interval=interval), name="devdocs-recovery")
    try:
        yield runner
    finally:
        stop.set()
        task.cancel()  # a run in progress is cut short: every step of it is safe to repeat
        await asyncio.gather(task, return_exceptions=True)
        ctx.check_registry = None
        await store.close()
