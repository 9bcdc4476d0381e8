"""The only module that performs HTTP to GitHub.

githubkit does the App authentication (a JWT for ``/app`` routes, installation tokens for the
rest, each cached until shortly before it expires), builds URLs on ``base_url`` (github.com, a GHES
``https://host/api/v3`` or a loopback fake) and owns the connection pool. Everything else is ours:

* requests go through ``GitHub.arequest`` and responses are read leniently as JSON, because
  githubkit's strict generated models reject partial and newer payloads;
* explicit timeouts (``DEVDOCS_GITHUB_TIMEOUT_SECONDS`` to read or write, 5 s to connect);
  githubkit's own retry (up to an hour on rate limits) and its HTTP cache are off.
  :class:`RetryPolicy` retries 5xx, timeouts and connection errors with exponential backoff and
  jitter, honours ``Retry-After`` and ``x-ratelimit-reset``, and never sleeps longer than
  ``max_wait``: beyond it, :class:`~bot.github.RateLimited` tells the caller to retry the job later;
* writes that may already have landed (a POST that timed out or got a 5xx) are not retried, so a
  comment is never posted twice;
* ``X-GitHub-Api-Version: 2022-11-28``, which github.com and every supported GHES accept;
* logs name the method and path only, never headers, tokens or the private key;
* every attempt is charged to the caller's :class:`~bot.github.RequestBudget`, if any (recovery
  runs inside one), before it is sent.

:class:`GithubkitPort` acts for one installation (installation token); :class:`GithubkitAppPort`
acts as the App itself (its JWT) for the webhook-delivery routes.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import logging
import random
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, Protocol
from urllib.parse import parse_qs, quote, urlsplit

import httpx
from githubkit import AppAuthStrategy, GitHub
from githubkit.cache import MemCacheStrategy
from githubkit.exception import (
    GitHubException,
    RateLimitExceeded,
    RequestError,
    RequestFailed,
    RequestTimeout,
)
from pydantic import SecretStr

from bot.github import (
    MAX_ANNOTATIONS_PER_REQUEST,
    AppInfo,
    AppPort,
    BudgetExhausted,
    ChangedFile,
    CheckAnnotation,
    CheckRunOutput,
    CheckRunRef,
    CheckRunUpdate,
    CheckStatus,
    Comment,
    DeliveryListing,
    GitHubError,
    GitHubPort,
    GitHubRequestError,
    GitHubUnavailable,
    HookDelivery,
    NotFound,
    Permission,
    PullRequestRef,
    RateLimited,
    ReactionContent,
    RepoRef,
    Tree,
    TreeEntry,
    charge_request,
    chunks,
    github_timestamp,
)

log = logging.getLogger(__name__)

API_VERSION = "2022-11-28"
JSON_MEDIA = "application/vnd.github+json"
RAW_MEDIA = "application/vnd.github.raw+json"
USER_AGENT = "devdocs-review"
PER_PAGE = 100
MAX_PAGES = 30  # 3 000 items: GitHub's own cap on a PR's file list
CONNECT_TIMEOUT = 5.0  # seconds; reads and writes wait ``github_timeout_seconds`` (default 20)

Sleep = Callable[[float], Awaitable[None]]
PortFactory = Callable[[int], AbstractAsyncContextManager[GitHubPort]]
AppPortFactory = Callable[[], AbstractAsyncContextManager[AppPort]]


class GitHubMetrics(Protocol):
    """What the adapter reports (``bot.metrics.Metrics`` implements it)."""

    def github_request(self, method: str, status: int | str) -> None: ...
    def github_retry(self, reason: str) -> None: ...


class GitHubSettings(Protocol):
    """The settings the adapter reads (``bot.settings.Settings`` provides them)."""

    @property
    def app_id(self) -> int: ...
    @property
    def private_key(self) -> SecretStr: ...
    @property
    def github_api_url(self) -> str: ...
    @property
    def github_timeout_seconds(self) -> float: ...


def timeout_for(settings: GitHubSettings) -> httpx.Timeout:
    """Read and write time out after ``github_timeout_seconds``; connecting after 5 s at most."""
    seconds = settings.github_timeout_seconds
    return httpx.Timeout(seconds, connect=min(CONNECT_TIMEOUT, seconds), pool=10.0)


# --- retries (pure) ---------------------------------------------------------------------------


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
        return GitHubUnavailable(f"{what} failed ({_reason(failure)}); not retried: it may have been applied")
    if failure.retry_after is not None and failure.retry_after > policy.max_wait:
        return RateLimited(failure.retry_after, what)
    if last:
        return GitHubUnavailable(f"{what} failed {policy.attempts} times (last: {_reason(failure)})")
    return max(policy.backoff(attempt, rng), failure.retry_after or 0.0)


_RETRY_REASON: dict[FailureKind, str] = {"rate_limit": "rate_limit", "server": "5xx", "transport": "timeout",
                                          "client": "4xx"}


def _reason(failure: Failure) -> str:
    return f"HTTP {failure.status}" if failure.status else failure.message or failure.kind


# --- the port ---------------------------------------------------------------------------------


class _Requester:
    """Sends requests through one githubkit client: budget, bounded retries, metrics."""

    def __init__(self, gh: GitHub[Any], *, policy: RetryPolicy | None = None, sleep: Sleep = asyncio.sleep,
                 rng: random.Random | None = None, metrics: GitHubMetrics | None = None) -> None:
        self._gh = gh
        self._policy = policy or RetryPolicy()
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._metrics = metrics

    # transport

    async def _send(self, method: str, path: str, *, params: Mapping[str, str | int] | None = None,
                    body: Any = None, accept: str = JSON_MEDIA, idempotent: bool = True) -> httpx.Response:
        what = f"{method} {path}"
        headers = {"Accept": accept, "X-GitHub-Api-Version": API_VERSION}
        attempt = 0
        while True:
            charge_request(what)
            try:
                response = await self._gh.arequest(method, path, params=dict(params or {}), json=body,
                                                   headers=headers)
                self._count(method, response.status_code)
                return response.raw_response
            except GitHubException as error:
                failure = describe(error)
                self._count(method, failure.status or "error")
                outcome = decide(failure, attempt, self._policy, self._rng, idempotent=idempotent, what=what)
            if isinstance(outcome, GitHubError):
                raise outcome
            if self._metrics is not None:
                self._metrics.github_retry(_RETRY_REASON[failure.kind])
            log.warning("%s failed (%s); retry %d/%d in %.1f s", what, _reason(failure), attempt + 1,
                        self._policy.attempts - 1, outcome)
            await self._sleep(outcome)
            attempt += 1

    def _count(self, method: str, status: int | str) -> None:
        if self._metrics is not None:
            self._metrics.github_request(method, status)

    async def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        return (await self._send(method, path, **kwargs)).json()

    async def _paginate(self, path: str, *, params: Mapping[str, str | int] | None = None,
                        key: str | None = None) -> list[Any]:
        items: list[Any] = []
        for page in range(1, MAX_PAGES + 1):
            query = {**(params or {}), "per_page": PER_PAGE, "page": page}
            response = await self._send("GET", path, params=query)
            data = response.json()
            batch = data.get(key, []) if key and isinstance(data, dict) else data
            items.extend(batch)
            if not _has_next_page(response, len(batch)):
                break
        return items



class GithubkitPort(_Requester):
    """:class:`~bot.github.GitHubPort` over one installation's githubkit client."""

    # operations

    async def get_app(self) -> AppInfo:
        data = await self._json("GET", "/app")
        return AppInfo(int(data["id"]), str(data["slug"]), str(data.get("name") or ""))

    async def get_pull_request(self, repo: RepoRef, number: int) -> PullRequestRef:
        return parse_pull_request(repo, await self._json("GET", f"{_repo(repo)}/pulls/{number}"))

    async def list_pull_request_files(self, repo: RepoRef, number: int) -> list[ChangedFile]:
        items = await self._paginate(f"{_repo(repo)}/pulls/{number}/files")
        return [parse_changed_file(item) for item in items]

    async def list_pull_requests_for_commit(self, repo: RepoRef, sha: str) -> list[PullRequestRef]:
        items = await self._paginate(f"{_repo(repo)}/commits/{_seg(sha)}/pulls")
        return [parse_pull_request(repo, item) for item in items]

    async def get_tree(self, repo: RepoRef, sha: str, *, recursive: bool = True) -> Tree:
        params = {"recursive": "1"} if recursive else {}
        return parse_tree(await self._json("GET", f"{_repo(repo)}/git/trees/{_seg(sha)}", params=params))

    async def get_blob(self, repo: RepoRef, blob_sha: str) -> bytes:
        response = await self._send("GET", f"{_repo(repo)}/git/blobs/{_seg(blob_sha)}", accept=RAW_MEDIA)
        return raw_or_base64(response)

    async def get_file(self, repo: RepoRef, path: str, *, ref: str | None = None) -> bytes | None:
        params = {"ref": ref} if ref else {}
        try:
            response = await self._send("GET", f"{_repo(repo)}/contents/{quote(path, safe='/')}",
                                        params=params, accept=RAW_MEDIA)
        except NotFound:
            return None
        return raw_or_base64(response)

    async def list_issue_comments(self, repo: RepoRef, number: int) -> list[Comment]:
        items = await self._paginate(f"{_repo(repo)}/issues/{number}/comments")
        return [parse_comment(item) for item in items]

    async def get_issue_comment(self, repo: RepoRef, comment_id: int) -> Comment | None:
        try:
            return parse_comment(await self._json("GET", f"{_repo(repo)}/issues/comments/{comment_id}"))
        except NotFound:
            return None

    async def create_issue_comment(self, repo: RepoRef, number: int, body: str) -> Comment:
        data = await self._json("POST", f"{_repo(repo)}/issues/{number}/comments", body={"body": body},
                                idempotent=False)
        return parse_comment(data)

    async def update_issue_comment(self, repo: RepoRef, comment_id: int, body: str) -> Comment:
        data = await self._json("PATCH", f"{_repo(repo)}/issues/comments/{comment_id}", body={"body": body})
        return parse_comment(data)

    async def add_reaction(self, repo: RepoRef, comment_id: int, content: ReactionContent) -> None:
        # GitHub answers 200 with the existing reaction when it is already there: safe to retry.
        await self._send("POST", f"{_repo(repo)}/issues/comments/{comment_id}/reactions",
                         body={"content": content})

    async def create_check_run(self, repo: RepoRef, *, name: str, head_sha: str, status: CheckStatus,
                               started_at: datetime, output: CheckRunOutput,
                               external_id: str | None = None) -> CheckRunRef:
        first, *rest = chunks(output.annotations, MAX_ANNOTATIONS_PER_REQUEST)
        body: dict[str, Any] = {
            "name": name, "head_sha": head_sha, "status": status,
            "started_at": github_timestamp(started_at), "output": output_json(output, first),
        }
        if external_id:
            body["external_id"] = external_id
        created = parse_check_run(await self._json("POST", f"{_repo(repo)}/check-runs", body=body,
                                                   idempotent=False))
        for batch in rest:
            await self._patch_check(repo, created.id, {"output": output_json(output, batch)})
        return created

    async def update_check_run(self, repo: RepoRef, check_run_id: int, update: CheckRunUpdate) -> CheckRunRef:
        last: Sequence[CheckAnnotation] = ()
        if update.output is not None:
            *earlier, last = chunks(update.output.annotations, MAX_ANNOTATIONS_PER_REQUEST)
            for batch in earlier:  # append annotations while the run is open; complete it last
                await self._patch_check(repo, check_run_id, {"output": output_json(update.output, batch)})
        return await self._patch_check(repo, check_run_id, update_json(update, last))

    async def _patch_check(self, repo: RepoRef, check_run_id: int, body: dict[str, Any]) -> CheckRunRef:
        data = await self._json("PATCH", f"{_repo(repo)}/check-runs/{check_run_id}", body=body)
        return parse_check_run(data)

    async def list_check_runs(self, repo: RepoRef, ref: str, *,
                              check_name: str | None = None) -> list[CheckRunRef]:
        params = {"check_name": check_name} if check_name else {}
        items = await self._paginate(f"{_repo(repo)}/commits/{_seg(ref)}/check-runs", params=params,
                                     key="check_runs")
        return [parse_check_run(item) for item in items]

    async def get_collaborator_permission(self, repo: RepoRef, username: str) -> Permission:
        try:
            data = await self._json("GET", f"{_repo(repo)}/collaborators/{_seg(username)}/permission")
        except NotFound:
            return Permission("none")
        return Permission(str(data.get("permission") or "none"), data.get("role_name"))

    async def get_check_run(self, repo: RepoRef, check_run_id: int) -> CheckRunRef | None:
        try:
            return parse_check_run(await self._json("GET", f"{_repo(repo)}/check-runs/{check_run_id}"))
        except NotFound:
            return None


class GithubkitAppPort(_Requester):
    """:class:`~bot.github.AppPort` over the App's JWT-authenticated githubkit client."""

    async def list_hook_deliveries(self, *, since: datetime, max_pages: int,
                                   per_page: int = PER_PAGE) -> DeliveryListing:
        found: list[HookDelivery] = []
        cursor: str | None = None
        for page in range(1, max(1, max_pages) + 1):
            params: dict[str, str | int] = {"per_page": per_page, **({"cursor": cursor} if cursor else {})}
            try:
                response = await self._send("GET", "/app/hook/deliveries", params=params)
            except BudgetExhausted:
                return DeliveryListing(tuple(found), page - 1, "budget")
            batch = [parse_hook_delivery(item) for item in response.json() or ()]
            recent = [d for d in batch if d.delivered_at >= since]
            found.extend(recent)
            if len(recent) < len(batch):  # newest first: the rest is older still
                return DeliveryListing(tuple(found), page, "since")
            cursor = next_cursor(response)
            if cursor is None:
                return DeliveryListing(tuple(found), page, "end")
        return DeliveryListing(tuple(found), max(1, max_pages), "max_pages")

    async def redeliver_hook_delivery(self, delivery_id: int) -> None:
        # Not retried after a 5xx or a timeout: GitHub may have queued the redelivery already.
        await self._send("POST", f"/app/hook/deliveries/{delivery_id}/attempts", idempotent=False)


# --- factory ----------------------------------------------------------------------------------


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """The TLS context every client of this process shares, with httpx's own choice of CAs
    (``SSL_CERT_FILE``, ``SSL_CERT_DIR`` or certifi). Left to httpx, each job's client would build
    its own and load the whole CA bundle again: ~40 ms of CPU per review, a third of a worker's."""
    return httpx.create_ssl_context()


def _app_client(settings: GitHubSettings, timeout: httpx.Timeout,
                transport: httpx.AsyncBaseTransport | None) -> GitHub[Any]:
    return GitHub(
        AppAuthStrategy(settings.app_id, settings.private_key.get_secret_value()),
        base_url=settings.github_api_url,
        user_agent=USER_AGENT,
        timeout=timeout,
        ssl_verify=_tls_context(),
        cache_strategy=MemCacheStrategy(),  # this App's JWT and installation tokens, nobody else's
        http_cache=False,
        auto_retry=False,
        async_transport=transport,
    )


def github_for_installation(
    settings: GitHubSettings,
    *,
    timeout: httpx.Timeout | None = None,
    policy: RetryPolicy | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    sleep: Sleep = asyncio.sleep,
    metrics: GitHubMetrics | None = None,
) -> PortFactory:
    """One App-level client (its token cache shared by every job); one pooled client per job.

    ``transport`` lets tests run the fake GitHub in-process (``httpx.ASGITransport``).
    """
    app_github = _app_client(settings, timeout or timeout_for(settings), transport)

    @asynccontextmanager
    async def for_installation(installation_id: int) -> AsyncIterator[GitHubPort]:
        installation = app_github.with_auth(app_github.auth.as_installation(installation_id))
        async with installation as gh:
            yield GithubkitPort(gh, policy=policy, sleep=sleep, metrics=metrics)

    return for_installation


def github_for_app(
    settings: GitHubSettings,
    *,
    timeout: httpx.Timeout | None = None,
    policy: RetryPolicy | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    sleep: Sleep = asyncio.sleep,
    metrics: GitHubMetrics | None = None,
) -> AppPortFactory:
    """The App acting as itself: every request carries a JWT signed with its private key."""
    app_github = _app_client(settings, timeout or timeout_for(settings), transport)

    @asynccontextmanager
    async def for_app() -> AsyncIterator[AppPort]:
        async with app_github.with_auth(app_github.auth) as gh:
            yield GithubkitAppPort(gh, policy=policy, sleep=sleep, metrics=metrics)

    return for_app


# --- lenient parsing (pure) -------------------------------------------------------------------


def parse_pull_request(repo: RepoRef, data: Mapping[str, Any]) -> PullRequestRef:
    head = data.get("head") or {}
    base = data.get("base") or {}
    head_repo = head.get("repo") or None
    return PullRequestRef(
        repo=repo,
        number=int(data["number"]),
        head_sha=str(head["sha"]),
        base_sha=str(base["sha"]),
        base_ref=str(base.get("ref") or ""),
        head_repo_full_name=str(head_repo["full_name"]) if head_repo else None,
        draft=bool(data.get("draft") or False),
        html_url=str(data.get("html_url") or ""),
        state=str(data.get("state") or "open"),
    )


def parse_changed_file(data: Mapping[str, Any]) -> ChangedFile:
    status = str(data.get("status") or "modified")
    sha = data.get("sha")
    return ChangedFile(
        path=str(data["filename"]),
        status=status,
        blob_sha=str(sha) if sha and status != "removed" else None,
        previous_path=data.get("previous_filename"),
    )


def parse_tree(data: Mapping[str, Any]) -> Tree:
    entries = tuple(
        TreeEntry(str(e["path"]), str(e.get("mode") or ""), str(e.get("type") or "blob"), str(e["sha"]),
                  int(e["size"]) if e.get("size") is not None else None)
        for e in data.get("tree") or ()
    )
    return Tree(str(data.get("sha") or ""), entries, bool(data.get("truncated") or False))


def parse_comment(data: Mapping[str, Any]) -> Comment:
    user = data.get("user") or {}
    return Comment(
        id=int(data["id"]),
        body=str(data.get("body") or ""),
        author_login=str(user.get("login") or ""),
        author_type=str(user.get("type") or ""),
        html_url=str(data.get("html_url") or ""),
        created_at=_optional_timestamp(data.get("created_at")),
    )


def parse_check_run(data: Mapping[str, Any]) -> CheckRunRef:
    app = data.get("app") or {}
    return CheckRunRef(
        id=int(data["id"]),
        name=str(data.get("name") or ""),
        head_sha=str(data.get("head_sha") or ""),
        status=str(data.get("status") or ""),
        conclusion=data.get("conclusion"),
        html_url=str(data.get("html_url") or ""),
        app_slug=app.get("slug"),
        started_at=_optional_timestamp(data.get("started_at")),
    )


def _optional_timestamp(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return parse_timestamp(str(value))
    except ValueError:
        return None


def parse_hook_delivery(data: Mapping[str, Any]) -> HookDelivery:
    action = data.get("action")
    return HookDelivery(
        id=int(data["id"]),
        guid=str(data.get("guid") or ""),
        delivered_at=parse_timestamp(str(data["delivered_at"])),
        redelivery=bool(data.get("redelivery") or False),
        status=str(data.get("status") or ""),
        status_code=int(data.get("status_code") or 0),
        event=str(data.get("event") or ""),
        action=str(action) if action else None,
        installation_id=_optional_int(data.get("installation_id")),
        repository_id=_optional_int(data.get("repository_id")),
    )


def parse_timestamp(value: str) -> datetime:
    """GitHub's ISO 8601 timestamps (``...Z`` or an offset) as aware UTC datetimes."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def next_cursor(response: httpx.Response) -> str | None:
    """The ``cursor`` of the ``Link: <…?cursor=…>; rel="next"`` header, if there is a next page."""
    link = response.links.get("next")
    if not link or not link.get("url"):
        return None
    values = parse_qs(urlsplit(link["url"]).query).get("cursor")
    return values[0] if values else None


def _optional_int(value: Any) -> int | None:
    return int(value) if value is not None else None


def raw_or_base64(response: httpx.Response) -> bytes:
    """Bytes of a raw-media response; decodes the JSON form if a server ignored the raw media type."""
    content_type = response.headers.get("content-type", "")
    if "json" in content_type and "raw" not in content_type:
        data = response.json()
        if isinstance(data, dict) and data.get("encoding") == "base64":
            return base64.b64decode(str(data.get("content") or ""))
    return response.content


def output_json(output: CheckRunOutput, annotations: Sequence[CheckAnnotation]) -> dict[str, Any]:
    body: dict[str, Any] = {"title": output.title, "summary": output.summary}
    if output.text:
        body["text"] = output.text
    if annotations:
        body["annotations"] = [annotation_json(a) for a in annotations]
    return body


def annotation_json(annotation: CheckAnnotation) -> dict[str, Any]:
    body: dict[str, Any] = {
        "path": annotation.path,
        "start_line": annotation.start_line,
        "end_line": annotation.end_line,
        "annotation_level": annotation.annotation_level,
        "message": annotation.message,
    }
    if annotation.title:
        body["title"] = annotation.title
    if annotation.raw_details:
        body["raw_details"] = annotation.raw_details
    return body


def update_json(update: CheckRunUpdate, annotations: Sequence[CheckAnnotation]) -> dict[str, Any]:
    body: dict[str, Any] = dict(update.extra)
    if update.status:
        body["status"] = update.status
    if update.conclusion:
        body["conclusion"] = update.conclusion
    if update.completed_at:
        body["completed_at"] = github_timestamp(update.completed_at)
    if update.details_url:
        body["details_url"] = update.details_url
    if update.output:
        body["output"] = output_json(update.output, annotations)
    return body


def _repo(repo: RepoRef) -> str:
    return f"/repos/{_seg(repo.owner)}/{_seg(repo.name)}"


def _seg(value: str) -> str:
    return quote(value, safe="")


def _has_next_page(response: httpx.Response, count: int) -> bool:
    link = response.headers.get("link")
    if link is not None:
        return 'rel="next"' in link
    return count >= PER_PAGE
