"""Recovery: put right what a crash, a deploy or an outage made the App miss.

GitHub never redelivers a webhook on its own, and a review lost after its check run was created
leaves a required check hanging. :func:`recover` looks for both, within bounds:

Failed deliveries
    ``GET /app/hook/deliveries`` (the App's JWT), newest first, page by page (``cursor``), back to
    ``now - window`` (GitHub keeps about 3 days) or ``max_pages`` pages. Attempts are grouped by
    GUID (a redelivery reuses it, and it is the ``X-GitHub-Delivery`` our queue deduplicates on).
    A GUID is redelivered, once per run, oldest first, when:

    * no attempt of it succeeded (our receiver answered 2xx only after the delivery was durable);
    * its latest failure may pass (no answer, 408, 429 or 5xx; a 4xx such as 400, 401 or 413 is our
      receiver refusing that payload, and would be refused again);
    * its event and action are ones the App handles (``bot.intake.routes.router``);
    * GitHub shows fewer than :data:`MAX_REDELIVERIES_PER_GUID` redeliveries of it already;
    * our queue has not accepted it (``SeenQueue.seen``), and fewer than ``max_redeliveries``
      were asked for in this run.

Stuck check runs
    Every check run a review creates is noted in the store next to the queue
    (``bot/recovery_store.py``) and forgotten when the review completes it. Entries older than
    ``stuck_after`` are read back from GitHub (one ``GET`` each, at most ``max_checks``): one still
    ``queued``/``in_progress`` gets a re-run, a synthetic delivery (event ``devdocs.rerun``, id
    ``rerun:<repo>:<sha>:<check_run_id>``, coalesced with the PR's other deliveries) that
    ``bot/intake/routes.py`` routes to :func:`bot.review.rerun.rerun_for_sha`, which reviews the PR again in
    that same check run. One completed or deleted meanwhile is forgotten and left alone.

Bounds
    Every GitHub request of a run, retries included, is charged to one
    :class:`~bot.github.budget.RequestBudget` of ``max_calls``; when it runs out the run stops where it is
    and says so. (githubkit's installation-token exchange, at most one per installation per hour
    and shared with the reviews, happens inside its auth flow and is not charged.) The runner
    also bounds each run in time, and a lock in the store lets one worker at a time run it.

Logs: one structured line per action (``recovery`` = the action, with the GUID, delivery id,
repository, SHA or check run bound as fields) and one summary line per run. Nothing here logs
a payload, a header or a token.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import os
import socket
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal, Protocol

from bot.github.budget import RequestBudget, spending
from bot.github.errors import BudgetExhausted, GitHubError, RateLimited
from bot.github.port import AppPort, GitHubPort
from bot.github.values import DeliveryListing, HookDelivery, RepoRef
from bot.intake.payloads import RERUN_ACTION, RERUN_EVENT
from bot.jobs.queue import Delivery, DeliveryQueue, SeenQueue
from bot.logs import bind
from bot.recovery_store import RecoveryStore, recovery_store_for
from bot.review.context import AppContext, TrackedCheck

log = logging.getLogger(__name__)

DEFAULT_WINDOW = timedelta(days=3)  # GitHub keeps deliveries for about 3 days
DEFAULT_MAX_CALLS = 50  # GitHub requests per run, retries included
DEFAULT_MAX_PAGES = 10  # of 100 deliveries each
DEFAULT_MAX_REDELIVERIES = 20  # per run
DEFAULT_STUCK_AFTER = timedelta(minutes=15)  # a review takes seconds; its lease is 10 minutes
DEFAULT_MAX_CHECKS = 20  # check runs read back per run
DEFAULT_INTERVAL = 600.0  # seconds between runs (DEVDOCS_RECOVERY_INTERVAL)
DEFAULT_TIME_LIMIT = 120.0  # seconds one run may take
MAX_REDELIVERIES_PER_GUID = 3  # redeliveries GitHub shows for a GUID before we stop asking
CHECK_MAX_AGE = timedelta(days=3)  # a check run noted longer ago is given up on

Verdict = Literal["redeliver", "succeeded", "unhandled", "refused", "gave_up"]
EventFilter = Callable[[str, str | None], bool]


class RecoveryMetrics(Protocol):
    def recovery_redelivered(self) -> None: ...
    def recovery_stuck_check(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Limits:
    window: timedelta = DEFAULT_WINDOW
    max_calls: int = DEFAULT_MAX_CALLS
    max_pages: int = DEFAULT_MAX_PAGES
    max_redeliveries: int = DEFAULT_MAX_REDELIVERIES
    stuck_after: timedelta = DEFAULT_STUCK_AFTER
    max_checks: int = DEFAULT_MAX_CHECKS
    time_limit: float = DEFAULT_TIME_LIMIT


@dataclass
class RecoveryReport:
    """What one run looked at and did."""

    listed: int = 0  # delivery attempts read
    pages: int = 0
    listing_stopped: str = ""  # end, since, max_pages, budget (or empty: not listed)
    guids: int = 0
    redelivered: list[str] = field(default_factory=list)  # GUIDs GitHub was asked to redeliver
    skipped: Counter[str] = field(default_factory=Counter)  # GUIDs not redelivered, by reason
    checks_examined: int = 0
    reruns: list[str] = field(default_factory=list)  # ids of the re-run deliveries queued
    checks_settled: Counter[str] = field(default_factory=Counter)  # completed, gone, expired, rerun_known
    requests: int = 0  # GitHub requests this run made (retries included)
    budget_exhausted: bool = False
    errors: list[str] = field(default_factory=list)


# -- failed deliveries (pure) ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GuidHistory:
    """Every listed attempt to deliver one event, newest first."""

    guid: str
    attempts: tuple[HookDelivery, ...]

    @property
    def latest(self) -> HookDelivery:
        return self.attempts[0]

    @property
    def first_at(self) -> datetime:
        return self.attempts[-1].delivered_at

    @property
    def redeliveries(self) -> int:
        return sum(1 for a in self.attempts if a.redelivery)


def group_by_guid(deliveries: Iterable[HookDelivery]) -> list[GuidHistory]:
    """Attempts grouped by GUID (each newest first), the groups oldest event first."""
    groups: dict[str, list[HookDelivery]] = {}
    for delivery in deliveries:
        groups.setdefault(delivery.guid, []).append(delivery)
    histories = [GuidHistory(guid, tuple(sorted(attempts, key=_newest_first)))
                 for guid, attempts in groups.items()]
    return sorted(histories, key=lambda h: (h.first_at, h.latest.id))


def _newest_first(delivery: HookDelivery) -> tuple[float, int]:
    return (-delivery.delivered_at.timestamp(), -delivery.id)


def may_pass(status_code: int) -> bool:
    """Could another attempt succeed? No answer, a timeout, a rate limit or a server error."""
    return status_code == 0 or status_code in (408, 429) or status_code >= 500


def verdict(history: GuidHistory, handles: EventFilter) -> Verdict:
    if any(attempt.succeeded for attempt in history.attempts):
        return "succeeded"
    if not handles(history.latest.event, history.latest.action):
        return "unhandled"
    if not may_pass(history.latest.status_code):
        return "refused"
    if history.redeliveries >= MAX_REDELIVERIES_PER_GUID:
        return "gave_up"
    return "redeliver"


def handled_by_router(event: str, action: str | None) -> bool:
    """Would ``bot.intake.routes`` route this event and action (its predicates aside)?"""
    from bot.intake.routes import router

    return any(route.wants(event, action) for route in router.routes)


# -- stuck check runs (pure) -----------------------------------------------------------------------


def rerun_delivery(check: TrackedCheck, now: datetime) -> Delivery:
    """The synthetic delivery that asks a worker to review *check*'s PR again in that check run."""
    body = {
        "action": RERUN_ACTION,
        "repository": {"name": check.repo, "full_name": check.full_name, "owner": {"login": check.owner}},
        "installation": {"id": check.installation_id},
        "check_run": {"id": check.check_run_id, "head_sha": check.head_sha},
        "pull_request": {"number": check.pr_number},
    }
    return Delivery(
        id=f"rerun:{check.full_name}:{check.head_sha}:{check.check_run_id}",
        event=RERUN_EVENT,
        body=json.dumps(body, separators=(",", ":")).encode(),
        received_at=now.timestamp(),
        coalesce_key=f"{check.full_name}#{check.pr_number}",  # never alongside another review of the PR
    )


# -- the run ---------------------------------------------------------------------------------------


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
        await _failed_deliveries(ctx, queue, report, since=now - window, max_pages=max_pages,
                                 max_redeliveries=max_redeliveries, metrics=metrics, handles=handles)
        await _stuck_checks(ctx, queue, report, now=now, stuck_after=stuck_after, max_checks=max_checks,
                            metrics=metrics)
    report.requests = budget.used
    _summary(report, max_calls)
    return report


async def _failed_deliveries(ctx: AppContext, queue: DeliveryQueue, report: RecoveryReport, *,
                             since: datetime, max_pages: int, max_redeliveries: int,
                             metrics: RecoveryMetrics | None, handles: EventFilter) -> None:
    if ctx.github_for_app is None:
        return
    try:
        async with ctx.github_for_app() as app:
            listing = await app.list_hook_deliveries(since=since, max_pages=max_pages)
            _listed(report, listing, since)
            for history in group_by_guid(listing.deliveries):
                if not await _redeliver(app, queue, report, history, max_redeliveries, metrics, handles):
                    break
    except BudgetExhausted:
        report.budget_exhausted = True
    except GitHubError as error:  # e.g. GHES without the route, a bad App key, GitHub down
        report.errors.append(f"deliveries: {error}")
        _note("error", f"could not list or redeliver deliveries: {error}", level=logging.WARNING)


def _listed(report: RecoveryReport, listing: DeliveryListing, since: datetime) -> None:
    report.listed, report.pages = len(listing.deliveries), listing.pages
    report.listing_stopped = listing.stopped
    if listing.stopped == "budget":
        report.budget_exhausted = True
    if listing.stopped in ("max_pages", "budget"):
        oldest = listing.deliveries[-1].delivered_at.isoformat() if listing.deliveries else "none"
        _note("listing_bounded", f"stopped listing deliveries at the {listing.stopped} bound after "
              f"{listing.pages} page(s); deliveries older than {oldest} (back to {since.isoformat()}) "
              "were not examined", {"pages": listing.pages}, level=logging.WARNING)


async def _redeliver(app: AppPort, queue: DeliveryQueue, report: RecoveryReport, history: GuidHistory,
                     max_redeliveries: int, metrics: RecoveryMetrics | None, handles: EventFilter) -> bool:
    """Redeliver *history* if it should be; False once the run must stop redelivering."""
    report.guids += 1
    latest = history.latest
    fields = {"guid": history.guid, "github_delivery": latest.id, "event": latest.event,
              "action": latest.action, "status_code": latest.status_code}
    reason: str = verdict(history, handles)
    if reason == "redeliver" and await _accepted(queue, history.guid):
        reason = "accepted"
    if reason == "redeliver" and len(report.redelivered) >= max_redeliveries:
        reason = "max_redeliveries"
    if reason != "redeliver":
        first_of_bound = reason == "max_redeliveries" and not report.skipped[reason]
        report.skipped[reason] += 1
        if reason in ("refused", "gave_up", "accepted") or first_of_bound:  # not the everyday cases
            _note("skip", f"failed delivery not redelivered ({reason})", fields)
        return True
    try:
        await app.redeliver_hook_delivery(latest.id)
    except RateLimited as error:
        report.errors.append(f"redeliver {history.guid}: {error}")
        _note("error", f"GitHub rate-limited the redelivery ({error})", fields, level=logging.WARNING)
        return False
    except GitHubError as error:
        if isinstance(error, BudgetExhausted):
            raise
        report.errors.append(f"redeliver {history.guid}: {error}")
        _note("error", f"redelivery refused: {error}", fields, level=logging.WARNING)
        return True
    report.redelivered.append(history.guid)
    if metrics is not None:
        metrics.recovery_redelivered()
    _note("redeliver", "asked GitHub to redeliver a failed delivery", fields)
    return True


async def _accepted(queue: DeliveryQueue, guid: str) -> bool:
    """Has our queue accepted *guid* (the delivery got through after all)? Unknown counts as no:
    the queue drops a duplicate submit anyway."""
    if not isinstance(queue, SeenQueue):
        return False
    try:
        return await queue.seen(guid)
    except Exception:
        log.warning("recovery: could not ask the queue about delivery %s", guid, exc_info=True)
        return False


async def _stuck_checks(ctx: AppContext, queue: DeliveryQueue, report: RecoveryReport, *, now: datetime,
                        stuck_after: timedelta, max_checks: int, metrics: RecoveryMetrics | None) -> None:
    store = ctx.check_registry
    if not isinstance(store, RecoveryStore):
        return
    stuck = await store.open_checks(created_before=(now - stuck_after).timestamp(), limit=max_checks)
    by_installation = itertools.groupby(sorted(stuck, key=lambda c: c.installation_id),
                                        key=lambda c: c.installation_id)
    try:
        for installation_id, checks in by_installation:
            async with ctx.github_for_installation(installation_id) as gh:
                for check in checks:
                    await _examine(ctx, gh, queue, report, check, now, metrics)
    except BudgetExhausted:
        report.budget_exhausted = True
    except GitHubError as error:  # the installation is gone, GitHub is down: next run
        report.errors.append(f"check runs: {error}")
        _note("error", f"could not read check runs: {error}", level=logging.WARNING)


async def _examine(ctx: AppContext, gh: GitHubPort, queue: DeliveryQueue, report: RecoveryReport,
                   check: TrackedCheck, now: datetime, metrics: RecoveryMetrics | None) -> None:
    if now.timestamp() - check.created_at > CHECK_MAX_AGE.total_seconds():
        await _settle(ctx, report, check, "expired", "check run open for too long; given up on")
        return
    report.checks_examined += 1
    repo = RepoRef(check.owner, check.repo, check.installation_id)
    try:
        run = await gh.get_check_run(repo, check.check_run_id)
    except GitHubError as error:
        if isinstance(error, BudgetExhausted | RateLimited):
            raise
        report.errors.append(f"check run {check.check_run_id}: {error}")
        _note("error", f"could not read the check run: {error}", check_fields(check), level=logging.WARNING)
        return
    if run is None:
        await _settle(ctx, report, check, "gone", "check run no longer exists; forgotten")
    elif run.status == "completed":
        await _settle(ctx, report, check, "completed", "check run completed meanwhile; left alone")
    else:
        await _rerun(ctx, queue, report, check, now, metrics)


async def _rerun(ctx: AppContext, queue: DeliveryQueue, report: RecoveryReport, check: TrackedCheck,
                 now: datetime, metrics: RecoveryMetrics | None) -> None:
    delivery = rerun_delivery(check, now)
    submitted = await queue.submit(delivery)
    if not submitted.accepted:  # queued once already: that re-run completes it, or gave up on it
        await _settle(ctx, report, check, "rerun_known",
                      "a re-run of this check run was queued before; forgotten", delivery.id)
        return
    if submitted.reason == "superseded":  # a newer delivery for the PR is queued and reviews it
        report.checks_settled["superseded"] += 1
        _note("rerun_superseded", "check run left open; a newer delivery for its PR is queued",
              check_fields(check, delivery.id))
        return
    report.reruns.append(delivery.id)
    if metrics is not None:
        metrics.recovery_stuck_check()
    _note("rerun", "check run left open; re-run queued", check_fields(check, delivery.id))


async def _settle(ctx: AppContext, report: RecoveryReport, check: TrackedCheck, outcome: str, message: str,
                  delivery_id: str | None = None) -> None:
    report.checks_settled[outcome] += 1
    await ctx.check_completed(check.full_name, check.check_run_id)
    _note(f"check_{outcome}", message, check_fields(check, delivery_id))


def check_fields(check: TrackedCheck, delivery_id: str | None = None) -> dict[str, object]:
    return {"repo": check.full_name, "pr": check.pr_number, "sha": check.head_sha,
            "check_run": check.check_run_id, "delivery_id": delivery_id}


def _note(action: str, message: str, fields: Mapping[str, object] | None = None, *,
          level: int = logging.INFO) -> None:
    with bind(recovery=action, **(fields or {})):
        log.log(level, "recovery: %s", message)


def _summary(report: RecoveryReport, max_calls: int) -> None:
    level = logging.WARNING if report.errors or report.budget_exhausted else logging.INFO
    fields = {
        "listed": report.listed, "pages": report.pages, "guids": report.guids,
        "redelivered": len(report.redelivered), "skipped": dict(report.skipped),
        "checks_examined": report.checks_examined, "reruns": len(report.reruns),
        "checks_settled": dict(report.checks_settled), "requests": report.requests,
        "max_calls": max_calls, "budget_exhausted": report.budget_exhausted, "errors": len(report.errors),
    }
    with bind(recovery="summary", **fields):
        log.log(level, "recovery: %d redelivered, %d check run(s) re-run, %d GitHub request(s) of %d",
                len(report.redelivered), len(report.reruns), report.requests, max_calls)


# -- the runner ------------------------------------------------------------------------------------


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
            _note("error", f"run stopped after its {self.limits.time_limit:.0f} s limit",
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
            _note("locked", "another worker is running recovery; skipping this run")
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

