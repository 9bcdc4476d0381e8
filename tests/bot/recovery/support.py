"""Helpers for the recovery tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.entry.wiring import ContextActions, job_handler
from bot.jobs.queue import Delivery, DeliveryQueue
from bot.review.context import AppContext, TrackedCheck
from tests.bot.support import Clock
from tests.fakegithub import FakeGitHub, PullRequest


def failed(hub: FakeGitHub, guid: str, clock: Clock, *, minutes_ago: float = 30, status_code: int = 503,
           event: str = "pull_request", action: str | None = "synchronize",
           redelivery: bool = False) -> dict[str, Any]:
    """A delivery attempt our receiver did not take (503: the queue was down)."""
    return hub.add_delivery(guid, event, action, status_code=status_code, redelivery=redelivery,
                            delivered_at=clock() - timedelta(minutes=minutes_ago))


def succeeded(hub: FakeGitHub, guid: str, clock: Clock, *, minutes_ago: float = 30,
              redelivery: bool = False) -> dict[str, Any]:
    return hub.add_delivery(guid, "pull_request", "synchronize", status_code=202, redelivery=redelivery,
                            delivered_at=clock() - timedelta(minutes=minutes_ago))


async def open_check_of_a_lost_review(ctx: AppContext, hub: FakeGitHub, pr: PullRequest) -> int:
    """What a worker killed mid-review leaves behind: a check run ``in_progress`` on GitHub, noted
    as open in the registry, and nothing else."""
    from bot.github.values import CheckRunOutput, RepoRef

    repo = RepoRef(pr.repo.owner, pr.repo.name, pr.repo.installation_id)
    async with ctx.github_for_installation(repo.installation_id) as gh:
        run = await gh.create_check_run(repo, name=ctx.settings.check_name, head_sha=pr.head_sha,
                                        status="in_progress", started_at=ctx.clock(),
                                        output=CheckRunOutput("Reviewing…", "Reviewing"))
    await ctx.check_started(TrackedCheck(repo.owner, repo.name, repo.installation_id, pr.head_sha, pr.number,
                                         run.id, ctx.clock().timestamp()))
    return run.id


async def work_off(queue: DeliveryQueue, ctx: AppContext) -> list[Delivery]:
    """Run every queued delivery through the App's real handlers, as a worker would."""
    handle = job_handler(ContextActions(ctx))
    done = []
    while (delivery := await queue.claim("test-worker", lease_seconds=60)) is not None:
        await handle(delivery)
        await queue.complete(delivery)
        done.append(delivery)
    return done
