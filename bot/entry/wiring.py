"""How the App's parts meet: the review actions the routes call, and the worker's job handler.

:class:`ContextActions` binds :class:`~bot.intake.routes.ReviewActions` to the review functions
and one :class:`~bot.review.context.AppContext`; :func:`job_handler` runs a delivery's routes as
the attempt the worker counts (``delivery.attempts``), and :func:`give_up_reporter` leaves a
``failure`` check run when the worker gives a job up. ``serve`` (``app.py``) and ``worker``
(``server.py``) both build their worker from these.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from dataclasses import dataclass

from bot.entry.settings import Settings
from bot.github.errors import GitHubRequestError
from bot.github.values import PullRequestRef, RepoRef
from bot.intake import routes
from bot.intake.events import UnreadablePayloadError
from bot.jobs.factory import open_queue
from bot.jobs.queue import Delivery, DeliveryQueue, Handler
from bot.jobs.worker import GiveUp
from bot.review import commands, failure, flow, rerun
from bot.review.context import AppContext
from bot.review.syntax import CommentCommand

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ContextActions:
    """:class:`~bot.intake.routes.ReviewActions` bound to the GitHub helpers and one AppContext."""

    ctx: AppContext
    attempt: int = 1  # which run of its delivery the job is (the worker's count)

    def on_attempt(self, attempt: int) -> ContextActions:
        return dataclasses.replace(self, attempt=attempt)

    async def review_pull_request(self, pr: PullRequestRef, *, reason: str) -> None:
        await flow.review_pull_request(self.ctx, pr, reason=reason, attempt=self.attempt)

    async def rerun_for_sha(self, repo: RepoRef, head_sha: str, *, reason: str,
                            check_run_id: int | None = None, pr_number: int | None = None) -> None:
        await rerun.rerun_for_sha(self.ctx, repo, head_sha, reason=reason, check_run_id=check_run_id,
                                  pr_number=pr_number, attempt=self.attempt)

    async def handle_comment(self, command: CommentCommand) -> None:
        await commands.handle_comment(self.ctx, command, attempt=self.attempt)


def open_delivery_queue(settings: Settings) -> DeliveryQueue:
    """The queue ``DEVDOCS_QUEUE_URL`` names (memory, SQLite or Redis)."""
    return open_queue(settings.queue_url)


def is_permanent(error: BaseException) -> bool:
    """Failures another attempt cannot fix: GitHub refused the request, or the payload is unusable."""
    if getattr(error, "retryable", True) is False:
        return True
    return isinstance(error, GitHubRequestError | UnreadablePayloadError | json.JSONDecodeError)


def job_handler(actions: routes.ReviewActions) -> Handler:
    """The worker's handler: run the routes matching a delivery (the review told which attempt
    of it this is)."""
    async def handle(delivery: Delivery) -> None:
        bound = actions.on_attempt(max(1, delivery.attempts)) if isinstance(actions, ContextActions) else actions
        ran = await routes.dispatch(delivery, bound)
        if not ran:
            log.info("nothing to do for this delivery")

    return handle


def give_up_reporter(ctx: AppContext) -> GiveUp:
    """The worker's hook for a job given up: the delivery's commit gets a ``failure`` check run
    (:func:`bot.review.failure.publish_gave_up`), unless the payload names no commit."""
    async def report(delivery: Delivery, error: BaseException) -> None:
        target = routes.commit_of(delivery)
        if target is not None:
            repo, head_sha = target
            await failure.publish_gave_up(ctx, repo, head_sha, error)

    return report
