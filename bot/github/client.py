"""The only code that performs HTTP to GitHub: the port over a githubkit client.

githubkit does the App authentication (``bot/github/connect.py``), builds URLs on ``base_url``
(github.com, a GHES ``https://host/api/v3`` or a loopback fake) and owns the connection pool.
Everything else is ours:

* requests go through ``GitHub.arequest`` and responses are read leniently as JSON
  (``bot/github/wire.py``), because githubkit's strict generated models reject partial and newer
  payloads;
* githubkit's own retry (up to an hour on rate limits) and its HTTP cache are off; the bounded
  retries of ``bot/github/retry.py`` apply instead;
* ``X-GitHub-Api-Version: 2022-11-28``, which github.com and every supported GHES accept;
* logs name the method and path only, never headers, tokens or the private key;
* every attempt is charged to the caller's :class:`~bot.github.budget.RequestBudget`, if any
  (recovery runs inside one), before it is sent.

:class:`GithubkitPort` acts for one installation (installation token); :class:`GithubkitAppPort`
acts as the App itself (its JWT) for the webhook-delivery routes.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol, TypeVar
from urllib.parse import quote

import httpx
from githubkit import GitHub
from githubkit.exception import GitHubException

from bot.github.budget import charge_request
from bot.github.errors import BudgetExhausted, GitHubError, NotFound
from bot.github.retry import METRIC_REASON, RetryPolicy, decide, describe, reason
from bot.github.values import (
    MAX_ANNOTATIONS_PER_REQUEST,
    AppInfo,
    ChangedFile,
    CheckAnnotation,
    CheckRunOutput,
    CheckRunRef,
    CheckRunUpdate,
    CheckStatus,
    Comment,
    DeliveryListing,
    HookDelivery,
    Permission,
    PullRequestRef,
    ReactionContent,
    RepoRef,
    Tree,
    github_timestamp,
)
from bot.github.wire import (
    next_cursor,
    output_json,
    parse_changed_file,
    parse_check_run,
    parse_comment,
    parse_hook_delivery,
    parse_pull_request,
    parse_tree,
    raw_or_base64,
    update_json,
)

log = logging.getLogger(__name__)

API_VERSION = "2022-11-28"
JSON_MEDIA = "application/vnd.github+json"
RAW_MEDIA = "application/vnd.github.raw+json"
PER_PAGE = 100
MAX_PAGES = 30  # 3 000 items: GitHub's own cap on a PR's file list

Sleep = Callable[[float], Awaitable[None]]


class GitHubMetrics(Protocol):
    """What the adapter reports (``bot.metrics.Metrics`` implements it)."""

    def github_request(self, method: str, status: int | str) -> None: ...
    def github_retry(self, reason: str) -> None: ...


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
                self._metrics.github_retry(METRIC_REASON[failure.kind])
            log.warning("%s failed (%s); retry %d/%d in %.1f s", what, reason(failure), attempt + 1,
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
    """:class:`~bot.github.port.GitHubPort` over one installation's githubkit client."""

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
    """:class:`~bot.github.port.AppPort` over the App's JWT-authenticated githubkit client."""

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


def _repo(repo: RepoRef) -> str:
    return f"/repos/{_seg(repo.owner)}/{_seg(repo.name)}"


def _seg(value: str) -> str:
    return quote(value, safe="")


def _has_next_page(response: httpx.Response, count: int) -> bool:
    link = response.headers.get("link")
    if link is not None:
        return 'rel="next"' in link
    return count >= PER_PAGE

T = TypeVar("T")


def chunks(items: Sequence[T], size: int) -> list[Sequence[T]]:
    """``items`` in consecutive slices of at most *size* (at least one, possibly empty, slice)."""
    if not items:
        return [items]
    return [items[i:i + size] for i in range(0, len(items), size)]
