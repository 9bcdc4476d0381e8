"""Review one pull request and publish the result: one sticky comment and one check run.

The flow (issue 3, "What happens on a PR"):

1. create the check run ``in_progress`` at once, so a required check never hangs;
2. list the PR's files and read the config from the BASE commit (a PR cannot weaken its own gate;
   forks never supply config), falling back to the org's ``.github`` repository;
3. no file under a doc root → ``success`` "No planning docs changed" (and say so in an earlier
   sticky comment); an invalid config → ``action_required`` with the errors;
4. otherwise build snapshots at head and base from the recursive tree (every path, for link
   checks) and blobs fetched by SHA through a bounded cache, run the engine on the touched tasks
   (every other task is graded for the exemplar comparison), and render;
5. re-check that the PR head is still the reviewed SHA: a stale result only completes its own
   check run as ``neutral`` "superseded"; otherwise edit (or create once) the sticky comment and
   complete the check run with the gate's conclusion.

Any failure after step 1 completes the check run as ``failure`` with the error before the
exception goes on to the worker (which logs and retries it): a broken or rate-limited review must
not let a PR merge unreviewed, and a check is never left ``in_progress``. When the worker gives up
(:func:`publish_gave_up`), a job that never got as far as its check run still leaves one.

Waivers and approvals (``/review waive``, ``/review approve``), the head timeline and the findings
each review showed live as hidden JSON at the end of the sticky comment (``bot/sticky_state.py``),
so they survive restarts and work across replicas; ``bot/approvals.py`` binds a command to the
head its author saw.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.approvals import audit_to_render
from bot.configfile import CONFIG_PATH
from bot.configfile import parse_config_bytes as parse_config
from bot.context import AppContext, TrackedCheck
from bot.github.errors import GitHubError, GitHubRequestError, GitHubUnavailable, NotFound, RateLimited
from bot.github.port import GitHubPort
from bot.github.values import (
    MAX_CHECK_TEXT_CHARS,
    MAX_COMMENT_CHARS,
    ChangedFile,
    CheckAnnotation,
    CheckConclusion,
    CheckRunOutput,
    CheckRunUpdate,
    Comment,
    PullRequestRef,
    RepoRef,
    TreeEntry,
)
from bot.jobs.engine_pool import ReviewTimedOut, ThreadEngine
from bot.jobs.worker import current_attempt
from bot.logs import Scrubber
from bot.sticky_state import (
    StickyState,
    compose_body,
    decode_state,
    encode_state,
)
from rules.core.config import ConfigError, ReviewConfig
from rules.core.discovery import Snapshot, is_markdown, role_of
from rules.core.engine import INCOMPLETE, ExtraWaivers, is_incomplete
from rules.core.model import Role
from rules.core.redact import redact
from rules.core.report import Review
from rules.render.check import CheckOutput, render_check
from rules.render.markdown import COMMENT_MARKER, render_markdown

log = logging.getLogger(__name__)

FETCH_CONCURRENCY = 8
MIN_ENGINE_SECONDS = 1.0  # the base review's budget when the head review used up the job's
THREAD_ENGINE = ThreadEngine()  # when no worker set up a process pool (tests, the CLI's helpers)
ORG_CONFIG_TTL = timedelta(minutes=10)
TITLE = "devdocs-review"

def now_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------------------------------------
# Finding the App's sticky comment
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sticky:
    comment: Comment | None
    state: StickyState = field(default_factory=StickyState)


async def bot_login(ctx: AppContext, gh: GitHubPort) -> str:
    if ctx.cache.app is None:
        ctx.cache.app = await gh.get_app()
    return ctx.cache.app.bot_login


def is_sticky(comment: Comment, login: str) -> bool:
    return comment.author_login == login and COMMENT_MARKER in comment.body


async def find_sticky(ctx: AppContext, gh: GitHubPort, repo: RepoRef, number: int) -> Sticky:
    """The App's own marked comment (the oldest, if a race ever made two) and its state."""
    login = await bot_login(ctx, gh)
    key = (repo.full_name, number)
    cached = ctx.cache.sticky_ids.get(key)
    comment = await gh.get_issue_comment(repo, cached) if cached else None
    if comment is None or not is_sticky(comment, login):
        ctx.cache.sticky_ids.pop(key)
        mine = [c for c in await gh.list_issue_comments(repo, number) if is_sticky(c, login)]
        comment = min(mine, key=lambda c: c.id) if mine else None
    if comment is None:
        return Sticky(None)
    ctx.cache.sticky_ids.put(key, comment.id)
    return Sticky(comment, decode_state(comment.body))


async def write_sticky(ctx: AppContext, gh: GitHubPort, repo: RepoRef, number: int, sticky: Sticky,
                       markdown: str, state: StickyState | None = None) -> Comment:
    """Edit the sticky comment in place (skipped when unchanged), or create it the first time."""
    body = compose_body(markdown, sticky.state if state is None else state)
    if sticky.comment is not None and sticky.comment.body == body:
        return sticky.comment
    comment = None
    if sticky.comment is not None:
        try:
            comment = await gh.update_issue_comment(repo, sticky.comment.id, body)
        except NotFound:  # deleted by someone since we found it: post it afresh
            log.info("sticky comment %s disappeared; posting a new one", sticky.comment.id)
    if comment is None:
        comment = await gh.create_issue_comment(repo, number, body)
    ctx.cache.sticky_ids.put((repo.full_name, number), comment.id)
    return comment


# ---------------------------------------------------------------------------------------------
# Configuration from the base commit
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConfigOutcome:
    config: ReviewConfig | None
    source: str
    errors: tuple[str, ...] = ()


async def load_repo_config(ctx: AppContext, gh: GitHubPort, pr: PullRequestRef) -> ConfigOutcome:
    """``.github/devdocs-review.yml`` at the base SHA, else the org's ``.github`` repo, else defaults."""
    key = (pr.repo.full_name, pr.base_sha)
    cached: ConfigOutcome | None = ctx.cache.configs.get(key)
    if cached is not None:
        return cached
    ttl: timedelta | None = None
    source = f"{pr.repo.full_name}@{pr.base_sha[:7]}:{CONFIG_PATH}"
    data = await gh.get_file(pr.repo, CONFIG_PATH, ref=pr.base_sha)
    if data is None and pr.repo.name != ".github":
        org = RepoRef(pr.repo.owner, ".github", pr.repo.installation_id)
        source = f"{org.full_name}:{CONFIG_PATH}"
        data = await _org_config(gh, org)
        ttl = ORG_CONFIG_TTL  # not pinned to a SHA: re-read now and then
    outcome = ConfigOutcome(ReviewConfig(), "defaults") if data is None else parse_config_bytes(data, source)
    ctx.cache.configs.put(key, outcome, ttl=ttl)
    return outcome


async def _org_config(gh: GitHubPort, org: RepoRef) -> bytes | None:
    try:
        return await gh.get_file(org, CONFIG_PATH)
    except GitHubRequestError as error:  # e.g. 403: the installation cannot see the org's .github repo
        log.info("org config not readable (%s)", error.status)
        return None


def parse_config_bytes(data: bytes, source: str) -> ConfigOutcome:
    """The config file's bytes → a config, or the errors (size, encoding, YAML, values) to publish."""
    try:
        return ConfigOutcome(parse_config(data, source), source)
    except ConfigError as error:
        return ConfigOutcome(None, source, tuple(error.errors))


# ---------------------------------------------------------------------------------------------
# Which tasks a PR touches (pure)
# ---------------------------------------------------------------------------------------------


def task_of(path: str, roots: Sequence[str]) -> str | None:
    """The task a path belongs to: ``<root>/<folder>``, or a loose ``<root>/<stem>`` group."""
    for root in roots:
        prefix = root.strip("/") + "/"
        if not path.startswith(prefix):
            continue
        rest = path[len(prefix):]
        if "/" in rest:
            return prefix + rest.split("/", 1)[0]
        if not is_markdown(path):
            return None
        role, stem = role_of(path)
        return None if role is Role.EXTRA else prefix + (stem or "(unnamed)")
    return None


def touched_tasks(changed: Iterable[ChangedFile], roots: Sequence[str]) -> tuple[str, ...]:
    tasks = {task for f in changed for p in (f.path, f.previous_path) if p and (task := task_of(p, roots))}
    return tuple(sorted(tasks))


def under_roots(path: str, roots: Sequence[str]) -> bool:
    return any(path.startswith(root.strip("/") + "/") for root in roots)


# ---------------------------------------------------------------------------------------------
# Snapshots from the tree and blobs
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RepoFiles:
    """At one commit: every file path (link checks) and the planning docs' tree entries."""

    paths: frozenset[str]
    docs: Mapping[str, TreeEntry]
    complete: bool = True  # False when GitHub truncated the tree


@dataclass
class Job:
    ctx: AppContext
    gh: GitHubPort
    pr: PullRequestRef
    reason: str
    check_id: int | None = None
    conclusion: str | None = None
    engine_seconds: float = 0.0  # time the engine has taken so far (the budget is per review)

    @property
    def repo(self) -> RepoRef:
        return self.pr.repo


async def repo_files(job: Job, sha: str, roots: tuple[str, ...]) -> RepoFiles:
    key = (job.repo.full_name, sha, roots)
    cached: RepoFiles | None = job.ctx.cache.trees.get(key)
    if cached is not None:
        return cached
    tree = await job.gh.get_tree(job.repo, sha, recursive=True)
    entries = list(tree.entries)
    if tree.truncated:
        log.warning("tree of %s@%s is truncated; reading the doc roots one folder at a time",
                    job.repo.full_name, sha)
        entries += await _root_entries(job, sha, roots)
    blobs = [e for e in entries if e.type == "blob"]
    files = RepoFiles(
        paths=frozenset(e.path for e in blobs),
        docs={e.path: e for e in blobs if is_markdown(e.path) and under_roots(e.path, roots)},
        complete=not tree.truncated,
    )
    job.ctx.cache.trees.put(key, files)
    return files


async def _root_entries(job: Job, sha: str, roots: Sequence[str]) -> list[TreeEntry]:
    """Each doc root's subtree, reached one folder level at a time (for truncated trees)."""
    levels: dict[str, tuple[TreeEntry, ...]] = {}
    found: list[TreeEntry] = []
    for root in roots:
        folder = root.strip("/")
        subtree = await _descend(job, sha, folder.split("/"), levels)
        if subtree is not None:
            sub = await job.gh.get_tree(job.repo, subtree, recursive=True)
            found += [replace(e, path=f"{folder}/{e.path}") for e in sub.entries]
    return found


async def _descend(job: Job, tree_sha: str, segments: Sequence[str],
                   levels: dict[str, tuple[TreeEntry, ...]]) -> str | None:
    for segment in segments:
        if tree_sha not in levels:
            levels[tree_sha] = (await job.gh.get_tree(job.repo, tree_sha, recursive=False)).entries
        child = next((e.sha for e in levels[tree_sha] if e.path == segment and e.type == "tree"), None)
        if child is None:
            return None
        tree_sha = child
    return tree_sha


async def fetch_blobs(job: Job, shas: Iterable[str]) -> dict[str, bytes | None]:
    """Blob bytes by SHA: from the cache, else fetched (a few at a time) and cached."""
    cache = job.ctx.cache.blobs
    repo = job.repo.full_name
    found: dict[str, bytes | None] = {}
    missing: list[str] = []
    for sha in dict.fromkeys(shas):
        data = cache.get((repo, sha))
        if data is None:
            missing.append(sha)
        else:
            found[sha] = data
    limit = asyncio.Semaphore(FETCH_CONCURRENCY)

    async def one(sha: str) -> None:
        async with limit:
            try:
                data = await job.gh.get_blob(job.repo, sha)
            except NotFound:
                found[sha] = None
                return
        cache.put((repo, sha), data)
        found[sha] = data

    async with asyncio.TaskGroup() as group:
        for sha in missing:
            group.create_task(one(sha))
    return found


async def snapshot_at(job: Job, files: RepoFiles, max_bytes: int) -> Snapshot:
    unreadable: dict[str, str] = {}
    wanted: dict[str, TreeEntry] = {}
    for path, entry in files.docs.items():
        if entry.is_symlink:
            unreadable[path] = "is a symbolic link; not followed"
        elif entry.size is not None and entry.size > max_bytes:
            unreadable[path] = (f"file is {_size(entry.size)}, over the {_size(max_bytes)} review limit; "
                                "not reviewed")
        else:
            wanted[path] = entry
    blobs = await fetch_blobs(job, (e.sha for e in wanted.values()))
    contents: dict[str, bytes] = {}
    for path, entry in wanted.items():
        data = blobs.get(entry.sha)
        if data is None:
            unreadable[path] = "could not be fetched from GitHub (blob not found)"
        else:
            contents[path] = data
    return Snapshot(contents, files.paths, unreadable, has_tree=files.complete)


def _size(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB" if n >= 1_048_576 else f"{n / 1024:.0f} KB"


# ---------------------------------------------------------------------------------------------
# The review
# ---------------------------------------------------------------------------------------------


async def review_pull_request(ctx: AppContext, pr: PullRequestRef, *, reason: str) -> None:
    """Review *pr* at its head SHA and publish the sticky comment and the check run."""
    async with ctx.github_for_installation(pr.repo.installation_id) as gh:
        await run_review(ctx, gh, pr, reason=reason)


async def run_review(ctx: AppContext, gh: GitHubPort, pr: PullRequestRef, *, reason: str,
                     check_run_id: int | None = None) -> str:
    """As :func:`review_pull_request`, on an open port; returns the check run's conclusion.

    *check_run_id*: publish in this existing check run (one recovery found left open) instead of
    creating a new one. A retried job (:func:`~bot.jobs.worker.current_attempt` > 1) publishes in the
    check run an earlier attempt left open, if any: a worker killed mid-review leaves one."""
    async with ctx.cache.pr_lock(pr.key):
        job = Job(ctx, gh, pr, reason, check_id=check_run_id)
        if job.check_id is None and current_attempt() > 1:
            job.check_id = await open_check_run(ctx, gh, pr.repo, pr.head_sha)
        await start_check(job)
        try:
            await _review(job)
        except (Exception, asyncio.CancelledError) as error:
            await fail_check(job, error)
            raise
        ctx.review_completed(job.conclusion or "unknown")
        return job.conclusion or "unknown"


async def start_check(job: Job) -> None:
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


async def _review(job: Job) -> None:
    changed = await pr_files(job)
    outcome = await load_repo_config(job.ctx, job.gh, job.pr)
    if outcome.config is None:
        await publish_config_error(job, outcome, changed)
        return
    config = outcome.config
    focus = touched_tasks(changed, config.roots)
    if not focus:
        await publish_no_docs(job)
        return
    sticky = await find_sticky(job.ctx, job.gh, job.repo, job.pr.number)
    head, base = await review_head_and_base(job, config, focus, sticky.state)
    if not head.reviewed:  # the touched tasks were removed or archived
        await publish_no_docs(job, nothing=head)
        return
    await publish_review(job, config, head, base, sticky)


async def pr_files(job: Job) -> tuple[ChangedFile, ...]:
    pr = job.pr
    key = (pr.repo.full_name, pr.number, pr.head_sha, pr.base_sha)
    cached: tuple[ChangedFile, ...] | None = job.ctx.cache.pr_files.get(key)
    if cached is None:
        cached = tuple(await job.gh.list_pull_request_files(pr.repo, pr.number))
        job.ctx.cache.pr_files.put(key, cached)
    return cached


async def review_head_and_base(job: Job, config: ReviewConfig, focus: tuple[str, ...],
                               state: StickyState) -> tuple[Review, Review | None]:
    today = job.ctx.clock().date()
    roots = (*config.roots, *config.archive_roots)
    waivers = state.waivers()
    files = await repo_files(job, job.pr.head_sha, roots)
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
                      roots: tuple[str, ...]) -> Review | None:
    try:
        files = await repo_files(job, job.pr.base_sha, roots)
    except NotFound:
        return None  # the base commit is gone (force-pushed base): no delta
    snapshot = await snapshot_at(job, files, config.limits.max_file_bytes)
    return await engine(job, snapshot, today=job.ctx.clock().date(), config=config, focus=focus,
                        extra_waivers=waivers, head_sha=job.pr.base_sha)


async def engine(job: Job, snapshot: Snapshot, **options: Any) -> Review:
    """The pure engine, off the event loop (``bot/jobs/engine_pool.py``: the worker's process pool, or a
    thread), within what is left of the job's time budget (head and base share it)."""
    runner = job.ctx.engine or THREAD_ENGINE
    budget = job.ctx.settings.review_budget_seconds
    left = max(MIN_ENGINE_SECONDS, budget - job.engine_seconds)
    started = time.monotonic()
    try:
        return await runner.review(snapshot, budget=left, **options)
    finally:
        job.engine_seconds += time.monotonic() - started


# ---------------------------------------------------------------------------------------------
# Publishing
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Result:
    """What a finished review publishes: the sticky markdown (without state) and the check run."""

    markdown: str
    conclusion: CheckConclusion
    title: str
    summary: str
    text: str | None = None
    annotations: tuple[CheckAnnotation, ...] = ()


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
    return Result(markdown, conclusion, title, summary, check.text or None, check_annotations(check))


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


async def superseded(job: Job) -> bool:
    """True (and the check completed ``neutral``) when the PR moved on while we reviewed."""
    current = await job.gh.get_pull_request(job.repo, job.pr.number)
    if current.head_sha == job.pr.head_sha:
        return False
    sha, new = job.pr.head_sha[:7], current.head_sha[:7]
    summary = (f"The pull request's head moved from `{sha}` to `{new}` while `{sha}` was being reviewed, so "
               f"this result was not published. `{new}` gets its own review and check run.")
    await complete_check(job, "neutral", CheckRunOutput(f"Superseded by {new}", summary))
    return True


async def complete_check(job: Job, conclusion: CheckConclusion, output: CheckRunOutput, *,
                         details_url: str | None = None) -> None:
    assert job.check_id is not None
    update = CheckRunUpdate(status="completed", conclusion=conclusion, completed_at=job.ctx.clock(),
                            details_url=details_url or None, output=output)
    await job.gh.update_check_run(job.repo, job.check_id, update)
    job.conclusion = conclusion
    await job.ctx.check_completed(job.repo.full_name, job.check_id)


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


async def publish_config_error(job: Job, outcome: ConfigOutcome, changed: Sequence[ChangedFile]) -> None:
    errors = "\n".join(f"- `{redact(e)}`" for e in outcome.errors[:50])
    summary = (f"The configuration `{outcome.source}` is invalid, so this pull request was not reviewed:\n\n"
               f"{errors}\n\nFix the file on the base branch (a pull request cannot change its own gate), "
               "then comment `/review` to re-run.")
    sticky = await find_sticky(job.ctx, job.gh, job.repo, job.pr.number)
    default_roots = ReviewConfig().roots
    docs_touched = bool(touched_tasks(changed, default_roots)) or any(f.path == CONFIG_PATH for f in changed)
    if sticky.comment is not None or docs_touched:
        if await superseded(job):
            return
        markdown = f"{COMMENT_MARKER}\n## 📋 {TITLE}: configuration error\n\n{summary}\n"
        await write_sticky(job.ctx, job.gh, job.repo, job.pr.number, sticky, markdown)
    await complete_check(job, "action_required", CheckRunOutput("Invalid devdocs-review configuration",
                                                                fit_text(summary, MAX_CHECK_TEXT_CHARS)))


async def fail_check(job: Job, error: BaseException) -> None:
    """Best effort: complete the check run ``failure`` with what went wrong (never raises)."""
    if job.check_id is None or job.conclusion is not None:
        return
    final = current_attempt() >= job.ctx.settings.worker_max_attempts
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


# ---------------------------------------------------------------------------------------------
# Re-runs by commit SHA (check_run.rerequested, check_suite.requested / rerequested)
# ---------------------------------------------------------------------------------------------


async def has_own_check_run(ctx: AppContext, gh: GitHubPort, repo: RepoRef, sha: str) -> bool:
    runs = await gh.list_check_runs(repo, sha, check_name=ctx.settings.check_name)
    if not runs:
        return False
    await bot_login(ctx, gh)
    slug = ctx.cache.app.slug if ctx.cache.app else None
    return any(run.app_slug in (None, slug) for run in runs)


async def open_check_run(ctx: AppContext, gh: GitHubPort, repo: RepoRef, sha: str) -> int | None:
    """The newest check run of ours on *sha* that is still ``queued`` or ``in_progress``, if any."""
    runs = await gh.list_check_runs(repo, sha, check_name=ctx.settings.check_name)
    if not runs:
        return None
    await bot_login(ctx, gh)
    slug = ctx.cache.app.slug if ctx.cache.app else None
    left = [run.id for run in runs
            if run.status in ("queued", "in_progress") and run.app_slug in (None, slug)]
    if left:
        log.info("an earlier attempt left check run %s open on %s; reviewing in it", max(left), sha[:7])
    return max(left, default=None)


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
        await bot_login(ctx, gh)
        slug = ctx.cache.app.slug if ctx.cache.app else None
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


async def rerun_for_sha(ctx: AppContext, repo: RepoRef, head_sha: str, *, reason: str,
                        skip_if_reviewed: bool | None = None, check_run_id: int | None = None,
                        pr_number: int | None = None) -> None:
    """Review every open PR whose head is *head_sha* (found via ``/commits/{sha}/pulls``, which
    also finds fork PRs, whose webhook ``pull_requests`` list is empty).

    ``skip_if_reviewed`` (default: only for ``check_suite.requested``, which GitHub sends with every
    push alongside ``pull_request.synchronize``) skips a SHA that already has our check run.

    With *check_run_id* (recovery: that check run of ours was left open), PR *pr_number* is
    reviewed again in that same check run; see :func:`resume_check_run`.
    """
    if check_run_id is not None:
        async with ctx.github_for_installation(repo.installation_id) as gh:
            await resume_check_run(ctx, gh, repo, head_sha, check_run_id, pr_number, reason=reason)
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
            await run_review(ctx, gh, pr, reason=reason)


async def resume_check_run(ctx: AppContext, gh: GitHubPort, repo: RepoRef, head_sha: str, check_run_id: int,
                           pr_number: int | None, *, reason: str) -> None:
    """Finish check run *check_run_id* of *head_sha*, which a lost review left open.

    If the PR's head is still *head_sha*, the review runs again and publishes in that check run.
    Otherwise the check run is completed ``neutral`` with why, and an open PR is reviewed at its
    current head (the recovery delivery may have superseded a queued delivery for that head).
    """
    pr = await _pull_for(gh, repo, head_sha, pr_number)
    if pr is not None and pr.state == "open" and pr.head_sha == head_sha:
        await run_review(ctx, gh, pr, reason=reason, check_run_id=check_run_id)
        return
    await close_stale_check(ctx, gh, repo, head_sha, check_run_id, pr)
    if pr is not None and pr.state == "open":
        await run_review(ctx, gh, pr, reason=reason)


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
