"""When a review fails: the check run says what went wrong, and never stays ``in_progress``.

Any failure after the check run was created completes it ``failure`` with the error (scrubbed of
secrets) before the exception goes on to the worker, which logs and retries it: a broken or
rate-limited review must not let a PR merge unreviewed. When the worker gives up
(:func:`publish_gave_up`), a job that never got as far as its check run still leaves one.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from bot.github.errors import GitHubError, GitHubRequestError, GitHubUnavailable, RateLimited
from bot.github.values import CheckRunOutput, CheckRunUpdate, PullRequestRef, RepoRef
from bot.jobs.engine_pool import ReviewTimedOut
from bot.logs import Scrubber
from bot.review.checks import complete_check
from bot.review.context import AppContext
from bot.review.job import Job
from rules.core.redact import redact

log = logging.getLogger(__name__)


async def fail_check(job: Job, error: BaseException) -> None:
    """Best effort: complete the check run ``failure`` with what went wrong (never raises)."""
    if job.check_id is None or job.conclusion is not None:
        return
    final = job.attempt >= job.ctx.settings.worker_max_attempts
    title, summary = describe_failure(job.pr, error, final=final, scrub=error_scrubber(job.ctx))
    try:
        await complete_check(job, "failure", CheckRunOutput(title, summary))
    except (GitHubError, OSError) as second:
        log.warning("could not complete check run %s after an error: %s", job.check_id, second)
    job.ctx.review_completed("error")


def error_scrubber(ctx: AppContext) -> Callable[[str], str]:
    """For error texts we publish: masks the App's own secrets (an error may quote anything) as
    well as every secret :func:`~rules.core.redact.redact` recognises."""
    settings = ctx.settings
    own = [settings.webhook_secret.get_secret_value(), settings.private_key.get_secret_value()]
    return Scrubber(own).scrub


def describe_failure(pr: PullRequestRef, error: BaseException, *, final: bool = False,
                     scrub: Callable[[str], str] = redact) -> tuple[str, str]:
    """Check-run title and summary for a review that failed (pure); *final*: no retry will follow;
    *scrub* masks secrets in the error's text."""
    return describe_failure_at(pr.head_sha, error, final=final, scrub=scrub)


def describe_failure_at(head_sha: str, error: BaseException, *, final: bool = False,
                        scrub: Callable[[str], str] = redact) -> tuple[str, str]:
    """As :func:`describe_failure`, for a commit."""
    sha = head_sha[:7]
    detail = scrub(str(error)) or type(error).__name__
    stopped = "devdocs-review has stopped retrying; comment `/review` to try again."
    if isinstance(error, RateLimited):
        later = stopped if final else (f"The review will be retried automatically in about "
                                       f"{error.retry_after:.0f} s; comment `/review` to retry sooner.")
        return ("Review failed: GitHub rate limit" if final else "Review postponed: GitHub rate limit",
                f"GitHub asked devdocs-review to slow down while reviewing `{sha}` ({detail}). {later}")
    if isinstance(error, GitHubUnavailable):
        later = stopped if final else ("The review will be retried automatically; comment `/review` to "
                                       "retry now.")
        return ("Review failed: GitHub unavailable",
                f"GitHub kept failing while `{sha}` was reviewed ({detail}). {later}")
    if isinstance(error, GitHubRequestError):
        return ("Review failed: GitHub refused a request",
                f"GitHub refused a request while `{sha}` was reviewed: {detail}. Check the App's "
                "permissions and installation, then comment `/review` to re-run.")
    if isinstance(error, ReviewTimedOut):
        return ("Review stopped: time budget exceeded",
                f"Reviewing `{sha}` took longer than its time budget ({error.budget:g} s) and the "
                f"{error.grace:g} s of grace after it, so the review process was stopped and replaced; "
                "nothing was published and the gate fails. A document with a pathological input (a "
                "very long line, an unclosed construct) is the usual cause: shorten it, then comment "
                "`/review` to re-run.")
    if isinstance(error, asyncio.CancelledError):
        return ("Review interrupted", f"The review of `{sha}` was interrupted (the service is restarting); "
                                      "it will be retried. Comment `/review` to re-run it now.")
    return ("Review failed: internal error",
            f"devdocs-review failed while reviewing `{sha}` ({type(error).__name__}: {detail}). This is a "
            "bug in devdocs-review; comment `/review` to re-run, and report it if it persists.")


async def publish_gave_up(ctx: AppContext, repo: RepoRef, head_sha: str, error: BaseException) -> None:
    """The worker gave up on a job about *head_sha*: make sure a check run of ours there says so.

    Our runs still open on that commit end ``failure`` with *error*; if the job failed before it
    created one (no installation token, GitHub down), one is created, so a required check shows
    the failure instead of waiting for ever. A run already completed (``fail_check`` did it) stays.
    """
    title, summary = describe_failure_at(head_sha, error, final=True, scrub=error_scrubber(ctx))
    output = CheckRunOutput(title, summary)
    async with ctx.github_for_installation(repo.installation_id) as gh:
        runs = await gh.list_check_runs(repo, head_sha, check_name=ctx.settings.check_name)
        slug = (await ctx.app(gh)).slug
        mine = [run for run in runs if run.app_slug in (None, slug)]
        left_open = [run.id for run in mine if run.status != "completed"]
        if not mine:
            created = await gh.create_check_run(repo, name=ctx.settings.check_name, head_sha=head_sha,
                                                status="in_progress", started_at=ctx.clock(), output=output)
            left_open = [created.id]
        for run_id in left_open:
            log.info("completing check run %s on %s@%s: the job was given up", run_id, repo.full_name,
                     head_sha[:7])
            update = CheckRunUpdate(status="completed", conclusion="failure", completed_at=ctx.clock(),
                                    output=output)
            await gh.update_check_run(repo, run_id, update)
            await ctx.check_completed(repo.full_name, run_id)
