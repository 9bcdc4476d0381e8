"""The githubkit adapter under respx: recorded responses in, every outgoing request validated
against GitHub's REST OpenAPI description (a request GitHub would reject fails the test)."""

from __future__ import annotations

import json
import logging
import random
import re
import ssl
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from bot.github.client import RAW_MEDIA
from bot.github.connect import github_for_installation
from bot.github.errors import GitHubRequestError, GitHubUnavailable, RateLimited
from bot.github.port import PortFactory
from bot.github.retry import Failure, RetryPolicy, decide
from bot.github.values import CheckAnnotation, CheckRunOutput, CheckRunUpdate, RepoRef
from tests.bot.support import AppKeys, Sleeps, make_settings
from tests.fakegithub import FakeGitHub
from tests.fakegithub.openapi import validator

REST = Path(__file__).with_name("rest")
API = "https://api.github.com"
REPO = RepoRef("octocat", "Hello-World", 7)
SHA = "6dcb09b5b57875f334f61aebed695e2e4193db5e"
TOKEN = "ghs_16C7e42F292c6912E7710c838347Ae178B4a"

Responder = httpx.Response | Callable[[httpx.Request], httpx.Response] | Exception


def recorded(name: str) -> Any:
    return json.loads((REST / f"{name}.json").read_text(encoding="utf-8"))


def token_response() -> httpx.Response:
    body = recorded("installation-token")
    body["expires_at"] = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return httpx.Response(201, json=body)


class ValidatedGitHub:
    """respx in front of GitHub: validates each request, then answers from queued responders.

    An invalid request gets GitHub's 422 and is remembered; the fixture fails the test for it.
    """

    def __init__(self, mock: respx.MockRouter, base: str = API) -> None:
        self.base = base.rstrip("/")
        self.prefix = httpx.URL(self.base).path.rstrip("/")
        self.routes: list[tuple[str, re.Pattern[str], list[Responder]]] = []
        self.requests: list[httpx.Request] = []
        self.invalid: list[str] = []
        mock.route(url__startswith=self.base).mock(side_effect=self._handle)
        self.on("POST", r"/app/installations/\d+/access_tokens", token_response(), repeat=True)

    def on(self, method: str, path: str, *responders: Responder, repeat: bool = False) -> None:
        queue = list(responders)
        if repeat:
            queue = queue * 100
        self.routes.append((method, re.compile(path + "$"), queue))

    def calls(self, method: str, path: str) -> list[httpx.Request]:
        pattern = re.compile(path + "$")
        return [r for r in self.requests if r.method == method and pattern.match(self._path(r))]

    def _path(self, request: httpx.Request) -> str:
        return request.url.raw_path.decode().split("?")[0][len(self.prefix) :]

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        raw_path = request.url.raw_path.decode().split("?")[0]
        outcome = validator().validate(
            request.method,
            raw_path[len(self.prefix) :] or "/",
            request.url.query.decode(),
            request.content,
            request.headers.get("content-type", ""),
        )
        if not outcome.ok:
            self.invalid.append(f"{request.method} {raw_path}: {outcome.errors}")
            return httpx.Response(422, json={"message": "Invalid request.", "errors": list(outcome.errors)})
        path = self._path(request)
        for method, pattern, queue in self.routes:
            if method == request.method and pattern.match(path) and queue:
                responder = queue.pop(0)
                if isinstance(responder, Exception):
                    raise responder
                return responder(request) if callable(responder) else responder
        raise AssertionError(f"unexpected request {request.method} {path}")


@pytest.fixture
def github(respx_mock: respx.MockRouter) -> Iterator[ValidatedGitHub]:
    gh = ValidatedGitHub(respx_mock)
    yield gh
    assert gh.invalid == [], "requests GitHub would reject"


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def factory(app_keys: AppKeys, sleeps: Sleeps) -> PortFactory:
    return port_factory(app_keys, sleeps, API)


def port_factory(app_keys: AppKeys, sleeps: Sleeps, url: str) -> PortFactory:
    settings = make_settings(app_keys, FakeGitHub(), url)
    return github_for_installation(settings, sleep=sleeps)


def repo_path(suffix: str) -> str:
    return rf"/repos/octocat/Hello-World{suffix}"


# --- requests are valid and responses parsed ---------------------------------------------------


async def test_every_operation_sends_requests_github_accepts(
    github: ValidatedGitHub, factory: PortFactory
) -> None:
    pr = recorded("pull-request")
    github.on("GET", "/app", httpx.Response(200, json=recorded("app")))
    github.on("GET", repo_path(r"/pulls/1347"), httpx.Response(200, json=pr))
    github.on("GET", repo_path(r"/pulls/1347/files"), httpx.Response(200, json=recorded("pull-files")))
    github.on("GET", repo_path(rf"/commits/{SHA}/pulls"), httpx.Response(200, json=recorded("commit-pulls")))
    github.on(
        "GET", repo_path(rf"/git/trees/{SHA}"), httpx.Response(200, json=recorded("git-tree-recursive"))
    )
    github.on(
        "GET",
        repo_path(r"/git/blobs/[0-9a-f]+"),
        httpx.Response(200, content=b"# Plan\n", headers={"content-type": RAW_MEDIA}),
    )
    github.on(
        "GET",
        repo_path(r"/contents/\.github/devdocs-review\.yml"),
        httpx.Response(200, content=b"gate: {}\n", headers={"content-type": RAW_MEDIA}),
    )
    github.on(
        "GET", repo_path(r"/issues/1347/comments"), httpx.Response(200, json=recorded("issue-comments"))
    )
    github.on("GET", repo_path(r"/issues/comments/1"), httpx.Response(200, json=recorded("issue-comment")))
    github.on(
        "POST", repo_path(r"/issues/1347/comments"), httpx.Response(201, json=recorded("issue-comment"))
    )
    github.on("PATCH", repo_path(r"/issues/comments/1"), httpx.Response(200, json=recorded("issue-comment")))
    github.on(
        "POST", repo_path(r"/issues/comments/1/reactions"), httpx.Response(201, json=recorded("reaction"))
    )
    github.on("POST", repo_path(r"/check-runs"), httpx.Response(201, json=recorded("check-run")))
    github.on("PATCH", repo_path(r"/check-runs/4"), httpx.Response(200, json=recorded("check-run")))
    github.on(
        "GET",
        repo_path(rf"/commits/{SHA}/check-runs"),
        httpx.Response(200, json=recorded("check-run-paginated")),
    )
    github.on(
        "GET",
        repo_path(r"/collaborators/octocat/permission"),
        httpx.Response(200, json=recorded("collaborator-permission")),
    )

    async with factory(REPO.installation_id) as gh:
        app = await gh.get_app()
        ref = await gh.get_pull_request(REPO, 1347)
        files = await gh.list_pull_request_files(REPO, 1347)
        pulls = await gh.list_pull_requests_for_commit(REPO, SHA)
        tree = await gh.get_tree(REPO, SHA)
        blob = await gh.get_blob(REPO, tree.entries[0].sha)
        config = await gh.get_file(REPO, ".github/devdocs-review.yml", ref=SHA)
        comments = await gh.list_issue_comments(REPO, 1347)
        comment = await gh.get_issue_comment(REPO, 1)
        await gh.create_issue_comment(REPO, 1347, "hello")
        await gh.update_issue_comment(REPO, 1, "hello again")
        await gh.add_reaction(REPO, 1, "eyes")
        run = await gh.create_check_run(
            REPO,
            name="devdocs-review",
            head_sha=SHA,
            status="in_progress",
            started_at=datetime(2026, 11, 25, tzinfo=UTC),
            output=CheckRunOutput("Reviewing…", "Reviewing"),
        )
        await gh.update_check_run(
            REPO,
            run.id,
            CheckRunUpdate(
                status="completed",
                conclusion="success",
                completed_at=datetime(2026, 11, 25, 0, 1, tzinfo=UTC),
                details_url="https://github.com/octocat/Hello-World/pull/1347#issuecomment-1",
                output=CheckRunOutput("A (95)", "summary", "text"),
            ),
        )
        runs = await gh.list_check_runs(REPO, SHA, check_name="devdocs-review")
        permission = await gh.get_collaborator_permission(REPO, "octocat")

    assert app.bot_login == "octoapp[bot]"
    assert (ref.number, ref.head_sha, ref.base_ref, ref.head_repo_full_name) == (
        1347,
        SHA,
        "master",
        "octocat/Hello-World",
    )
    assert files[0].path == "file1.txt" and files[0].blob_sha
    assert pulls[0].number == 1347
    assert tree.entries[0].path == "subdir/file.txt" and tree.entries[0].size == 132
    assert (blob, config) == (b"# Plan\n", b"gate: {}\n")
    assert comments[0].author_login == "octocat" and comment is not None and comment.id == 1
    assert run.id == 4 and runs[0].name == "mighty_readme"
    assert permission.can_write
    raw_accepts = {
        r.headers["accept"]
        for r in github.requests
        if "/git/blobs/" in r.url.path or "/contents/" in r.url.path
    }
    assert raw_accepts == {RAW_MEDIA}
    assert {r.headers["x-github-api-version"] for r in github.requests if "/repos/" in r.url.path} == {
        "2022-11-28"
    }


async def test_the_installation_token_is_cached_and_the_jwt_used_only_for_app_routes(
    github: ValidatedGitHub, factory: PortFactory
) -> None:
    github.on("GET", "/app", httpx.Response(200, json=recorded("app")))
    github.on("GET", repo_path(r"/pulls/1347"), *[httpx.Response(200, json=recorded("pull-request"))] * 2)

    async with factory(7) as gh:
        await gh.get_app()
        await gh.get_pull_request(REPO, 1347)
    async with factory(7) as gh:
        await gh.get_pull_request(REPO, 1347)

    assert len(github.calls("POST", r"/app/installations/7/access_tokens")) == 1
    (app_call,) = github.calls("GET", "/app")
    assert re.fullmatch(r"Bearer [\w-]+\.[\w-]+\.[\w-]+", app_call.headers["authorization"])
    assert {r.headers["authorization"] for r in github.calls("GET", repo_path(r"/pulls/1347"))} == {
        f"token {TOKEN}"
    }


async def test_requests_carry_explicit_timeouts(github: ValidatedGitHub, factory: PortFactory) -> None:
    github.on("GET", repo_path(r"/pulls/1347"), httpx.Response(200, json=recorded("pull-request")))

    async with factory(7) as gh:
        await gh.get_pull_request(REPO, 1347)

    timeout = github.calls("GET", repo_path(r"/pulls/1347"))[0].extensions["timeout"]
    assert timeout["connect"] == 5.0 and timeout["read"] == 20.0


@pytest.mark.parametrize("url", ["https://ghe.example.com/api/v3", "http://127.0.0.1:8765"])
async def test_ghes_and_loopback_base_urls_work(
    respx_mock: respx.MockRouter, app_keys: AppKeys, url: str
) -> None:
    github = ValidatedGitHub(respx_mock, base=url)
    github.on("GET", repo_path(r"/pulls/1347"), httpx.Response(200, json=recorded("pull-request")))

    async with port_factory(app_keys, Sleeps(), url)(7) as gh:
        await gh.get_pull_request(REPO, 1347)

    assert [str(r.url).split("?")[0] for r in github.requests] == [
        f"{url}/app/installations/7/access_tokens",
        f"{url}/repos/octocat/Hello-World/pulls/1347",
    ]
    assert github.invalid == []


async def test_jobs_share_one_tls_context_instead_of_loading_the_ca_bundle_each(
    monkeypatch: pytest.MonkeyPatch, factory: PortFactory
) -> None:
    built: list[object] = []
    real = ssl.create_default_context
    monkeypatch.setattr(ssl, "create_default_context", lambda *a, **k: built.append(a) or real(*a, **k))

    for _ in range(3):
        async with factory(7):
            pass

    assert built == []  # the process-wide context was built when the factory was


async def test_pages_are_followed_by_the_link_header(github: ValidatedGitHub, factory: PortFactory) -> None:
    entry = recorded("pull-files")[0]
    page = [dict(entry, filename=f"dev/active/t/{i}.md") for i in range(100)]
    link = f'<{API}/repositories/1296269/pulls/1347/files?page=2>; rel="next"'
    github.on(
        "GET",
        repo_path(r"/pulls/1347/files"),
        httpx.Response(200, json=page, headers={"link": link}),
        httpx.Response(200, json=page[:20]),
    )

    async with factory(7) as gh:
        files = await gh.list_pull_request_files(REPO, 1347)

    assert len(files) == 120
    calls = github.calls("GET", repo_path(r"/pulls/1347/files"))
    assert [dict(c.url.params) for c in calls] == [
        {"per_page": "100", "page": "1"},
        {"per_page": "100", "page": "2"},
    ]


async def test_a_missing_file_is_none(github: ValidatedGitHub, factory: PortFactory) -> None:
    github.on(
        "GET",
        repo_path(r"/contents/\.github/devdocs-review\.yml"),
        httpx.Response(404, json={"message": "Not Found"}),
    )

    async with factory(7) as gh:
        assert await gh.get_file(REPO, ".github/devdocs-review.yml", ref=SHA) is None


async def test_a_blob_in_json_form_is_decoded(github: ValidatedGitHub, factory: PortFactory) -> None:
    github.on("GET", repo_path(r"/git/blobs/[0-9a-f]+"), httpx.Response(200, json=recorded("blob")))

    async with factory(7) as gh:
        data = await gh.get_blob(REPO, "3a0f86fb8db8eea7ccbb9a95f325ddbedfb25e15")

    assert data == b"Content of the blob"


async def test_annotations_go_out_50_per_request_and_the_run_completes_last(
    github: ValidatedGitHub, factory: PortFactory
) -> None:
    check = recorded("check-run")
    github.on("PATCH", repo_path(r"/check-runs/4"), httpx.Response(200, json=check), repeat=True)
    notes = tuple(
        CheckAnnotation("dev/active/t/t-plan.md", i, i, "warning", f"finding {i}", "TSK001")
        for i in range(1, 121)
    )
    update = CheckRunUpdate(
        status="completed",
        conclusion="failure",
        completed_at=datetime.now(UTC),
        output=CheckRunOutput("F (40)", "summary", annotations=notes),
    )

    async with factory(7) as gh:
        await gh.update_check_run(REPO, 4, update)

    sent = [json.loads(c.content) for c in github.calls("PATCH", repo_path(r"/check-runs/4"))]
    assert [len(body["output"]["annotations"]) for body in sent] == [50, 50, 20]
    assert ["conclusion" in body for body in sent] == [False, False, True]
    assert all(body["output"]["title"] == "F (40)" for body in sent)


async def test_create_check_run_sends_the_first_50_and_patches_the_rest(
    github: ValidatedGitHub, factory: PortFactory
) -> None:
    github.on("POST", repo_path(r"/check-runs"), httpx.Response(201, json=recorded("check-run")))
    github.on(
        "PATCH", repo_path(r"/check-runs/4"), httpx.Response(200, json=recorded("check-run")), repeat=True
    )
    notes = tuple(CheckAnnotation("a.md", i, i, "notice", "m") for i in range(1, 76))

    async with factory(7) as gh:
        await gh.create_check_run(
            REPO,
            name="devdocs-review",
            head_sha=SHA,
            status="in_progress",
            started_at=datetime.now(UTC),
            output=CheckRunOutput("t", "s", annotations=notes),
        )

    created = json.loads(github.calls("POST", repo_path(r"/check-runs"))[0].content)
    patched = [json.loads(c.content) for c in github.calls("PATCH", repo_path(r"/check-runs/4"))]
    assert len(created["output"]["annotations"]) == 50 and [
        len(p["output"]["annotations"]) for p in patched
    ] == [25]


# --- retries ---------------------------------------------------------------------------------


async def test_server_errors_are_retried_with_growing_backoff(
    github: ValidatedGitHub, factory: PortFactory, sleeps: Sleeps
) -> None:
    github.on(
        "GET",
        repo_path(r"/pulls/1347"),
        httpx.Response(502),
        httpx.Response(503),
        httpx.Response(200, json=recorded("pull-request")),
    )

    async with factory(7) as gh:
        assert (await gh.get_pull_request(REPO, 1347)).number == 1347

    assert len(sleeps.calls) == 2 and 0.25 <= sleeps.calls[0] <= 0.5 and 0.5 <= sleeps.calls[1] <= 1.0


async def test_retries_are_bounded(github: ValidatedGitHub, factory: PortFactory, sleeps: Sleeps) -> None:
    github.on("GET", repo_path(r"/pulls/1347"), httpx.Response(500), repeat=True)

    async with factory(7) as gh:
        with pytest.raises(GitHubUnavailable, match="4 times"):
            await gh.get_pull_request(REPO, 1347)

    assert len(github.calls("GET", repo_path(r"/pulls/1347"))) == 4 and len(sleeps.calls) == 3


async def test_timeouts_and_connection_errors_are_retried(
    github: ValidatedGitHub, factory: PortFactory, sleeps: Sleeps
) -> None:
    github.on(
        "GET",
        repo_path(r"/pulls/1347"),
        httpx.ReadTimeout("slow"),
        httpx.ConnectError("refused"),
        httpx.Response(200, json=recorded("pull-request")),
    )

    async with factory(7) as gh:
        await gh.get_pull_request(REPO, 1347)

    assert len(sleeps.calls) == 2


@pytest.mark.parametrize(
    ("status", "headers"),
    [
        (429, {"retry-after": "7"}),
        (403, {"retry-after": "7"}),  # secondary rate limit
        (503, {"retry-after": "7"}),
    ],
)
async def test_retry_after_is_honoured(
    github: ValidatedGitHub, factory: PortFactory, sleeps: Sleeps, status: int, headers: dict[str, str]
) -> None:
    github.on(
        "GET",
        repo_path(r"/pulls/1347"),
        httpx.Response(status, headers=headers, json={"message": "slow down"}),
        httpx.Response(200, json=recorded("pull-request")),
    )

    async with factory(7) as gh:
        await gh.get_pull_request(REPO, 1347)

    assert len(sleeps.calls) == 1 and 7 <= sleeps.calls[0] <= 8


def primary_rate_limit(*, reset_in: int) -> httpx.Response:
    """A 403 for an exhausted primary rate limit that resets *reset_in* seconds from now."""
    reset = int(datetime.now(UTC).timestamp()) + reset_in
    return httpx.Response(
        403,
        headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)},
        json={"message": "API rate limit exceeded"},
    )


async def test_a_short_primary_rate_limit_waits_for_the_reset(
    github: ValidatedGitHub, factory: PortFactory, sleeps: Sleeps
) -> None:
    github.on(
        "GET",
        repo_path(r"/pulls/1347"),
        primary_rate_limit(reset_in=20),
        httpx.Response(200, json=recorded("pull-request")),
    )

    async with factory(7) as gh:
        await gh.get_pull_request(REPO, 1347)

    assert len(sleeps.calls) == 1 and 15 <= sleeps.calls[0] <= 22


async def test_a_long_rate_limit_raises_instead_of_sleeping(
    github: ValidatedGitHub, factory: PortFactory, sleeps: Sleeps
) -> None:
    github.on(
        "GET",
        repo_path(r"/pulls/1347"),
        primary_rate_limit(reset_in=1800),
    )

    async with factory(7) as gh:
        with pytest.raises(RateLimited) as raised:
            await gh.get_pull_request(REPO, 1347)

    assert 1700 <= raised.value.retry_after <= 1800 and sleeps.calls == []


async def test_a_comment_is_not_posted_twice_after_a_5xx(
    github: ValidatedGitHub, factory: PortFactory
) -> None:
    github.on(
        "POST",
        repo_path(r"/issues/1347/comments"),
        httpx.Response(502),
        httpx.Response(201, json=recorded("issue-comment")),
    )

    async with factory(7) as gh:
        with pytest.raises(GitHubUnavailable, match="may have been applied"):
            await gh.create_issue_comment(REPO, 1347, "once")

    assert len(github.calls("POST", repo_path(r"/issues/1347/comments"))) == 1


async def test_a_post_that_never_left_is_retried(github: ValidatedGitHub, factory: PortFactory) -> None:
    github.on(
        "POST",
        repo_path(r"/issues/1347/comments"),
        httpx.ConnectError("refused"),
        httpx.Response(201, json=recorded("issue-comment")),
    )

    async with factory(7) as gh:
        comment = await gh.create_issue_comment(REPO, 1347, "once")

    assert comment.id == 1


async def test_client_errors_are_not_retried(
    github: ValidatedGitHub, factory: PortFactory, sleeps: Sleeps
) -> None:
    github.on(
        "PATCH",
        repo_path(r"/issues/comments/1"),
        httpx.Response(422, json={"message": "Validation Failed", "errors": [{"code": "custom"}]}),
    )

    async with factory(7) as gh:
        with pytest.raises(GitHubRequestError) as raised:
            await gh.update_issue_comment(REPO, 1, "x")

    assert raised.value.status == 422 and raised.value.retryable is False and sleeps.calls == []


async def test_a_failed_token_request_is_reported_without_credentials(
    respx_mock: respx.MockRouter, app_keys: AppKeys, sleeps: Sleeps, caplog: pytest.LogCaptureFixture
) -> None:
    github = ValidatedGitHub(respx_mock)
    github.routes.clear()
    github.on("POST", r"/app/installations/\d+/access_tokens", httpx.Response(500), token_response())
    github.on(
        "GET",
        repo_path(r"/pulls/1347"),
        httpx.Response(500),
        httpx.Response(200, json=recorded("pull-request")),
    )
    caplog.set_level(logging.DEBUG)

    async with port_factory(app_keys, sleeps, API)(7) as gh:
        await gh.get_pull_request(REPO, 1347)

    assert len(sleeps.calls) == 2
    assert TOKEN not in caplog.text and "PRIVATE KEY" not in caplog.text and "Bearer" not in caplog.text


# --- the retry decision (pure) ---------------------------------------------------------------


def test_backoff_is_exponential_jittered_and_capped() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=8.0)
    rng = random.Random(1)

    delays = [policy.backoff(attempt, rng) for attempt in range(6)]

    for attempt, delay in enumerate(delays):
        ceiling = min(8.0, 2.0**attempt)
        assert ceiling / 2 <= delay <= ceiling


def test_waits_longer_than_the_cap_become_rate_limited() -> None:
    policy = RetryPolicy(max_wait=60)

    outcome = decide(
        Failure("server", 503, retry_after=600), 0, policy, random.Random(0), idempotent=True, what="GET /x"
    )

    assert isinstance(outcome, RateLimited) and outcome.retry_after == 600


async def test_the_validator_rejects_what_github_would(
    respx_mock: respx.MockRouter, factory: PortFactory
) -> None:
    github = ValidatedGitHub(respx_mock)

    async with factory(7) as gh:
        with pytest.raises(GitHubRequestError):
            await gh.add_reaction(REPO, 1, "eyez")  # type: ignore[arg-type]

    assert len(github.invalid) == 1 and "eyez" in github.invalid[0]
