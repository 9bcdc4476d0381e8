"""The GitHub port: the values and operations a review needs, and the errors they raise.

``bot/review.py`` and ``bot/commands.py`` reach GitHub only through :class:`GitHubPort`. The one
implementation that performs HTTP is ``bot/githubkit_adapter.py``; tests run it against the
fake GitHub server in ``tests/fakegithub``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal, Protocol, TypeVar

T = TypeVar("T")

CheckStatus = Literal["queued", "in_progress", "completed"]
CheckConclusion = Literal[
    "action_required", "cancelled", "failure", "neutral", "success", "skipped", "timed_out"
]
AnnotationLevel = Literal["notice", "warning", "failure"]
ReactionContent = Literal["+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes"]
FileStatus = Literal["added", "removed", "modified", "renamed", "copied", "changed", "unchanged"]

MAX_COMMENT_CHARS = 65_536  # issue/PR comment body; GitHub answers 422 above it
MAX_CHECK_TEXT_CHARS = 65_535  # check-run output summary and text
MAX_ANNOTATIONS_PER_REQUEST = 50  # further annotations go in later PATCHes, which append

WRITE_ROLES = frozenset({"admin", "maintain", "write"})


# --- errors ---------------------------------------------------------------------------------


class GitHubError(Exception):
    """A GitHub request failed; the message names the request, never a credential."""


class GitHubRequestError(GitHubError):
    """GitHub refused the request (a 4xx other than a rate limit); retrying will not help."""

    retryable = False  # read by the worker: a permanent failure is not re-queued

    def __init__(self, method: str, path: str, status: int, message: str = "") -> None:
        self.method = method
        self.path = path
        self.status = status
        detail = f": {message}" if message else ""
        super().__init__(f"GitHub answered {status} to {method} {path}{detail}")


class NotFound(GitHubRequestError):
    """404: the object does not exist, or the installation cannot see it."""


class GitHubUnavailable(GitHubError):
    """GitHub kept failing (5xx, timeouts, connection errors) after the bounded retries."""


class RateLimited(GitHubError):
    """GitHub asked us to wait longer than we are willing to sleep; retry the job later."""

    def __init__(self, retry_after: float, detail: str = "") -> None:
        self.retry_after = retry_after
        suffix = f" ({detail})" if detail else ""
        super().__init__(f"GitHub rate limit: retry after {retry_after:.0f} s{suffix}")


class BudgetExhausted(GitHubError):
    """The caller's :class:`RequestBudget` allows no further request (nothing was sent)."""

    retryable = False

    def __init__(self, limit: int, what: str) -> None:
        self.limit = limit
        super().__init__(f"request budget of {limit} used up before {what}")


# --- request budgets ------------------------------------------------------------------------


@dataclass
class RequestBudget:
    """At most *limit* GitHub requests, retries included, for the code run inside
    :func:`spending`. The adapter charges one unit before each attempt it sends."""

    limit: int
    used: int = 0

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)

    def charge(self, what: str) -> None:
        if self.used >= self.limit:
            raise BudgetExhausted(self.limit, what)
        self.used += 1


_budget: ContextVar[RequestBudget | None] = ContextVar("devdocs_github_budget", default=None)


@contextlib.contextmanager
def spending(budget: RequestBudget) -> Iterator[RequestBudget]:
    """Charge every GitHub request made inside the block (in this task) to *budget*."""
    token = _budget.set(budget)
    try:
        yield budget
    finally:
        _budget.reset(token)


def charge_request(what: str) -> None:
    """Called by port implementations before each request; raises :class:`BudgetExhausted`."""
    budget = _budget.get()
    if budget is not None:
        budget.charge(what)


# --- values ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RepoRef:
    owner: str
    name: str
    installation_id: int

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"


@dataclass(frozen=True, slots=True)
class PullRequestRef:
    repo: RepoRef
    number: int
    head_sha: str
    base_sha: str
    base_ref: str
    head_repo_full_name: str | None  # None when the fork was deleted
    draft: bool
    html_url: str
    state: str = "open"
    # When the App learnt that head_sha is the head: the receipt time (epoch s, the App's clock) of the
    # pull_request delivery that named it; None when the PR was read from the API (then: when read).
    announced_at: float | None = None

    @property
    def is_fork(self) -> bool:
        return self.head_repo_full_name != self.repo.full_name

    @property
    def repo_html_url(self) -> str:
        """``https://github.com/o/r`` (or the GHES host), derived from the PR's own URL."""
        return self.html_url.rsplit("/pull/", 1)[0]

    def blob_url(self, path: str, line: int | None = None) -> str:
        """A permalink at the reviewed head SHA: ``…/blob/<head_sha>/<path>#L<line>``."""
        anchor = f"#L{line}" if line else ""
        return f"{self.repo_html_url}/blob/{self.head_sha}/{path}{anchor}"

    @property
    def key(self) -> tuple[str, int]:
        return (self.repo.full_name, self.number)


@dataclass(frozen=True, slots=True)
class ChangedFile:
    path: str
    status: FileStatus | str
    blob_sha: str | None  # None for removed files
    previous_path: str | None = None


@dataclass(frozen=True, slots=True)
class TreeEntry:
    path: str
    mode: str
    type: str  # "blob", "tree" or "commit" (a submodule)
    sha: str
    size: int | None = None

    @property
    def is_symlink(self) -> bool:
        return self.mode == "120000"


@dataclass(frozen=True, slots=True)
class Tree:
    sha: str
    entries: tuple[TreeEntry, ...]
    truncated: bool = False


@dataclass(frozen=True, slots=True)
class Comment:
    id: int
    body: str
    author_login: str
    author_type: str
    html_url: str = ""
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CheckAnnotation:
    path: str
    start_line: int
    end_line: int
    annotation_level: AnnotationLevel
    message: str
    title: str | None = None
    raw_details: str | None = None


@dataclass(frozen=True, slots=True)
class CheckRunOutput:
    """``output`` of a check run; any number of annotations (the adapter sends 50 per request)."""

    title: str
    summary: str
    text: str | None = None
    annotations: tuple[CheckAnnotation, ...] = ()


@dataclass(frozen=True, slots=True)
class CheckRunRef:
    id: int
    name: str
    head_sha: str
    status: str
    conclusion: str | None = None
    html_url: str = ""
    app_slug: str | None = None
    started_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Permission:
    """A user's access to a repository (``permission``: admin/write/read/none; ``role_name``)."""

    permission: str
    role_name: str | None = None

    @property
    def can_write(self) -> bool:
        return self.permission in WRITE_ROLES or (self.role_name or "") in WRITE_ROLES


@dataclass(frozen=True, slots=True)
class AppInfo:
    id: int
    slug: str
    name: str = ""

    @property
    def bot_login(self) -> str:
        """The login the App's comments are authored by."""
        return f"{self.slug}[bot]"


@dataclass(frozen=True, slots=True)
class CheckRunUpdate:
    """A PATCH to a check run; ``None`` fields are left out of the request."""

    status: CheckStatus | None = None
    conclusion: CheckConclusion | None = None
    completed_at: datetime | None = None
    details_url: str | None = None
    output: CheckRunOutput | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class HookDelivery:
    """One attempt to deliver a webhook to the App (``GET /app/hook/deliveries``).

    A redelivery is a new attempt with a new ``id`` and the same ``guid`` (the
    ``X-GitHub-Delivery`` header our receiver saw).
    """

    id: int
    guid: str
    delivered_at: datetime
    redelivery: bool
    status: str  # "OK", "Invalid HTTP Response: 503", "failed to connect", "timed out", ...
    status_code: int  # our answer; 0 when GitHub got none
    event: str
    action: str | None = None
    installation_id: int | None = None
    repository_id: int | None = None

    @property
    def succeeded(self) -> bool:
        """Our receiver answered 2xx (GitHub's ``status`` text is informational: ``OK`` for 200)."""
        if self.status_code:
            return 200 <= self.status_code < 300
        return self.status.strip().upper() == "OK"


ListingStop = Literal["end", "since", "max_pages", "budget"]


@dataclass(frozen=True, slots=True)
class DeliveryListing:
    """The App's most recent deliveries, newest first, back to ``since`` or to a bound."""

    deliveries: tuple[HookDelivery, ...]
    pages: int
    stopped: ListingStop  # end: no more pages; since: reached older ones; or the bound that hit


def github_timestamp(moment: datetime) -> str:
    """GitHub's ISO 8601 form, ``YYYY-MM-DDTHH:MM:SSZ``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- the port -------------------------------------------------------------------------------


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


def chunks(items: Sequence[T], size: int) -> list[Sequence[T]]:
    """``items`` in consecutive slices of at most *size* (at least one, possibly empty, slice)."""
    if not items:
        return [items]
    return [items[i:i + size] for i in range(0, len(items), size)]
