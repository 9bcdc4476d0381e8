"""Recovery of check runs a lost review left open, against the fake GitHub and the App's real
handlers and review: the re-run finishes that very check run, and what completed meanwhile is left
alone."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest

from bot.jobs.memory import MemoryQueue
from bot.metrics import Metrics
from bot.recovery.run import recover
from bot.recovery.store.memory import MemoryRecoveryStore
from bot.review.context import AppContext
from bot.review.flow import review_pull_request
from tests.bot.recovery.support import open_check_of_a_lost_review, work_off
from tests.bot.support import BAD_TASK, Clock, ref, task_files
from tests.fakegithub import FakeGitHub, Repo

CHECK = "devdocs-review"
STUCK_AFTER = timedelta(minutes=15)


def registry(ctx: AppContext) -> MemoryRecoveryStore:
    assert isinstance(ctx.check_registry, MemoryRecoveryStore)
    return ctx.check_registry


async def noted(ctx: AppContext) -> list[int]:
    return [c.check_run_id for c in await registry(ctx).open_checks(created_before=float("inf"), limit=100)]


async def test_a_review_notes_its_check_run_while_open_and_forgets_it_once_completed(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo
) -> None:
    pr = hub.open_pull_request(demo_repo, task_files(BAD_TASK))
    seen_while_open: list[list[int]] = []
    original = registry(ctx).check_started

    async def spy(check):  # type: ignore[no-untyped-def]
        await original(check)
        seen_while_open.append(await noted(ctx))

    registry(ctx).check_started = spy  # type: ignore[method-assign]

    await review_pull_request(ctx, ref(pr), reason="pull_request.opened")

    (run,) = hub.runs_for(demo_repo, pr.head_sha, CHECK)
    assert seen_while_open == [[run.id]]
    assert await noted(ctx) == []


async def test_a_stuck_check_run_is_re_run_and_ends_completed_with_the_review(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo, clock: Clock, queue: MemoryQueue,
    caplog: pytest.LogCaptureFixture,
) -> None:
    pr = hub.open_pull_request(demo_repo, task_files(BAD_TASK))
    check_run_id = await open_check_of_a_lost_review(ctx, hub, pr)
    clock.advance(16 * 60)
    metrics = Metrics()

    with caplog.at_level(logging.INFO, logger="bot.recovery"):
        report = await recover(ctx, queue, now=clock(), stuck_after=STUCK_AFTER, metrics=metrics)
    (rerun,) = await work_off(queue, ctx)

    assert report.reruns == [f"rerun:octo/docs:{pr.head_sha}:{check_run_id}"]
    assert (rerun.event, rerun.coalesce_key) == ("devdocs.rerun", f"octo/docs#{pr.number}")
    assert json.loads(rerun.body)["check_run"] == {"id": check_run_id, "head_sha": pr.head_sha}
    (run,) = hub.runs_for(demo_repo, pr.head_sha, CHECK)  # the same check run, no second one
    assert (run.id, run.status, run.conclusion) == (check_run_id, "completed", "failure")
    assert run.output["title"] != "Reviewing…"
    assert len(hub.bot_comments(demo_repo, pr.number)) == 1  # the review was published
    assert await noted(ctx) == []
    assert b"devdocs_recovery_stuck_checks_total 1.0" in metrics.render()
    assert "check run left open; re-run queued" in caplog.text


async def test_a_young_open_check_run_is_not_stuck_yet(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo, clock: Clock, queue: MemoryQueue
) -> None:
    pr = hub.open_pull_request(demo_repo, task_files(BAD_TASK))
    await open_check_of_a_lost_review(ctx, hub, pr)
    clock.advance(5 * 60)

    report = await recover(ctx, queue, now=clock(), stuck_after=STUCK_AFTER)

    assert (report.checks_examined, report.reruns) == (0, [])
    assert hub.count("checks/get") == 0


async def test_a_check_run_that_completed_meanwhile_is_left_alone(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo, clock: Clock, queue: MemoryQueue
) -> None:
    pr = hub.open_pull_request(demo_repo, task_files(BAD_TASK))
    check_run_id = await open_check_of_a_lost_review(ctx, hub, pr)
    hub.check_runs[check_run_id].status, hub.check_runs[check_run_id].conclusion = "completed", "success"
    clock.advance(16 * 60)
    updates = hub.count("checks/update")

    report = await recover(ctx, queue, now=clock(), stuck_after=STUCK_AFTER)

    assert report.reruns == [] and report.checks_settled["completed"] == 1
    assert await queue.depth() == 0
    assert hub.count("checks/update") == updates
    assert hub.check_runs[check_run_id].conclusion == "success"
    assert await noted(ctx) == []  # forgotten: never read again


async def test_a_deleted_check_run_is_forgotten(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo, clock: Clock, queue: MemoryQueue
) -> None:
    pr = hub.open_pull_request(demo_repo, task_files(BAD_TASK))
    check_run_id = await open_check_of_a_lost_review(ctx, hub, pr)
    del hub.check_runs[check_run_id]
    clock.advance(16 * 60)

    report = await recover(ctx, queue, now=clock(), stuck_after=STUCK_AFTER)

    assert report.checks_settled["gone"] == 1 and await noted(ctx) == []


async def test_a_check_run_of_a_commit_the_pr_moved_past_is_closed_and_the_new_head_reviewed(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo, clock: Clock, queue: MemoryQueue
) -> None:
    pr = hub.open_pull_request(demo_repo, task_files(BAD_TASK))
    old_sha = pr.head_sha
    check_run_id = await open_check_of_a_lost_review(ctx, hub, pr)
    new_sha = hub.push(pr, {f"{BAD_TASK}/notes.md": "# Notes\n"})  # its delivery was coalesced away
    clock.advance(16 * 60)

    await recover(ctx, queue, now=clock(), stuck_after=STUCK_AFTER)
    await work_off(queue, ctx)

    stale = hub.check_runs[check_run_id]
    assert (stale.status, stale.conclusion) == ("completed", "neutral")
    assert stale.output["title"] == f"Superseded by {new_sha[:7]}"
    assert [r.status for r in hub.runs_for(demo_repo, new_sha, CHECK)] == ["completed"]
    assert hub.runs_for(demo_repo, old_sha, CHECK) == [stale]
    assert await noted(ctx) == []


async def test_a_check_run_is_re_run_once_and_then_forgotten(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo, clock: Clock, queue: MemoryQueue
) -> None:
    pr = hub.open_pull_request(demo_repo, task_files(BAD_TASK))
    await open_check_of_a_lost_review(ctx, hub, pr)
    clock.advance(16 * 60)

    first = await recover(ctx, queue, now=clock(), stuck_after=STUCK_AFTER)
    second = await recover(ctx, queue, now=clock() + timedelta(minutes=10), stuck_after=STUCK_AFTER)

    assert len(first.reruns) == 1
    assert second.reruns == [] and second.checks_settled["rerun_known"] == 1  # the queued one finishes it
    assert await queue.depth() == 1
    assert await noted(ctx) == []


async def test_reading_check_runs_honours_the_request_budget(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo, clock: Clock, queue: MemoryQueue
) -> None:
    for n in range(4):
        pr = hub.open_pull_request(demo_repo, task_files(f"dev/active/task-{n}"))
        await open_check_of_a_lost_review(ctx, hub, pr)
    clock.advance(16 * 60)
    hub.reset_requests()

    report = await recover(ctx, queue, now=clock(), stuck_after=STUCK_AFTER, max_calls=3)

    assert hub.count("apps/list-webhook-deliveries") == 1 and hub.count("checks/get") == 2
    assert (report.requests, report.budget_exhausted, len(report.reruns)) == (3, True, 2)
    assert len(await noted(ctx)) == 4  # two re-runs queued (noted until they finish), two for next time


async def test_a_re_run_superseded_by_a_newer_delivery_for_the_pr_is_not_counted_as_queued(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo, clock: Clock, queue: MemoryQueue
) -> None:
    from bot.jobs.queue import Delivery

    pr = hub.open_pull_request(demo_repo, task_files(BAD_TASK))
    await open_check_of_a_lost_review(ctx, hub, pr)
    clock.advance(16 * 60)
    newer = Delivery("guid-push", "pull_request", b"{}", received_at=clock().timestamp() + 1,
                     coalesce_key=f"octo/docs#{pr.number}")
    await queue.submit(newer)

    report = await recover(ctx, queue, now=clock(), stuck_after=STUCK_AFTER)

    assert report.reruns == [] and report.checks_settled["superseded"] == 1
    claimed = await queue.claim("w", lease_seconds=60)
    assert claimed is not None and claimed.id == "guid-push"  # the re-run was never queued
    assert len(await noted(ctx)) == 1  # still noted: read again next run
