"""The shared fake GitHub behaves like GitHub where the App relies on it: authentication,
request validation, faults, loopback serving (thread and process)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bot.github.connect import github_for_installation
from bot.github.errors import GitHubUnavailable
from bot.github.retry import RetryPolicy
from bot.github.values import RepoRef
from tests.bot.support import AppKeys, Sleeps, make_settings, repo_ref
from tests.fakegithub import FakeGitHub, create_app, serve_in_thread

ROOT = Path(__file__).parents[3]


@pytest.fixture
def hub(app_keys: AppKeys) -> FakeGitHub:
    hub = FakeGitHub(app_public_key=app_keys.public_pem)
    repo = hub.add_repo("octo", "docs", files={"dev/active/a/a-plan.md": "# A - Plan\n"})
    hub.open_pull_request(repo, {"dev/active/a/a-tasks.md": "# A - Tasks\n"})
    return hub


def client(hub: FakeGitHub) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(hub)), base_url="https://api.github.com"
    )


async def test_requests_without_valid_credentials_get_401(hub: FakeGitHub) -> None:
    async with client(hub) as http:
        missing = await http.get("/repos/octo/docs/pulls/1")
        wrong = await http.get("/repos/octo/docs/pulls/1", headers={"Authorization": "token ghs_nope"})
        token, _ = hub.issue_token(1)
        right = await http.get("/repos/octo/docs/pulls/1", headers={"Authorization": f"token {token}"})
        bearer = await http.get("/repos/octo/docs/pulls/1", headers={"Authorization": f"Bearer {token}"})

    assert (missing.status_code, wrong.status_code, right.status_code, bearer.status_code) == (
        401,
        401,
        200,
        200,
    )


async def test_invalid_requests_get_422_and_unknown_routes_404(hub: FakeGitHub) -> None:
    token, _ = hub.issue_token(1)
    auth = {"Authorization": f"token {token}"}
    async with client(hub) as http:
        bad_body = await http.post("/repos/octo/docs/check-runs", json={"head_sha": "x"}, headers=auth)
        bad_enum = await http.post(
            "/repos/octo/docs/issues/comments/1/reactions", json={"content": "yay"}, headers=auth
        )
        bad_query = await http.get("/repos/octo/docs/pulls/1/files?page=first", headers=auth)
        unknown = await http.get("/repos/octo/docs/branches", headers=auth)
        too_long = await http.post(
            "/repos/octo/docs/issues/1/comments", json={"body": "x" * 65_537}, headers=auth
        )

    assert [r.status_code for r in (bad_body, bad_enum, bad_query, unknown, too_long)] == [
        422,
        422,
        422,
        404,
        422,
    ]
    assert "name" in bad_body.text


async def test_an_installation_sees_only_its_repositories(hub: FakeGitHub) -> None:
    hub.add_repo("other", "private", installation_id=2)
    token, _ = hub.issue_token(1)
    async with client(hub) as http:
        response = await http.get("/repos/other/private/pulls/1", headers={"Authorization": f"token {token}"})

    assert response.status_code == 404


async def test_a_content_path_with_slashes_is_served(hub: FakeGitHub) -> None:
    token, _ = hub.issue_token(1)
    async with client(hub) as http:
        response = await http.get(
            "/repos/octo/docs/contents/dev/active/a/a-plan.md",
            headers={"Authorization": f"token {token}", "Accept": "application/vnd.github.raw+json"},
        )

    assert response.status_code == 200 and response.content == b"# A - Plan\n"


async def test_a_slow_answer_times_out_and_is_retried(hub: FakeGitHub, app_keys: AppKeys) -> None:
    hub.fail(200, operation_id="pulls/get", delay=1.0)
    sleeps = Sleeps()
    repo = repo_ref(hub.repos["octo/docs"])

    with serve_in_thread(hub) as url:
        factory = github_for_installation(
            make_settings(app_keys, hub, url),
            timeout=httpx.Timeout(0.2),
            sleep=sleeps,
            policy=RetryPolicy(attempts=2),
        )
        async with factory(1) as gh:
            pr = await gh.get_pull_request(repo, 1)

    assert pr.number == 1 and len(sleeps.calls) == 1


async def test_injected_server_errors_exhaust_the_retries(hub: FakeGitHub, app_keys: AppKeys) -> None:
    hub.fail(500, operation_id="pulls/get", times=5)
    sleeps = Sleeps()
    factory = github_for_installation(
        make_settings(app_keys, hub, "https://api.github.com"),
        transport=httpx.ASGITransport(app=create_app(hub)),
        sleep=sleeps,
    )

    async with factory(1) as gh:
        with pytest.raises(GitHubUnavailable):
            await gh.get_pull_request(repo_ref(hub.repos["octo/docs"]), 1)

    assert hub.count("pulls/get") == 4


@pytest.mark.parametrize("prefix", ["", "/api/v3"])
async def test_the_adapter_works_against_the_fake_on_loopback(
    hub: FakeGitHub, app_keys: AppKeys, prefix: str
) -> None:
    with serve_in_thread(hub) as url:
        factory = github_for_installation(make_settings(app_keys, hub, url + prefix))
        async with factory(1) as gh:
            app = await gh.get_app()
            files = await gh.list_pull_request_files(repo_ref(hub.repos["octo/docs"]), 1)

    assert app.bot_login == hub.bot_login
    assert [f.path for f in files] == ["dev/active/a/a-tasks.md"]
    assert {r.auth for r in hub.requests} == {"jwt", "installation"}


@pytest.mark.integration
async def test_the_fake_runs_as_a_process_driven_through_control_routes(app_keys: AppKeys) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fakegithub", "--port", str(port)], cwd=ROOT, env=env
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url)
        scenario = {
            "app": {"id": 4242, "slug": "devdocs-review", "public_key": app_keys.public_pem},
            "repos": [
                {
                    "owner": "octo",
                    "name": "docs",
                    "files": {"README.md": "# x\n"},
                    "pulls": [{"files": {"dev/active/a/a-plan.md": "# A - Plan\n"}}],
                }
            ],
        }
        created = httpx.post(f"{url}/_fake/scenario", json=scenario).json()
        factory = github_for_installation(make_settings(app_keys, FakeGitHub(), url))
        async with factory(1) as gh:
            pr = await gh.get_pull_request(RepoRef("octo", "docs", 1), 1)
        recorded = httpx.get(f"{url}/_fake/requests").json()
    finally:
        process.terminate()
        process.wait(timeout=10)

    assert pr.head_sha == created["repos"]["octo/docs"]["pulls"]["1"]["head_sha"]
    assert [r["operation_id"] for r in recorded] == ["apps/create-installation-access-token", "pulls/get"]


def _wait_until_up(url: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{url}/_fake/state", timeout=0.5)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError("the fake GitHub process did not start")
