"""The App's check run on a commit: created ``in_progress`` at once (a required check never hangs),
completed exactly once, and noted in the check registry meanwhile (recovery finds lost ones)."""

from __future__ import annotations

import logging

from bot.github.errors import NotFound
from bot.github.port import GitHubPort
from bot.github.values import CheckConclusion, CheckRunOutput, CheckRunRef, CheckRunUpdate, RepoRef
from bot.review.context import AppContext, TrackedCheck
from bot.review.job import Job

log = logging.getLogger(__name__)


async def start_check(job: Job) -> None:
    """Create the check run ``in_progress`` (or mark ``job.check_id``, one left open, in progress
    again) and note it as open."""
    sha = job.pr.head_sha
    output = CheckRunOutput("Reviewing…", f"Reviewing the planning docs at `{sha[:7]}` ({job.reason}).")
    if job.check_id is not None and not await _reopened(job, output):
        job.check_id = None  # the run left open is gone: start a new one
    if job.check_id is None:
        run = await job.gh.create_check_run(job.repo, name=job.ctx.settings.check_name, head_sha=sha,
                                            status="in_progress", started_at=job.ctx.clock(), output=output)
        job.check_id = run.id
    await job.ctx.check_started(TrackedCheck(job.repo.owner, job.repo.name, job.repo.installation_id, sha,
                                             job.pr.number, job.check_id, job.ctx.clock().timestamp()))


async def _reopened(job: Job, output: CheckRunOutput) -> bool:
    """Mark the existing check run ``job.check_id`` in progress again; False when it is gone."""
    assert job.check_id is not None
    try:
        await job.gh.update_check_run(job.repo, job.check_id,
                                      CheckRunUpdate(status="in_progress", output=output))
    except NotFound:
        return False
    return True


async def complete_check(job: Job, conclusion: CheckConclusion, output: CheckRunOutput, *,
                         details_url: str | None = None) -> None:
    assert job.check_id is not None
    update = CheckRunUpdate(status="completed", conclusion=conclusion, completed_at=job.ctx.clock(),
                            details_url=details_url or None, output=output)
    await job.gh.update_check_run(job.repo, job.check_id, update)
    job.conclusion = conclusion
    await job.ctx.check_completed(job.repo.full_name, job.check_id)


async def own_check_runs(ctx: AppContext, gh: GitHubPort, repo: RepoRef, sha: str) -> list[CheckRunRef]:
    """Our check runs (by name, and by App where GitHub says which) on commit *sha*."""
    runs = await gh.list_check_runs(repo, sha, check_name=ctx.settings.check_name)
    if not runs:
        return []
    slug = (await ctx.app(gh)).slug
    return [run for run in runs if run.app_slug in (None, slug)]


async def has_own_check_run(ctx: AppContext, gh: GitHubPort, repo: RepoRef, sha: str) -> bool:
    return bool(await own_check_runs(ctx, gh, repo, sha))


async def open_check_run(ctx: AppContext, gh: GitHubPort, repo: RepoRef, sha: str) -> int | None:
    """The newest check run of ours on *sha* that is still ``queued`` or ``in_progress``, if any."""
    left = [run.id for run in await own_check_runs(ctx, gh, repo, sha) if run.status in ("queued", "in_progress")]
    if left:
        log.info("an earlier attempt left check run %s open on %s; reviewing in it", max(left), sha[:7])
    return max(left, default=None)
