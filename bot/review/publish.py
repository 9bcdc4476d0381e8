"""Publishing a finished review: the sticky comment and the check run, both from the same render.

A stale result is never published: if the PR's head moved while it was reviewed, only its own
check run is completed, ``neutral`` "superseded" (the new head gets its own review). A PR that
changes no planning docs gets a ``success`` check (a required check must never hang), and a
comment only if an earlier review left one; an invalid config gets ``action_required``. Each
result is also handed to the context's observer, if any (``outcome.py``: the Action's reports).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.github.values import (
    MAX_CHECK_TEXT_CHARS,
    MAX_COMMENT_CHARS,
    ChangedFile,
    CheckAnnotation,
    CheckConclusion,
    CheckRunOutput,
    PullRequestRef,
)
from bot.review.approvals import audit_to_render
from bot.review.checks import complete_check
from bot.review.config import ConfigOutcome
from bot.review.configfile import CONFIG_PATH
from bot.review.job import Job
from bot.review.outcome import Outcome
from bot.review.snapshot import touched_tasks
from bot.review.state import StickyState, encode_state
from bot.review.sticky import TITLE, Sticky, find_sticky, write_sticky
from rules.core.config import ReviewConfig
from rules.core.engine import INCOMPLETE, is_incomplete
from rules.core.redact import redact
from rules.core.report import Review
from rules.render.audit import AuditEntry
from rules.render.check import CheckOutput, render_check
from rules.render.markdown import COMMENT_MARKER, render_markdown


@dataclass(frozen=True, slots=True)
class Result:
    """What a finished review publishes: the sticky markdown (without state) and the check run."""

    markdown: str
    conclusion: CheckConclusion
    title: str
    summary: str
    text: str | None = None
    annotations: tuple[CheckAnnotation, ...] = ()
    audit: tuple[AuditEntry, ...] = ()  # the waivers and approvals both were rendered with


DRAFT_NOTE = ("> 📝 **Draft pull request:** the gate failed, but drafts are reviewed without blocking. "
              "Set `gate.block_drafts: true` in `.github/devdocs-review.yml` to block them too.")


def render_result(pr: PullRequestRef, config: ReviewConfig, head: Review, base: Review | None,
                  state: StickyState) -> Result:
    """Comment and check run for a finished review (pure)."""
    base = base if base is not None and base.tasks else None  # no reviewed task at base: all is new
    block_len = len(encode_state(state))
    budget = min(config.limits.max_comment_chars, MAX_COMMENT_CHARS) - block_len - len(DRAFT_NOTE) - 8
    audit = audit_to_render(state, pr.head_sha, survives_push=config.gate.approval_survives_push,
                            complete=not is_incomplete(head))
    markdown = render_markdown(head, base=base, link=pr.blob_url, max_chars=budget, audit=audit,
                               title=TITLE)
    check = render_check(head, base=base, link=pr.blob_url, audit=audit,
                         max_annotations=config.limits.max_annotations)
    conclusion: CheckConclusion = check.conclusion
    summary = check.summary
    title = check.title
    if is_incomplete(head):  # never passes, and says so first
        conclusion, title = "failure", f"Review incomplete: time budget exceeded ({head.grade}, {head.score}/100)"
        summary = fit_text("\n".join(f"> ⏱️ {redact(n)}" for n in head.notes if INCOMPLETE in n) + "\n\n" + summary,
                           MAX_CHECK_TEXT_CHARS)
    if conclusion == "failure" and pr.draft and not config.gate.block_drafts:
        conclusion = "neutral"
        markdown = with_note(markdown, DRAFT_NOTE)
        summary = fit_text(f"{DRAFT_NOTE}\n\n{summary}", MAX_CHECK_TEXT_CHARS)
    return Result(markdown, conclusion, title, summary, check.text or None, check_annotations(check), audit)


def check_annotations(check: CheckOutput) -> tuple[CheckAnnotation, ...]:
    return tuple(CheckAnnotation(a.path, a.start_line, a.end_line, a.annotation_level, a.message, a.title,
                                 a.raw_details) for a in check.annotations)


def with_note(markdown: str, note: str) -> str:
    """*note* right under the comment's headline (the first ``## `` line)."""
    match = re.search(r"^## .*\n", markdown, flags=re.MULTILINE)
    if match is None:
        return f"{markdown}\n{note}\n"
    return f"{markdown[:match.end()]}\n{note}\n{markdown[match.end():]}"


def fit_text(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


async def publish_review(job: Job, config: ReviewConfig, head: Review, base: Review | None,
                         sticky: Sticky) -> None:
    if await superseded(job):
        return
    now = job.ctx.clock().timestamp()  # the head was confirmed just now
    # ... and known since the delivery that announced it arrived (approvals compare with that)
    seen = min(now, job.pr.announced_at) if job.pr.announced_at is not None else now
    state = sticky.state.saw_head(job.pr.head_sha, seen).showed(head, now)
    result = render_result(job.pr, config, head, base, state)
    comment = await write_sticky(job.ctx, job.gh, job.repo, job.pr.number, sticky, result.markdown, state)
    output = CheckRunOutput(result.title, result.summary, result.text, result.annotations)
    await complete_check(job, result.conclusion, output, details_url=comment.html_url)
    job.ctx.published(Outcome("reviewed", job.pr, result.conclusion, output, result.markdown, head,
                              base if base is not None and base.tasks else None, config, result.audit))


async def superseded(job: Job) -> bool:
    """True (and the check completed ``neutral``) when the PR moved on while we reviewed."""
    current = await job.gh.get_pull_request(job.repo, job.pr.number)
    if current.head_sha == job.pr.head_sha:
        return False
    sha, new = job.pr.head_sha[:7], current.head_sha[:7]
    summary = (f"The pull request's head moved from `{sha}` to `{new}` while `{sha}` was being reviewed, so "
               f"this result was not published. `{new}` gets its own review and check run.")
    output = CheckRunOutput(f"Superseded by {new}", summary)
    await complete_check(job, "neutral", output)
    job.ctx.published(Outcome("superseded", job.pr, "neutral", output, summary))
    return True


NO_DOCS = "No planning docs changed"


async def publish_no_docs(job: Job, *, nothing: Review | None = None) -> None:
    """The check succeeds with nothing to review: the PR changes no planning docs, or (*nothing*,
    the engine's neutral result) the tasks it touches are gone. Only an earlier sticky is updated."""
    if nothing is None:
        message = (f"This pull request changes no planning docs as of `{job.pr.head_sha[:7]}`; "
                   "there is nothing to review.")
        output = CheckRunOutput(NO_DOCS, message)
        markdown = f"{COMMENT_MARKER}\n## 📋 {TITLE}: {NO_DOCS.lower()}\n\n{message}\n"
    else:
        check = render_check(nothing)
        output = CheckRunOutput(check.title, check.summary)
        markdown = render_markdown(nothing, title=TITLE)
    sticky = await find_sticky(job.ctx, job.gh, job.repo, job.pr.number)
    if sticky.comment is not None:  # only an earlier review is corrected; no new comment
        if await superseded(job):
            return
        await write_sticky(job.ctx, job.gh, job.repo, job.pr.number, sticky, markdown)
    await complete_check(job, "success", output)
    job.ctx.published(Outcome("no_docs", job.pr, "success", output, markdown, head=nothing))


async def publish_config_error(job: Job, outcome: ConfigOutcome, changed: Sequence[ChangedFile]) -> None:
    errors = "\n".join(f"- `{redact(e)}`" for e in outcome.errors[:50])
    summary = (f"The configuration `{outcome.source}` is invalid, so this pull request was not reviewed:\n\n"
               f"{errors}\n\nFix the file on the base branch (a pull request cannot change its own gate), "
               "then comment `/review` to re-run.")
    markdown = f"{COMMENT_MARKER}\n## 📋 {TITLE}: configuration error\n\n{summary}\n"
    sticky = await find_sticky(job.ctx, job.gh, job.repo, job.pr.number)
    default_roots = ReviewConfig().doc_roots
    docs_touched = bool(touched_tasks(changed, default_roots)) or any(f.path == CONFIG_PATH for f in changed)
    if sticky.comment is not None or docs_touched:
        if await superseded(job):
            return
        await write_sticky(job.ctx, job.gh, job.repo, job.pr.number, sticky, markdown)
    output = CheckRunOutput("Invalid devdocs-review configuration", fit_text(summary, MAX_CHECK_TEXT_CHARS))
    await complete_check(job, "action_required", output)
    job.ctx.published(Outcome("config_error", job.pr, "action_required", output, markdown,
                              config_errors=outcome.errors))
