"""The GitHub port: what devdocs-review asks of GitHub, for an installation and as the App.

The review and the commands reach GitHub only through :class:`GitHubPort`. The one
implementation that performs HTTP is :class:`bot.github.client.GithubkitPort`; tests run it
against the fake GitHub server in ``tests/fakegithub``.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Protocol

from bot.github.values import (
    AppInfo,
    ChangedFile,
    CheckRunOutput,
    CheckRunRef,
    CheckRunUpdate,
    CheckStatus,
    Comment,
    DeliveryListing,
    Permission,
    PullRequestRef,
    ReactionContent,
    RepoRef,
    Tree,
)


class GitHubPort(Protocol):
    """What devdocs-review asks of GitHub for one installation. Errors: :class:`GitHubError`."""

    async def get_app(self) -> AppInfo:
        """``GET /app`` (as the App): its slug gives the bot login ``<slug>[bot]``."""
        ...

    async def get_pull_request(self, repo: RepoRef, number: int) -> PullRequestRef: ...

    async def list_pull_request_files(self, repo: RepoRef, number: int) -> list[ChangedFile]:
        """Every file the PR changes (all pages; GitHub lists at most 3 000)."""
        ...

    async def list_pull_requests_for_commit(self, repo: RepoRef, sha: str) -> list[PullRequestRef]:
        """PRs whose commits include *sha* (``/commits/{sha}/pulls``; works for fork PRs)."""
        ...

    async def get_tree(self, repo: RepoRef, sha: str, *, recursive: bool = True) -> Tree: ...

    async def get_blob(self, repo: RepoRef, blob_sha: str) -> bytes: ...

    async def get_file(self, repo: RepoRef, path: str, *, ref: str | None = None) -> bytes | None:
        """A file's bytes at *ref* (default branch when ``None``); ``None`` when it does not exist."""
        ...

    async def list_issue_comments(self, repo: RepoRef, number: int) -> list[Comment]: ...

    async def get_issue_comment(self, repo: RepoRef, comment_id: int) -> Comment | None: ...

    async def create_issue_comment(self, repo: RepoRef, number: int, body: str) -> Comment: ...

    async def update_issue_comment(self, repo: RepoRef, comment_id: int, body: str) -> Comment: ...

    async def add_reaction(self, repo: RepoRef, comment_id: int, content: ReactionContent) -> None: ...

    async def create_check_run(
        self,
        repo: RepoRef,
        *,
        name: str,
        head_sha: str,
        status: CheckStatus,
        started_at: datetime,
        output: CheckRunOutput,
        external_id: str | None = None,
    ) -> CheckRunRef:
        """Create a check run (annotations beyond the first 50 are added by further PATCHes)."""
        ...

    async def update_check_run(self, repo: RepoRef, check_run_id: int, update: CheckRunUpdate) -> CheckRunRef:
        """PATCH a check run. With more than 50 annotations, the earlier batches are sent first
        and the last request carries the status and conclusion, so a check completes last."""
        ...

    async def list_check_runs(self, repo: RepoRef, ref: str, *,
                              check_name: str | None = None) -> list[CheckRunRef]: ...

    async def get_collaborator_permission(self, repo: RepoRef, username: str) -> Permission: ...

    async def get_check_run(self, repo: RepoRef, check_run_id: int) -> CheckRunRef | None:
        """``GET /repos/{o}/{r}/check-runs/{id}``; ``None`` when it no longer exists."""
        ...


class AppPort(Protocol):
    """What devdocs-review asks of GitHub as the App itself (a JWT, not an installation token)."""

    async def list_hook_deliveries(self, *, since: datetime, max_pages: int,
                                   per_page: int = 100) -> DeliveryListing:
        """Recent deliveries, newest first, following the ``cursor`` of each ``Link: rel="next"``
        until one older than *since* or *max_pages* pages. A :class:`BudgetExhausted` mid-way
        ends the listing early (``stopped="budget"``) with what was read."""
        ...

    async def redeliver_hook_delivery(self, delivery_id: int) -> None:
        """``POST /app/hook/deliveries/{id}/attempts`` (GitHub answers 202 and re-sends it)."""
        ...

PortFactory = Callable[[int], AbstractAsyncContextManager[GitHubPort]]  # installation id -> port
AppPortFactory = Callable[[], AbstractAsyncContextManager[AppPort]]
