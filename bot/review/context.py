"""What every review shares: settings, the GitHub port factories, the clock and the process caches.

:class:`AppContext` is all a review needs from its surroundings; the App builds one per process
(:func:`build_context`), tests and other front ends may build their own around a fake port. The
GitHub Action (``bot/action/``) builds one around its workflow token: it gives the bot's
``identity`` (``github-actions``, whose comments are ``github-actions[bot]``'s) instead of asking
``GET /app``, and an ``observer`` that sees each published :class:`~bot.review.outcome.Outcome`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Protocol

from pydantic import SecretStr

from bot.github.client import GitHubMetrics
from bot.github.connect import GitHubSettings, github_for_app, github_for_installation
from bot.github.port import AppPortFactory, GitHubPort, PortFactory
from bot.github.values import AppInfo
from bot.jobs.engine_pool import EngineRunner
from bot.review.cache import Clock, ReviewCache, utc_now
from bot.review.limiter import CommandLimiter
from bot.review.outcome import Observer, Outcome

log = logging.getLogger(__name__)


class ReviewSettings(Protocol):
    """The settings a review reads (``bot.entry.settings.Settings`` provides them)."""

    @property
    def check_name(self) -> str: ...
    @property
    def review_budget_seconds(self) -> float: ...
    @property
    def worker_max_attempts(self) -> int: ...
    @property
    def webhook_secret(self) -> SecretStr: ...  # never published: error texts are scrubbed of it
    @property
    def private_key(self) -> SecretStr: ...  # likewise


class AppSettings(ReviewSettings, GitHubSettings, Protocol):
    """What :func:`build_context` reads: the review's settings and the GitHub App's."""


class ReviewMetrics(GitHubMetrics, Protocol):
    def review_completed(self, conclusion: str) -> None: ...


@dataclass(frozen=True, slots=True)
class TrackedCheck:
    """A check run the App created and has not completed yet (see ``bot/recovery/``)."""

    owner: str
    repo: str
    installation_id: int
    head_sha: str
    pr_number: int
    check_run_id: int
    created_at: float  # epoch seconds

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.repo}"


class CheckRegistry(Protocol):
    """Where the App notes the check runs it has open (``bot/recovery/store/``)."""

    async def check_started(self, check: TrackedCheck) -> None: ...

    async def check_completed(self, full_name: str, check_run_id: int) -> None: ...


@dataclass
class AppContext:
    settings: ReviewSettings
    github_for_installation: PortFactory
    clock: Clock = utc_now
    cache: ReviewCache = field(default_factory=ReviewCache)
    limiter: CommandLimiter = field(default_factory=CommandLimiter)
    metrics: ReviewMetrics | None = None
    github_for_app: AppPortFactory | None = None  # the App's JWT (webhook deliveries); recovery
    check_registry: CheckRegistry | None = None  # open check runs, for recovery; set by the worker
    engine: EngineRunner | None = None  # the review process pool; set by the worker (else a thread)
    # Who we are on GitHub when the port's credential is not the App's own (the Action's workflow
    # token: bot.github.values.GITHUB_ACTIONS_APP); None: ask GET /app.
    identity: AppInfo | None = None
    observer: Observer | None = None  # told of each published outcome (the Action's reports)

    async def app(self, gh: GitHubPort) -> AppInfo:
        """Who we are: the given ``identity``, else the App itself (``GET /app``, once per
        process). Its slug names our check runs, and ``<slug>[bot]`` is the author of our
        comments (the sticky comment is looked for among that user's comments only)."""
        if self.identity is not None:
            return self.identity
        if self.cache.app is None:
            self.cache.app = await gh.get_app()
        return self.cache.app

    def published(self, outcome: Outcome) -> None:
        if self.observer is not None:
            self.observer.published(outcome)

    def review_completed(self, conclusion: str) -> None:
        if self.metrics is not None:
            self.metrics.review_completed(conclusion)

    async def check_started(self, check: TrackedCheck) -> None:
        """Note an open check run; best effort (a registry failure never fails a review)."""
        if self.check_registry is None:
            return
        try:
            await self.check_registry.check_started(check)
        except Exception:
            log.warning("could not note check run %s as open", check.check_run_id, exc_info=True)

    async def check_completed(self, full_name: str, check_run_id: int) -> None:
        """Forget a completed check run; best effort."""
        if self.check_registry is None:
            return
        try:
            await self.check_registry.check_completed(full_name, check_run_id)
        except Exception:
            log.warning("could not note check run %s as completed", check_run_id, exc_info=True)


def build_context(settings: AppSettings, *, metrics: ReviewMetrics | None = None,
                  github: PortFactory | None = None, clock: Clock = utc_now,
                  github_app: AppPortFactory | None = None) -> AppContext:
    """The production context: the githubkit adapter unless *github* (a test fake) is given.

    *github_app* (the App's JWT port, for recovery) defaults to the adapter too; no request is
    made until recovery uses it."""
    factory = github or github_for_installation(settings, metrics=metrics)
    app_factory = github_app or github_for_app(settings, metrics=metrics)
    return AppContext(settings, factory, clock, ReviewCache(clock), CommandLimiter(), metrics, app_factory)
