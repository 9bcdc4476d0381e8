"""FallbackPort over the real adapter and the fake GitHub: reads go through; a kind of write
refused with 403 is kept here from then on, and any other error is raised."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from pydantic import SecretStr

from bot.action.env import ActionSettings
from bot.action.fallback import Fallback, FallbackPort
from bot.github.connect import github_for_token
from bot.github.errors import GitHubRequestError
from bot.github.values import GITHUB_ACTIONS_APP, CheckRunOutput, CheckRunUpdate, RepoRef
from tests.bot.action.conftest import API
from tests.fakegithub import FakeGitHub, Repo, create_app

REPO = RepoRef("octo-org", "docs", 0)
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


async def _write_everything(hub: FakeGitHub, token: str, fallback: Fallback, number: int, sha: str) -> None:
    settings = ActionSettings(SecretStr(token), API)
    factory = github_for_token(settings, transport=httpx.ASGITransport(app=create_app(hub)))
    async with factory(0) as inner:
        gh = FallbackPort(inner, fallback, GITHUB_ACTIONS_APP)
        run = await gh.create_check_run(REPO, name="devdocs-review", head_sha=sha, status="in_progress",
                                        started_at=NOW, output=CheckRunOutput("Reviewing…", "s"))
        await gh.update_check_run(REPO, run.id, CheckRunUpdate(status="completed", conclusion="success",
                                                               output=CheckRunOutput("Done", "all good")))
        comment = await gh.create_issue_comment(REPO, number, "<!-- devdocs-review:sticky -->\nv1")
        await gh.update_issue_comment(REPO, comment.id, "<!-- devdocs-review:sticky -->\nv2")
        await gh.add_reaction(REPO, comment.id, "eyes")
        listed = await gh.list_issue_comments(REPO, number)
        assert [c.body for c in listed if c.author_login == "github-actions[bot]"] == [
            "<!-- devdocs-review:sticky -->\nv2"]
        assert await gh.get_issue_comment(REPO, comment.id) == listed[-1]


async def test_a_writing_token_writes_everything(hub: FakeGitHub, repo: Repo) -> None:
    pr = hub.open_pull_request(repo, {"dev/active/a/a-plan.md": "# A\n"})
    fallback = Fallback()

    await _write_everything(hub, hub.issue_workflow_token(), fallback, pr.number, pr.head_sha)

    assert not fallback.active and fallback.posted == []
    [run] = hub.runs_for(repo, pr.head_sha)
    assert (run.app_slug, run.conclusion, run.output["title"]) == ("github-actions", "success", "Done")
    [comment] = hub.comments_on(repo, pr.number)
    assert (comment.login, comment.edits, comment.reactions) == ("github-actions[bot]", 1,
                                                                 [("github-actions[bot]", "eyes")])


async def test_a_read_only_token_is_refused_once_per_kind_and_the_writes_are_kept(hub: FakeGitHub,
                                                                                   repo: Repo) -> None:
    pr = hub.open_pull_request(repo, {"dev/active/a/a-plan.md": "# A\n"})
    fallback = Fallback()

    await _write_everything(hub, hub.issue_workflow_token(read_only=True), fallback, pr.number, pr.head_sha)

    refused = [(r.method, r.operation_id, r.status) for r in hub.requests if r.method != "GET"]
    assert refused == [("POST", "checks/create", 403), ("POST", "issues/create-comment", 403),
                       ("POST", "reactions/create-for-issue-comment", 403)]
    assert set(fallback.held) == {"comments", "check runs", "reactions"}
    assert fallback.reason().startswith("comments, check runs and reactions not written: GitHub answered 403 "
                                        "to POST /repos/octo-org/docs/check-runs (Resource not accessible")
    assert [o.title for o in fallback.checks.values()] == ["Done"]
    assert fallback.posted == ["<!-- devdocs-review:sticky -->\nv1"]
    assert hub.comments_on(repo, pr.number) == [] and hub.runs_for(repo, pr.head_sha) == []


async def test_other_refusals_are_raised(hub: FakeGitHub, repo: Repo) -> None:
    pr = hub.open_pull_request(repo, {"dev/active/a/a-plan.md": "# A\n"})
    hub.fail(404, operation_id="checks/create")
    fallback = Fallback()

    with pytest.raises(GitHubRequestError, match="404"):
        await _write_everything(hub, hub.issue_workflow_token(), fallback, pr.number, pr.head_sha)
    assert not fallback.active


async def test_a_fork_pull_request_never_tries_to_write(hub: FakeGitHub, repo: Repo) -> None:
    pr = hub.open_pull_request(repo, {"dev/active/a/a-plan.md": "# A\n"}, fork="forker/docs")
    fallback = Fallback.read_only("the pull request comes from a fork")

    await _write_everything(hub, hub.issue_workflow_token(read_only=True), fallback, pr.number, pr.head_sha)

    assert {r.method for r in hub.requests} == {"GET"}
    assert fallback.reason() == "comments, check runs and reactions not written: the pull request comes from a fork"
