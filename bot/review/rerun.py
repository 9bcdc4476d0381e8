"""Re-runs by commit SHA: the Re-run buttons (``check_run.rerequested``, ``check_suite.requested`` /
``rerequested``), which name a commit, not a pull request, and recovery's re-run of a check run a
lost review left open."""

from __future__ import annotations

import contextlib
import logging

from bot.github.errors import NotFound
from bot.github.port import GitHubPort
from bot.github.values import CheckRunOutput, CheckRunUpdate, PullRequestRef, RepoRef
from bot.review.checks import has_own_check_run
from bot.review.context import AppContext
from bot.review.flow import run_review

log = logging.getLogger(__name__)


async def rerun_for_sha(ctx: AppContext, repo: RepoRef, head_sha: str, *, reason: str,
                        skip_if_reviewed: bool | None = None, check_run_id: int | None = None,
                        pr_number: int | None = None, attempt: int = 1) -> None:
    """Review every open PR whose head is *head_sha* (found via ``/commits/{sha}/pulls``, which
    also finds fork PRs, whose webhook ``pull_requests`` list is empty).

    ``skip_if_reviewed`` (default: only for ``check_suite.requested``, which GitHub sends with every
    push alongside ``pull_request.synchronize``) skips a SHA that already has our check run.

    With *check_run_id* (recovery: that check run of ours was left open), PR *pr_number* is
    reviewed again in that same check run; see :func:`resume_check_run`. *attempt*: as for
    :func:`~bot.review.flow.run_review`.
    """
    if check_run_id is not None:
        async with ctx.github_for_installation(repo.installation_id) as gh:
            await resume_check_run(ctx, gh, repo, head_sha, check_run_id, pr_number, reason=reason,
                                   attempt=attempt)
        return
    skip = reason.startswith("check_suite.requested") if skip_if_reviewed is None else skip_if_reviewed
    async with ctx.github_for_installation(repo.installation_id) as gh:
        pulls = [p for p in await gh.list_pull_requests_for_commit(repo, head_sha)
                 if p.head_sha == head_sha and p.state == "open"]
        if not pulls:
            log.info("no open pull request has head %s in %s; nothing to review",
                     head_sha[:7], repo.full_name)
            return
        if skip and await has_own_check_run(ctx, gh, repo, head_sha):
            return
        for pr in pulls:
            await run_review(ctx, gh, pr, reason=reason, attempt=attempt)


async def resume_check_run(ctx: AppContext, gh: GitHubPort, repo: RepoRef, head_sha: str, check_run_id: int,
                           pr_number: int | None, *, reason: str, attempt: int = 1) -> None:
    """Finish check run *check_run_id* of *head_sha*, which a lost review left open.

    If the PR's head is still *head_sha*, the review runs again and publishes in that check run.
    Otherwise the check run is completed ``neutral`` with why, and an open PR is reviewed at its
    current head (the recovery delivery may have superseded a queued delivery for that head).
    """
    pr = await _pull_for(gh, repo, head_sha, pr_number)
    if pr is not None and pr.state == "open" and pr.head_sha == head_sha:
        await run_review(ctx, gh, pr, reason=reason, check_run_id=check_run_id, attempt=attempt)
        return
    await close_stale_check(ctx, gh, repo, head_sha, check_run_id, pr)
    if pr is not None and pr.state == "open":
        await run_review(ctx, gh, pr, reason=reason, attempt=attempt)


async def _pull_for(gh: GitHubPort, repo: RepoRef, head_sha: str,
                    number: int | None) -> PullRequestRef | None:
    if number is None:
        pulls = [p for p in await gh.list_pull_requests_for_commit(repo, head_sha)
                 if p.head_sha == head_sha and p.state == "open"]
        return pulls[0] if pulls else None
    try:
        return await gh.get_pull_request(repo, number)
    except NotFound:
        return None


async def close_stale_check(ctx: AppContext, gh: GitHubPort, repo: RepoRef, head_sha: str, check_run_id: int,
                            pr: PullRequestRef | None) -> None:
    """Complete a check run left open for a commit that is no longer an open PR's head."""
    sha = head_sha[:7]
    if pr is None:
        title, summary = "Not reviewed", f"No open pull request has `{sha}` as its head any more."
    elif pr.state != "open":
        title, summary = "Not reviewed", f"The pull request was {pr.state} before `{sha}` could be reviewed."
    else:
        new = pr.head_sha[:7]
        title = f"Superseded by {new}"
        summary = (f"The pull request moved on to `{new}` before `{sha}` could be reviewed; "
                   f"`{new}` is reviewed instead.")
    log.info("completing check run %s left open on %s@%s: %s", check_run_id, repo.full_name, sha, title)
    update = CheckRunUpdate(status="completed", conclusion="neutral", completed_at=ctx.clock(),
                            output=CheckRunOutput(title, summary))
    with contextlib.suppress(NotFound):  # deleted meanwhile: nothing left to complete
        await gh.update_check_run(repo, check_run_id, update)
    await ctx.check_completed(repo.full_name, check_run_id)
