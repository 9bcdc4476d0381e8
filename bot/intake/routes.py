"""Which webhook deliveries the App acts on, and what it does with each.

Every route reads its payload through a lenient model (``payloads.py``), turns it into the
GitHub port's values and calls one of the three :class:`ReviewActions`. The web process uses
:func:`triage` to decide, before acknowledging, whether a delivery is queued at all; the worker
calls :func:`dispatch`. Routes run in registration order.

Handled:

- ``pull_request`` opened / synchronize / reopened / ready_for_review, and edited when the base
  branch changed → review the PR (coalesced per PR: a newer delivery supersedes a queued one);
- ``check_run`` rerequested, ``check_suite`` rerequested → re-run for the head SHA (the Re-run
  buttons; ``pull_requests`` is empty for fork PRs, so the SHA is mapped to its PR downstream);
- ``check_suite`` requested with no pull request listed → the same (a fork PR's push); with one
  listed, the ``pull_request`` delivery for that push does the review, so this one is ignored
  rather than reviewing every push twice;
- ``issue_comment`` created on a PR, by a human, whose first line is a ``/review`` command;
- ``devdocs.rerun`` (never from GitHub: recovery puts it on the queue) → review the PR again in
  the check run a lost review left open.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from bot.github.values import PullRequestRef, RepoRef
from bot.intake.events import EventRouter
from bot.intake.payloads import (
    RERUN_ACTION,
    RERUN_EVENT,
    CheckRunEvent,
    CheckSuiteEvent,
    Installation,
    IssueCommentEvent,
    PullRequestEvent,
    Repository,
    StuckCheckRerun,
)
from bot.intake.webhooks import Verdict
from bot.jobs.queue import Delivery
from bot.logs import bind
from bot.review.syntax import CommentCommand

COMMAND_PREFIX = "/review"
REVIEW_ACTIONS = ("opened", "synchronize", "reopened", "ready_for_review")


class ReviewActions(Protocol):
    """What a delivery can ask for; bound to the review in ``bot/entry/wiring.py``."""

    async def review_pull_request(self, pr: PullRequestRef, *, reason: str) -> None: ...

    async def rerun_for_sha(self, repo: RepoRef, head_sha: str, *, reason: str,
                            check_run_id: int | None = None, pr_number: int | None = None) -> None:
        """With *check_run_id*: finish that check run (left open) by reviewing PR *pr_number*."""
        ...

    async def handle_comment(self, command: CommentCommand) -> None: ...


@dataclass(frozen=True, slots=True)
class Inbound:
    """What a route acts through: the review actions, and when its delivery arrived."""

    actions: ReviewActions
    # The App's own clock (epoch s) at receipt: finer than GitHub's whole-second ``created_at``,
    # and in the order GitHub sent the events (approvals bind with it). None: not from a delivery.
    received_at: float | None = None


router: EventRouter[Inbound] = EventRouter()


# -- predicates ------------------------------------------------------------------------------


def _installed(event: PullRequestEvent | CheckRunEvent | CheckSuiteEvent | IssueCommentEvent) -> bool:
    return event.installation is not None  # without one the App cannot authenticate


def _base_changed(event: PullRequestEvent) -> bool:
    return _installed(event) and event.changes is not None and event.changes.base is not None


def _suite_without_pr(event: CheckSuiteEvent) -> bool:
    return _installed(event) and not event.check_suite.pull_requests


def is_review_command(body: str) -> bool:
    """The comment's first line is ``/review`` or ``/review <something>``."""
    first = body.lstrip().split("\n", 1)[0].strip()
    return first == COMMAND_PREFIX or first.startswith(COMMAND_PREFIX + " ")


def _is_command_on_pr(event: IssueCommentEvent) -> bool:
    return (
        _installed(event)
        and event.issue.pull_request is not None
        and not event.comment.user.is_bot
        and is_review_command(event.comment.body)
    )


# -- routes ----------------------------------------------------------------------------------


@router.register("pull_request", *REVIEW_ACTIONS, model=PullRequestEvent, when=_installed)
@router.register("pull_request", "edited", model=PullRequestEvent, when=_base_changed)
async def review_on_change(inbound: Inbound, event: PullRequestEvent) -> None:
    pr = pull_request_ref(event, received_at=inbound.received_at)
    with bind(repo=pr.repo.full_name, pr=pr.number, sha=pr.head_sha):
        await inbound.actions.review_pull_request(pr, reason=f"pull_request.{event.action}")


@router.register("check_run", "rerequested", model=CheckRunEvent, when=_installed)
async def rerun_check_run(inbound: Inbound, event: CheckRunEvent) -> None:
    repo = repo_ref(event.repository, event.installation)
    with bind(repo=repo.full_name, sha=event.check_run.head_sha):
        await inbound.actions.rerun_for_sha(repo, event.check_run.head_sha, reason="check_run.rerequested")


@router.register("check_suite", "rerequested", model=CheckSuiteEvent, when=_installed)
@router.register("check_suite", "requested", model=CheckSuiteEvent, when=_suite_without_pr)
async def rerun_check_suite(inbound: Inbound, event: CheckSuiteEvent) -> None:
    repo = repo_ref(event.repository, event.installation)
    with bind(repo=repo.full_name, sha=event.check_suite.head_sha):
        await inbound.actions.rerun_for_sha(repo, event.check_suite.head_sha, reason=f"check_suite.{event.action}")


@router.register("issue_comment", "created", model=IssueCommentEvent, when=_is_command_on_pr)
async def run_command(inbound: Inbound, event: IssueCommentEvent) -> None:
    command = comment_command(event, received_at=inbound.received_at)
    with bind(repo=command.repo.full_name, pr=command.pr_number):
        await inbound.actions.handle_comment(command)


@router.register(RERUN_EVENT, RERUN_ACTION, model=StuckCheckRerun)
async def rerun_stuck_check(inbound: Inbound, event: StuckCheckRerun) -> None:
    repo = repo_ref(event.repository, event.installation)
    sha = event.check_run.head_sha
    with bind(repo=repo.full_name, pr=event.pull_request.number, sha=sha):
        await inbound.actions.rerun_for_sha(repo, sha, reason="recovery", check_run_id=event.check_run.id,
                                    pr_number=event.pull_request.number)


# -- payload -> port values ------------------------------------------------------------------


def repo_ref(repository: Repository, installation: Installation | None) -> RepoRef:
    if installation is None:  # the routes' predicates rule this out
        raise ValueError(f"delivery for {repository.full_name} has no installation")
    return RepoRef(owner=repository.owner.login, name=repository.name, installation_id=installation.id)


def pull_request_ref(event: PullRequestEvent, *, received_at: float | None = None) -> PullRequestRef:
    """The PR a delivery names; *received_at* (the delivery's receipt) is when the App learnt of
    its head."""
    pr = event.pull_request
    return PullRequestRef(
        repo=repo_ref(event.repository, event.installation),
        number=pr.number,
        head_sha=pr.head.sha,
        base_sha=pr.base.sha,
        base_ref=pr.base.ref,
        head_repo_full_name=pr.head.repo.full_name if pr.head.repo else None,
        draft=pr.draft,
        html_url=pr.html_url,
        state=pr.state,
        announced_at=received_at,
    )


def comment_command(event: IssueCommentEvent, *, received_at: float | None = None) -> CommentCommand:
    return CommentCommand(
        repo=repo_ref(event.repository, event.installation),
        pr_number=event.issue.number,
        comment_id=event.comment.id,
        author=event.comment.user.login,
        author_type=event.comment.user.type,
        body=event.comment.body,
        created_at=_timestamp(event.comment.created_at),
        received_at=received_at,
    )


def _timestamp(value: str | None) -> datetime | None:
    """GitHub's ``created_at``; None when absent or unreadable (the command then fetches it)."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# -- the two entry points --------------------------------------------------------------------


def triage(event: str, payload: Mapping[str, Any]) -> Verdict:
    """Web side: would a worker act on this delivery, and which PR does it concern?"""
    matches = router.match(event, payload)
    if not matches:
        return Verdict(handled=False)
    return Verdict(handled=True, coalesce_key=coalesce_key(matches[0].model))


def coalesce_key(model: object) -> str | None:
    """``owner/repo#number`` for ``pull_request`` deliveries: a newer one supersedes a queued one.

    Re-runs and commands get no key: a re-run may be for an older SHA, and a command must never
    be dropped in favour of a push.
    """
    if isinstance(model, PullRequestEvent):
        return f"{model.repository.full_name}#{model.pull_request.number}"
    return None


async def dispatch(delivery: Delivery, actions: ReviewActions) -> int:
    """Worker side: run the routes matching *delivery*; returns how many ran."""
    payload = json.loads(delivery.body)
    return await router.dispatch(delivery.event, payload, Inbound(actions, delivery.received_at))


def commit_of(delivery: Delivery) -> tuple[RepoRef, str] | None:
    """The repository and commit a delivery's review is about, when its payload names them
    (``pull_request``, ``check_run``, ``check_suite``, recovery's re-run); else None. A comment
    command names only its PR (its head is not in the payload)."""
    try:
        matches = router.match(delivery.event, json.loads(delivery.body))
    except (ValueError, RecursionError):  # UnreadablePayloadError is a ValueError too
        return None
    for found in matches:
        model = found.model
        if isinstance(model, PullRequestEvent):
            return pull_request_ref(model).repo, model.pull_request.head.sha
        if isinstance(model, CheckRunEvent | StuckCheckRerun):
            return repo_ref(model.repository, model.installation), model.check_run.head_sha
        if isinstance(model, CheckSuiteEvent):
            return repo_ref(model.repository, model.installation), model.check_suite.head_sha
    return None
