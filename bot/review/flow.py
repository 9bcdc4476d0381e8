"""Review one pull request and publish the result: one sticky comment and one check run.

Read top-down, this is what happens on a PR (issue 3):

1. create the check run ``in_progress`` at once, so a required check never hangs (``checks.py``);
2. list the PR's files and read the config from the BASE commit (a PR cannot weaken its own gate;
   forks never supply config), falling back to the org's ``.github`` repository (``config.py``);
3. no planning doc changed (a file under a doc root, or a task file directly in a loose-only
   root such as ``dev/``) → ``success`` "No planning docs changed" (and say so in an earlier
   sticky comment); an invalid config → ``action_required`` with the errors (``publish.py``);
4. otherwise build snapshots at head and base from the recursive tree (every path, for link
   checks) and blobs fetched by SHA through a bounded cache (``snapshot.py``), run the engine on
   the touched tasks (every other task is graded for the exemplar comparison), and render;
5. re-check that the PR head is still the reviewed SHA: a stale result only completes its own
   check run as ``neutral`` "superseded"; otherwise edit (or create once) the sticky comment and
   complete the check run with the gate's conclusion (``publish.py``).

Any failure after step 1 completes the check run as ``failure`` with the error before the
exception goes on to the worker (``failure.py``). Waivers and approvals (``/review waive``,
``/review approve``, ``commands.py``), the head timeline and the findings each review showed live
as hidden JSON at the end of the sticky comment (``state.py``), so they survive restarts and work
across replicas; ``approvals.py`` binds a command to the head its author saw.

Nothing here needs the App's queue or webhooks: :func:`run_review` takes a GitHub port, a PR and
an :class:`~bot.review.context.AppContext`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Hashable, Sequence
from typing import Any

from bot.github.errors import NotFound
from bot.github.port import GitHubPort
from bot.github.values import ChangedFile, PullRequestRef
from bot.jobs.engine_pool import ThreadEngine
from bot.review.checks import open_check_run, start_check
from bot.review.config import load_repo_config
from bot.review.context import AppContext
from bot.review.failure import fail_check
from bot.review.job import Job
from bot.review.publish import publish_config_error, publish_no_docs, publish_review
from bot.review.snapshot import pr_files, repo_files, seed_from_patches, snapshot_at, touched_tasks
from bot.review.state import StickyState
from bot.review.sticky import find_sticky
from rules.core.config import ReviewConfig
from rules.core.discovery import DocRoots, Snapshot
from rules.core.engine import ExtraWaivers
from rules.core.report import Review

MIN_ENGINE_SECONDS = 1.0  # the base review's budget when the head review used up the job's
THREAD_ENGINE = ThreadEngine()  # when no worker set up a process pool (tests, the CLI's helpers)


async def review_pull_request(ctx: AppContext, pr: PullRequestRef, *, reason: str, attempt: int = 1) -> None:
    """Review *pr* at its head SHA and publish the sticky comment and the check run."""
    async with ctx.github_for_installation(pr.repo.installation_id) as gh:
        await run_review(ctx, gh, pr, reason=reason, attempt=attempt)


async def run_review(ctx: AppContext, gh: GitHubPort, pr: PullRequestRef, *, reason: str,
                     check_run_id: int | None = None, attempt: int = 1) -> str:
    """As :func:`review_pull_request`, on an open port; returns the check run's conclusion.

    *check_run_id*: publish in this existing check run (one recovery found left open) instead of
    creating a new one. *attempt*: which run of its delivery this is (the worker's count); a
    retried job (``attempt > 1``) publishes in the check run an earlier attempt left open, if
    any (a worker killed mid-review leaves one), and the last attempt's failure says retrying
    stopped."""
    async with ctx.cache.pr_lock(pr.key):
        job = Job(ctx, gh, pr, reason, attempt=attempt, check_id=check_run_id)
        if job.check_id is None and attempt > 1:
            job.check_id = await open_check_run(ctx, gh, pr.repo, pr.head_sha)
        await start_check(job)
        try:
            await _review(job)
        except (Exception, asyncio.CancelledError) as error:
            await fail_check(job, error)
            raise
        ctx.review_completed(job.conclusion or "unknown")
        return job.conclusion or "unknown"


async def _review(job: Job) -> None:
    changed = await pr_files(job)
    outcome = await load_repo_config(job.ctx, job.gh, job.pr)
    if outcome.config is None:
        await publish_config_error(job, outcome, changed)
        return
    config = outcome.config
    focus = touched_tasks(changed, config.doc_roots)
    if not focus:
        await publish_no_docs(job)
        return
    sticky = await find_sticky(job.ctx, job.gh, job.repo, job.pr.number)
    head, base = await review_head_and_base(job, config, focus, sticky.state, changed)
    if not head.reviewed:  # the touched tasks were removed or archived
        await publish_no_docs(job, nothing=head)
        return
    await publish_review(job, config, head, base, sticky)


async def review_head_and_base(job: Job, config: ReviewConfig, focus: tuple[str, ...], state: StickyState,
                               changed: Sequence[ChangedFile] = ()) -> tuple[Review, Review | None]:
    """The engine's review of the head, and of the base (cached: for the delta)."""
    today = job.ctx.clock().date()
    roots = config.doc_roots
    waivers = state.waivers()
    files = await repo_files(job, job.pr.head_sha, roots)
    seed_from_patches(job, changed, roots)
    snapshot = await snapshot_at(job, files, config.limits.max_file_bytes)
    head = await engine(job, snapshot, today=today, config=config, focus=focus, extra_waivers=waivers,
                        head_sha=job.pr.head_sha)
    key: Hashable = (job.repo.full_name, job.pr.base_sha, config.digest(), focus,
                     tuple(sorted(waivers.findings.items())), tuple(sorted(waivers.rules.items())), today)
    base: Review | None = job.ctx.cache.base_reviews.get(key)
    if base is None:
        base = await review_base(job, config, focus, waivers, roots)
        if base is not None:
            job.ctx.cache.base_reviews.put(key, base)
    return head, base


async def review_base(job: Job, config: ReviewConfig, focus: tuple[str, ...], waivers: ExtraWaivers,
                      roots: DocRoots) -> Review | None:
    try:
        files = await repo_files(job, job.pr.base_sha, roots)
    except NotFound:
        return None  # the base commit is gone (force-pushed base): no delta
    snapshot = await snapshot_at(job, files, config.limits.max_file_bytes)
    return await engine(job, snapshot, today=job.ctx.clock().date(), config=config, focus=focus,
                        extra_waivers=waivers, head_sha=job.pr.base_sha)


async def engine(job: Job, snapshot: Snapshot, **options: Any) -> Review:
    """The pure engine, off the event loop (``bot/jobs/engine_pool.py``: the worker's process pool,
    or a thread), within what is left of the job's time budget (head and base share it)."""
    runner = job.ctx.engine or THREAD_ENGINE
    budget = job.ctx.settings.review_budget_seconds
    left = max(MIN_ENGINE_SECONDS, budget - job.engine_seconds)
    started = time.monotonic()
    try:
        return await runner.review(snapshot, budget=left, **options)
    finally:
        job.engine_seconds += time.monotonic() - started
