"""Check runs a lost review left open: read each back, re-run it if it is still open (see the
package doc)."""

from __future__ import annotations

import itertools
import json
import logging
from datetime import datetime, timedelta

from bot.github.errors import BudgetExhausted, GitHubError, RateLimited
from bot.github.port import GitHubPort
from bot.github.values import RepoRef
from bot.intake.payloads import RERUN_ACTION, RERUN_EVENT
from bot.jobs.queue import Delivery, DeliveryQueue
from bot.recovery.report import RecoveryMetrics, RecoveryReport, note
from bot.recovery.store.base import RecoveryStore
from bot.review.context import AppContext, TrackedCheck

CHECK_MAX_AGE = timedelta(days=3)  # a check run noted longer ago is given up on


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


async def stuck_checks(ctx: AppContext, queue: DeliveryQueue, report: RecoveryReport, *, now: datetime,
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
        note("error", f"could not read check runs: {error}", level=logging.WARNING)


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
        note("error", f"could not read the check run: {error}", check_fields(check), level=logging.WARNING)
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
        note("rerun_superseded", "check run left open; a newer delivery for its PR is queued",
              check_fields(check, delivery.id))
        return
    report.reruns.append(delivery.id)
    if metrics is not None:
        metrics.recovery_stuck_check()
    note("rerun", "check run left open; re-run queued", check_fields(check, delivery.id))


async def _settle(ctx: AppContext, report: RecoveryReport, check: TrackedCheck, outcome: str, message: str,
                  delivery_id: str | None = None) -> None:
    report.checks_settled[outcome] += 1
    await ctx.check_completed(check.full_name, check.check_run_id)
    note(f"check_{outcome}", message, check_fields(check, delivery_id))


def check_fields(check: TrackedCheck, delivery_id: str | None = None) -> dict[str, object]:
    return {"repo": check.full_name, "pr": check.pr_number, "sha": check.head_sha,
            "check_run": check.check_run_id, "delivery_id": delivery_id}
