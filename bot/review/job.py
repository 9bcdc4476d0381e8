"""One review in progress: what every step of the flow (``flow.py``) reads and updates."""

from __future__ import annotations

from dataclasses import dataclass

from bot.github.port import GitHubPort
from bot.github.values import PullRequestRef, RepoRef
from bot.review.context import AppContext


@dataclass
class Job:
    ctx: AppContext
    gh: GitHubPort
    pr: PullRequestRef
    reason: str  # why it runs, shown in the check run ("pull_request.synchronize", "`/review` by @x")
    # Which run of its delivery this is: 1 for the first, more after a failed run or one whose
    # worker died (the worker knows; a review run outside the worker is a first attempt).
    attempt: int = 1
    check_id: int | None = None
    conclusion: str | None = None
    engine_seconds: float = 0.0  # time the engine has taken so far (the budget is per review)

    @property
    def repo(self) -> RepoRef:
        return self.pr.repo
