"""Failed webhook deliveries: which GUIDs to ask GitHub to redeliver (see the package doc)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.github.errors import BudgetExhausted, GitHubError, RateLimited
from bot.github.port import AppPort
from bot.github.values import DeliveryListing, HookDelivery
from bot.intake.routes import router
from bot.jobs.queue import DeliveryQueue, SeenQueue
from bot.recovery.report import RecoveryMetrics, RecoveryReport, log, note
from bot.review.context import AppContext

MAX_REDELIVERIES_PER_GUID = 3  # redeliveries GitHub shows for a GUID before we stop asking

Verdict = Literal["redeliver", "succeeded", "unhandled", "refused", "gave_up"]
EventFilter = Callable[[str, str | None], bool]


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
    return any(route.wants(event, action) for route in router.routes)


async def failed_deliveries(ctx: AppContext, queue: DeliveryQueue, report: RecoveryReport, *,
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
        note("error", f"could not list or redeliver deliveries: {error}", level=logging.WARNING)


def _listed(report: RecoveryReport, listing: DeliveryListing, since: datetime) -> None:
    report.listed, report.pages = len(listing.deliveries), listing.pages
    report.listing_stopped = listing.stopped
    if listing.stopped == "budget":
        report.budget_exhausted = True
    if listing.stopped in ("max_pages", "budget"):
        oldest = listing.deliveries[-1].delivered_at.isoformat() if listing.deliveries else "none"
        note("listing_bounded", f"stopped listing deliveries at the {listing.stopped} bound after "
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
            note("skip", f"failed delivery not redelivered ({reason})", fields)
        return True
    try:
        await app.redeliver_hook_delivery(latest.id)
    except RateLimited as error:
        report.errors.append(f"redeliver {history.guid}: {error}")
        note("error", f"GitHub rate-limited the redelivery ({error})", fields, level=logging.WARNING)
        return False
    except GitHubError as error:
        if isinstance(error, BudgetExhausted):
            raise
        report.errors.append(f"redeliver {history.guid}: {error}")
        note("error", f"redelivery refused: {error}", fields, level=logging.WARNING)
        return True
    report.redelivered.append(history.guid)
    if metrics is not None:
        metrics.recovery_redelivered()
    note("redeliver", "asked GitHub to redeliver a failed delivery", fields)
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
