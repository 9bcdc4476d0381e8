"""Where the pure engine runs: off the event loop, within a time budget.

A review is CPU-bound Python. Run in a thread it holds the GIL, and the event loop that also answers
webhooks and ``/healthz`` (the worker is embedded in ``serve``) stalls for as long as the review
runs. So reviews run in a pool of processes (:class:`ProcessEngine`, pebble's ``ProcessPool`` with
the ``spawn`` start method: no inherited event loop, threads or sockets), started once per worker
process on first use, ``DEVDOCS_REVIEW_PROCESSES`` of them. The :class:`~rules.core.discovery.Snapshot`
goes in and the :class:`~rules.core.report.Review` comes back by pickling.

Each engine call has a budget (``DEVDOCS_REVIEW_BUDGET_SECONDS``):

- cooperative: the engine is given ``should_stop`` (this module owns the clock) and stops between
  rules and tasks once the budget is spent; the review then says what it did not run and fails
  its gate (:data:`rules.core.engine.INCOMPLETE`);
- hard: a process still running ``DEVDOCS_REVIEW_GRACE_SECONDS`` after that (one rule stuck in a
  pathological input) is killed and replaced by the pool, and the call raises
  :class:`ReviewTimedOut`, which the review publishes as a ``failure`` check run.

``DEVDOCS_REVIEW_PROCESSES=0`` runs the engine in a thread instead (:class:`ThreadEngine`): the
cooperative budget still applies, the hard stop and the event loop's protection do not.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import logging
import multiprocessing
import time
from collections.abc import AsyncIterator
from typing import Any, Protocol

from pebble import ProcessPool

from rules.api import review as run_engine
from rules.core.discovery import Snapshot
from rules.core.report import Review

log = logging.getLogger(__name__)


class ReviewTimedOut(Exception):
    """The engine ran past its budget and grace: its process was killed. Not retried (the same
    docs would take as long again)."""

    retryable = False

    def __init__(self, budget: float, grace: float) -> None:
        super().__init__(f"the review ran past its time budget of {budget:g} s and {grace:g} s of grace; "
                         "its process was stopped")
        self.budget = budget
        self.grace = grace


class EngineRunner(Protocol):
    async def review(self, snapshot: Snapshot, *, budget: float, **options: Any) -> Review:
        """The engine's review of *snapshot* (``options`` as for :func:`rules.api.review`),
        stopped cooperatively after *budget* seconds."""
        ...

    async def aclose(self) -> None: ...


def review_within(snapshot: Snapshot, options: dict[str, Any], budget: float) -> Review:
    """Run the engine with a deadline *budget* seconds from now (in a pool process or a thread)."""
    deadline = time.monotonic() + budget
    return run_engine(snapshot, should_stop=lambda: time.monotonic() >= deadline, **options)


def _warm_up() -> None:
    """Pool process initialiser: import every rule before the first review needs them."""
    import rules.registry  # noqa: F401


class ProcessEngine:
    """Reviews in a pool of *processes* spawned on first use; see the module doc."""

    def __init__(self, *, processes: int, grace: float) -> None:
        self.processes = processes
        self.grace = grace
        self._pool: ProcessPool | None = None

    async def review(self, snapshot: Snapshot, *, budget: float, **options: Any) -> Review:
        pool = self._started()
        future = pool.schedule(review_within, args=(snapshot, options, budget), timeout=budget + self.grace)
        try:
            return await asyncio.wrap_future(future)
        except concurrent.futures.TimeoutError:
            log.error("a review ran past %.0f s (budget %.0f s + grace %.0f s); its process was killed",
                      budget + self.grace, budget, self.grace)
            raise ReviewTimedOut(budget, self.grace) from None

    async def aclose(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.stop()  # type: ignore[no-untyped-call]  # running reviews are abandoned: their jobs are released or retried
            await asyncio.to_thread(pool.join, 10)

    def _started(self) -> ProcessPool:
        if self._pool is None:
            self._pool = ProcessPool(max_workers=self.processes, initializer=_warm_up,
                                     context=multiprocessing.get_context("spawn"))
            log.info("started %d review process(es)", self.processes)
        return self._pool


class ThreadEngine:
    """The engine in a worker thread: cooperative budget only (tests, ``DEVDOCS_REVIEW_PROCESSES=0``)."""

    async def review(self, snapshot: Snapshot, *, budget: float, **options: Any) -> Review:
        return await asyncio.to_thread(functools.partial(review_within, snapshot, options, budget))

    async def aclose(self) -> None:
        return None


def engine_for(processes: int, *, grace: float) -> EngineRunner:
    return ProcessEngine(processes=processes, grace=grace) if processes > 0 else ThreadEngine()


class UsesEngine(Protocol):
    engine: EngineRunner | None


@contextlib.asynccontextmanager
async def engine_running(user: UsesEngine, *, processes: int, grace: float) -> AsyncIterator[EngineRunner]:
    """In a worker process: *user* (the AppContext) reviews through a pool of *processes* until the
    block ends; then the pool is stopped. Enter it before the worker starts, leave it after."""
    engine = engine_for(processes, grace=grace)
    user.engine = engine
    try:
        yield engine
    finally:
        user.engine = None
        await engine.aclose()
