"""When to retry a failed GitHub request, and for how long to wait (pure).

5xx, timeouts and connection errors are retried with exponential backoff and jitter;
``Retry-After`` and rate-limit resets are honoured up to ``max_wait``, beyond which
:class:`~bot.github.errors.RateLimited` tells the caller to retry the job later. A write that may
already have landed (a POST that timed out or got a 5xx) is not retried, so a comment is never
posted twice. Any other 4xx is final (:class:`~bot.github.errors.NotFound` for a 404).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import httpx
from githubkit.exception import (
    GitHubException,
    RateLimitExceeded,
    RequestError,
    RequestFailed,
    RequestTimeout,
)

from bot.github.errors import GitHubError, GitHubRequestError, GitHubUnavailable, NotFound, RateLimited


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 4  # tries per request, the first included
    base_delay: float = 0.5  # seconds; doubles per retry
    max_delay: float = 8.0  # ceiling of one backoff step
    max_wait: float = 60.0  # longest we sleep for Retry-After / a rate-limit reset

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Exponential backoff with "equal jitter": half fixed, half random."""
        ceiling = min(self.max_delay, self.base_delay * 2.0**attempt)
        return ceiling / 2 + rng.uniform(0, ceiling / 2)


FailureKind = Literal["rate_limit", "server", "transport", "client"]


@dataclass(frozen=True, slots=True)
class Failure:
    """One failed attempt, reduced to what the retry decision needs."""

    kind: FailureKind
    status: int | None = None
    retry_after: float | None = None  # seconds GitHub asked us to wait
    may_have_landed: bool = True  # False when the request surely never reached GitHub
    message: str = ""


def describe(error: GitHubException) -> Failure:
    """Classify a githubkit exception (errors raised inside the auth flow arrive wrapped)."""
    while type(error) is RequestError and isinstance(error.exc, GitHubException):
        error = error.exc
    if isinstance(error, RateLimitExceeded):
        return Failure("rate_limit", error.response.status_code, error.retry_after.total_seconds(), False)
    if isinstance(error, RequestFailed):
        return _status_failure(error.response.raw_response)
    if isinstance(error, RequestTimeout):
        landed = not isinstance(error.exc, httpx.ConnectTimeout | httpx.PoolTimeout)
        return Failure("transport", may_have_landed=landed, message=type(error.exc).__name__)
    if isinstance(error, RequestError):
        landed = not isinstance(error.exc, httpx.ConnectError)
        return Failure("transport", may_have_landed=landed, message=type(error.exc).__name__)
    return Failure("client", message=type(error).__name__)


def _status_failure(response: httpx.Response) -> Failure:
    status = response.status_code
    retry_after = _retry_after_header(response.headers)
    if status == 429:
        return Failure("rate_limit", status, retry_after, False)
    if status >= 500:
        return Failure("server", status, retry_after, True, _error_message(response))
    return Failure("client", status, None, True, _error_message(response))


def _retry_after_header(headers: Mapping[str, str]) -> float | None:
    value = headers.get("retry-after", "").strip()
    return float(value) if value.isdigit() else None


def _error_message(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return ""
    message = data.get("message", "") if isinstance(data, dict) else ""
    errors = data.get("errors") if isinstance(data, dict) else None
    if errors:
        message = f"{message} {errors}".strip()
    return str(message)[:300]


def decide(failure: Failure, attempt: int, policy: RetryPolicy, rng: random.Random, *,
           idempotent: bool, what: str) -> float | GitHubError:
    """Seconds to sleep before trying again, or the error to raise now."""
    last = attempt + 1 >= policy.attempts
    if failure.kind == "client":
        error_cls = NotFound if failure.status == 404 else GitHubRequestError
        method, _, path = what.partition(" ")
        return error_cls(method, path, failure.status or 0, failure.message)
    if failure.kind == "rate_limit":
        wait = failure.retry_after if failure.retry_after is not None else policy.backoff(attempt, rng)
        if wait > policy.max_wait or last:
            return RateLimited(max(wait, 1.0), what)
        return wait + rng.uniform(0, min(1.0, policy.max_wait - wait))
    if failure.may_have_landed and not idempotent:
        return GitHubUnavailable(f"{what} failed ({reason(failure)}); not retried: it may have been applied")
    if failure.retry_after is not None and failure.retry_after > policy.max_wait:
        return RateLimited(failure.retry_after, what)
    if last:
        return GitHubUnavailable(f"{what} failed {policy.attempts} times (last: {reason(failure)})")
    return max(policy.backoff(attempt, rng), failure.retry_after or 0.0)


METRIC_REASON: dict[FailureKind, str] = {"rate_limit": "rate_limit", "server": "5xx", "transport": "timeout",
                                          "client": "4xx"}  # the retry counter's label


def reason(failure: Failure) -> str:
    """*failure* in a few words, for a log line or an error message."""
    return f"HTTP {failure.status}" if failure.status else failure.message or failure.kind
