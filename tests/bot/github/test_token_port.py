"""The workflow-token port (``github_for_token``) under respx: every request carries the token as
it is (``Authorization: token …``), GitHub's API version and our user agent, each is validated
against GitHub's REST OpenAPI description, and nothing ever signs a JWT or asks for an
installation token."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import pytest
import respx
from pydantic import SecretStr

from bot.github.connect import github_for_token
from bot.github.values import CheckAnnotation, CheckRunOutput, RepoRef
from tests.bot.github.test_client import ValidatedGitHub, recorded

TOKEN = "ghs_16C7e42F292c6912E7710c838347Ae178B4a"
REPO = RepoRef("octocat", "Hello-World", 0)
SHA = "6dcb09b5b57875f334f61aebed695e2e4193db5e"


@dataclass(frozen=True)
class TokenSettings:
    token: SecretStr
    github_api_url: str
    github_timeout_seconds: float = 20.0


@pytest.mark.parametrize("base", ["https://api.github.com", "https://ghe.example.com/api/v3"])
async def test_every_request_carries_the_token_and_nothing_else(respx_mock: respx.MockRouter, base: str) -> None:
    github = ValidatedGitHub(respx_mock, base)
    github.on("GET", r"/repos/octocat/Hello-World/issues/7/comments", httpx.Response(200, json=[]))
    github.on("POST", r"/repos/octocat/Hello-World/issues/7/comments",
              httpx.Response(201, json=recorded("issue-comment")))
    github.on("POST", r"/repos/octocat/Hello-World/check-runs", httpx.Response(201, json=recorded("check-run")))
    github.on("PATCH", r"/repos/octocat/Hello-World/check-runs/\d+", httpx.Response(200, json=recorded("check-run")))
    github.on("GET", r"/repos/octocat/Hello-World/collaborators/alice/permission",
              httpx.Response(200, json=recorded("collaborator-permission")))
    factory = github_for_token(TokenSettings(SecretStr(TOKEN), base))
    notes = tuple(CheckAnnotation("dev/active/a/a-plan.md", i, i, "warning", f"m{i}") for i in range(1, 61))

    async with factory(0) as gh:
        assert await gh.list_issue_comments(REPO, 7) == []
        comment = await gh.create_issue_comment(REPO, 7, "hello")
        await gh.create_check_run(REPO, name="devdocs-review", head_sha=SHA, status="completed",
                                  started_at=datetime(2026, 1, 1, tzinfo=UTC),
                                  output=CheckRunOutput("t", "s", None, notes))
        permission = await gh.get_collaborator_permission(REPO, "alice")

    assert comment.body and permission.permission == "admin"
    sent = [(r.method, r.url.raw_path.decode().split("?")[0]) for r in github.requests]
    prefix = httpx.URL(base).path.rstrip("/")
    assert sent == [
        ("GET", f"{prefix}/repos/octocat/Hello-World/issues/7/comments"),
        ("POST", f"{prefix}/repos/octocat/Hello-World/issues/7/comments"),
        ("POST", f"{prefix}/repos/octocat/Hello-World/check-runs"),  # the first 50 annotations
        ("PATCH", f"{prefix}/repos/octocat/Hello-World/check-runs/4"),  # the other 10
        ("GET", f"{prefix}/repos/octocat/Hello-World/collaborators/alice/permission"),
    ]
    for request in github.requests:
        assert request.headers["authorization"] == f"token {TOKEN}"  # no JWT, no installation token
        assert request.headers["x-github-api-version"] == "2022-11-28"
        assert request.headers["user-agent"] == "devdocs-review"
    assert json.loads(github.requests[1].content) == {"body": "hello"}
    bodies = [json.loads(r.content) for r in github.requests[2:4]]
    assert [len(b["output"]["annotations"]) for b in bodies] == [50, 10]
    assert not github.calls("POST", r"/app/installations/\d+/access_tokens")
    assert github.invalid == []
