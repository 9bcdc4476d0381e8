"""What a GitHub call raises; a message names the request, never a credential."""

from __future__ import annotations


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
