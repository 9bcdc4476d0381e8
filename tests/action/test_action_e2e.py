"""``devdocs-review action`` end to end: a real process with the Actions environment, GitHub's
published event payloads (``tests/bot/payloads/``, adapted to the fake's state) and the fake GitHub
served over HTTP on loopback, which validates every request against GitHub's OpenAPI description,
authenticates the workflow token like GitHub (the ``github-actions`` app; a read-only token gets
403 for writes) and records what it was asked."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rules.render.markdown import COMMENT_MARKER
from rules.render.neutral import ZWJ
from tests.action.steps import Step, run_step
from tests.bot.support import GOOD_TASK, demo_files, task_files
from tests.fakegithub import FakeGitHub, IssueComment, PullRequest, Repo
from tests.integration.procs import comment_payload, pull_request_payload

ACTIONS_BOT = "github-actions[bot]"
WEAK_TASK = "dev/active/retries"


def pr_event(pr: PullRequest, action: str = "opened") -> dict[str, Any]:
    """GitHub's ``pull_request`` example for *pr*; a workflow's payload need not name an installation."""
    data = pull_request_payload(pr, action)
    del data["installation"]
    return data


def comment_event(repo: Repo, comment: IssueComment) -> dict[str, Any]:
    data = comment_payload(repo, comment)
    del data["installation"]
    return data


def later_comment(hub: FakeGitHub, repo: Repo, pr: PullRequest, body: str, login: str) -> IssueComment:
    """A comment written a few seconds after the review it answers (GitHub's ``created_at`` is
    whole seconds: one written within the review's own second cannot be bound to a head)."""
    comment = hub.add_comment(repo, pr.number, body, login=login)
    comment.created_at = hub.timestamp(datetime.now(UTC) + timedelta(seconds=3))
    return comment


def fallback_warnings(step: Step) -> list[str]:
    """The step's own ``::warning::`` lines (annotations of findings name a file)."""
    return [message for props, message in step.commands("warning") if "file" not in props]


def operations(hub: FakeGitHub) -> list[str]:
    return [f"{r.method} {r.operation_id}" for r in hub.requests]


REVIEW_REQUESTS = [
    "POST checks/create",          # in_progress at once
    "GET pulls/list-files",        # the changed docs (their patches rebuild them: no blob fetch)
    "GET repos/get-content",       # .github/devdocs-review.yml at the BASE commit (absent)
    "GET repos/get-content",       # the org's .github repository (absent)
    "GET issues/list-comments",    # the sticky comment, among github-actions[bot]'s
    "GET git/get-tree",            # head: every path, and the other task's docs for the exemplar
    "GET git/get-blob",
    "GET git/get-blob",
    "GET git/get-blob",
    "GET git/get-tree",            # base, for the delta
    "GET pulls/get",               # the head is still the reviewed one
]


def test_a_pull_request_gets_one_sticky_comment_and_one_check_run_per_push(
        hub: FakeGitHub, api: str, repo: Repo, tmp_path: Path) -> None:
    pr = hub.open_pull_request(repo, task_files(WEAK_TASK))
    token = hub.issue_workflow_token()

    first = run_step(tmp_path / "1", api_url=api, token=token, event="pull_request", payload=pr_event(pr),
                     DEVDOCS_SARIF_FILE="out/devdocs.sarif", DEVDOCS_HTML_REPORT="out/review.html")

    assert first.code == 1, first.stderr  # the weak task fails the gate
    assert operations(hub) == [*REVIEW_REQUESTS, "POST issues/create-comment", "PATCH checks/update"]
    assert {r.auth for r in hub.requests} == {"workflow"}  # the token as it is: no JWT, no token exchange
    assert all(r.status < 400 or r.operation_id == "repos/get-content" for r in hub.requests)
    [comment] = hub.comments_on(repo, pr.number)
    assert comment.login == ACTIONS_BOT and COMMENT_MARKER in comment.body
    [run] = hub.runs_for(repo, pr.head_sha)
    assert (run.name, run.app_slug, run.status, run.conclusion) == ("devdocs-review", "github-actions",
                                                                    "completed", "failure")
    assert run.annotations and all(a["path"].startswith(WEAK_TASK + "/") for a in run.annotations)
    assert run.details_url and run.details_url.endswith(f"#issuecomment-{comment.id}")
    outputs = first.outputs
    assert outputs["gate"] == "failed" and outputs["grade"] and int(outputs["score"]) < 80
    assert f"{outputs['grade']} ({outputs['score']}/100)" in comment.body
    assert outputs["sarif-file"] == "out/devdocs.sarif" and outputs["html-report"] == "out/review.html"
    sarif = json.loads((first.folder / "out/devdocs.sarif").read_text(encoding="utf-8"))
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} >= {"STR001", "SEC001"}
    page = (first.folder / "out/review.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "octo-org/docs#1" in page and "Hunter2" not in page
    # the job summary is the comment's review, and points at the HTML report
    assert f"{outputs['grade']} ({outputs['score']}/100)" in first.summary
    assert COMMENT_MARKER not in first.summary and "<!-- devdocs-review:state" not in first.summary
    assert "`review.html`" in first.summary and "https://github.com/octo-org/docs/actions/runs/4242#artifacts" \
        in first.summary
    assert first.commands("warning") == [] and first.commands("error") == []  # published: no fallback

    hub.reset_requests()
    hub.push(pr, {f"{WEAK_TASK}/retries-plan.md": "# Retries plan\n\n## Overview\n\nRetry payments.\n"})
    second = run_step(tmp_path / "2", api_url=api, token=token, event="pull_request",
                      payload=pr_event(pr, "synchronize"))

    assert second.code == 1
    assert operations(hub)[-2:] == ["PATCH issues/update-comment", "PATCH checks/update"]
    assert "POST issues/create-comment" not in operations(hub)
    [edited] = hub.comments_on(repo, pr.number)  # still one comment, edited in place
    assert (edited.id, edited.edits) == (comment.id, 1)
    assert "vs base" in edited.body or "since" in edited.body.lower()
    assert len(hub.runs_for(repo, pr.head_sha)) == 1


def test_a_fork_pull_request_is_reviewed_into_the_job_summary_and_annotations(
        hub: FakeGitHub, api: str, repo: Repo, tmp_path: Path) -> None:
    pr = hub.open_pull_request(repo, task_files(WEAK_TASK), fork="forker/docs")
    token = hub.issue_workflow_token(read_only=True)  # a fork's pull_request run

    step = run_step(tmp_path, api_url=api, token=token, event="pull_request", payload=pr_event(pr))

    assert step.code == 1, step.stderr  # the gate's code
    assert {r.method for r in hub.requests} == {"GET"}  # it knows the token cannot write: no doomed write
    assert hub.comments_on(repo, pr.number) == [] and hub.runs_for(repo, pr.head_sha) == []
    [warning] = fallback_warnings(step)
    assert "fork forker/docs" in warning and "job summary" in warning
    errors = step.commands("error")
    assert errors and all(props["file"].startswith(WEAK_TASK + "/") and int(props["line"]) >= 1
                          for props, _ in errors)
    assert any(props["title"].startswith("SEC001") for props, _ in errors)
    assert all("Hunter2" not in message for _, message in errors)
    assert "Not published on the pull request" in step.summary and "fork forker/docs" in step.summary
    assert f"{step.outputs['grade']} ({step.outputs['score']}/100)" in step.summary
    assert step.outputs["gate"] == "failed"


def test_a_token_that_may_not_write_falls_back_after_the_first_403(
        hub: FakeGitHub, api: str, repo: Repo, tmp_path: Path) -> None:
    pr = hub.open_pull_request(repo, demo_files(GOOD_TASK) | {f"{GOOD_TASK}/notes.md": "# Notes\n"})
    token = hub.issue_workflow_token(read_only=True)  # e.g. `permissions: read-all` in the workflow

    step = run_step(tmp_path, api_url=api, token=token, event="pull_request", payload=pr_event(pr))

    writes = [(r.method, r.operation_id, r.status) for r in hub.requests if r.method != "GET"]
    # each kind of write is tried once (a workflow may grant comments but not checks): after a
    # 403 the check run's progress and result, and the comment, are kept for the summary
    assert writes == [("POST", "checks/create", 403), ("POST", "issues/create-comment", 403)]
    [warning] = fallback_warnings(step)
    assert "comments and check runs not written" in warning
    assert "403 to POST /repos/octo-org/docs/check-runs (Resource not accessible by integration)" in warning
    assert step.code == 0 and step.outputs["gate"] == "passed"  # the good task passes
    assert "Not published on the pull request" in step.summary


def test_review_and_approve_from_issue_comment_events(hub: FakeGitHub, api: str, repo: Repo,
                                                      tmp_path: Path) -> None:
    pr = hub.open_pull_request(repo, task_files(WEAK_TASK))
    token = hub.issue_workflow_token()
    hub.set_permission(repo, "alice", "write")
    hub.set_permission(repo, "bob", "read")
    assert run_step(tmp_path / "pr", api_url=api, token=token, event="pull_request",
                    payload=pr_event(pr)).code == 1

    rerun = later_comment(hub, repo, pr, "/review", "bob")
    hub.reset_requests()
    step = run_step(tmp_path / "rerun", api_url=api, token=token, event="issue_comment",
                    payload=comment_event(repo, rerun))
    assert step.code == 1 and step.outputs["gate"] == "failed"
    assert "GET repos/get-collaborator-permission-level" not in operations(hub)  # anyone may re-run
    assert rerun.reactions == [(ACTIONS_BOT, "eyes")]
    assert len(hub.runs_for(repo, pr.head_sha)) == 2 and len(hub.comments_on(repo, pr.number)) == 2

    refused = later_comment(hub, repo, pr, "/review approve looks fine to me", "bob")
    step = run_step(tmp_path / "refused", api_url=api, token=token, event="issue_comment",
                    payload=comment_event(repo, refused))
    assert step.code == 0 and step.outputs["gate"] == "nothing-to-review"  # no review ran
    reply = hub.comments_on(repo, pr.number)[-1]
    assert reply.login == ACTIONS_BOT and reply.body.startswith("@bob Only people with write")
    assert len(hub.runs_for(repo, pr.head_sha)) == 2  # nothing re-reviewed, nothing approved

    approve = later_comment(hub, repo, pr, "/review approve reviewed in the planning meeting", "alice")
    hub.reset_requests()
    step = run_step(tmp_path / "approve", api_url=api, token=token, event="issue_comment",
                    payload=comment_event(repo, approve))
    assert step.code == 0, step.stderr + step.stdout
    assert step.outputs["gate"] == "passed" and int(step.outputs["score"]) < 80  # passed by the approval
    assert "GET repos/get-collaborator-permission-level" in operations(hub)
    latest = hub.runs_for(repo, pr.head_sha)[-1]
    assert latest.conclusion == "success"
    sticky = [c for c in hub.comments_on(repo, pr.number) if COMMENT_MARKER in c.body]
    assert len(sticky) == 1 and "reviewed in the planning meeting" in sticky[0].body
    assert "reviewed in the planning meeting" in step.summary


def test_mentions_and_references_in_a_doc_ping_nobody(hub: FakeGitHub, api: str, repo: Repo,
                                                      tmp_path: Path) -> None:
    files = task_files(WEAK_TASK)
    tasks = f"{WEAK_TASK}/retries-tasks.md"
    files[tasks] = bytes(files[tasks]) + b"\n## Phase 9: Hand-over\n\n- [ ] ask @alice to review #42\n"
    pr = hub.open_pull_request(repo, files, fork="forker/docs")
    step = run_step(tmp_path, api_url=api, token=hub.issue_workflow_token(read_only=True),
                    event="pull_request", payload=pr_event(pr))
    published = run_step(tmp_path / "write", api_url=api, token=hub.issue_workflow_token(),
                         event="pull_request_target", payload=pr_event(pr))

    assert published.code == 1 and "@alice" not in published.summary
    [comment] = hub.comments_on(repo, pr.number)
    [run] = hub.runs_for(repo, pr.head_sha)
    texts = {"summary": step.summary, "annotations": "\n".join(m for _, m in step.commands("error")),
             "comment": comment.body, "check run": json.dumps(run.output, ensure_ascii=False)}
    assert f"@{ZWJ}alice" in comment.body or f"@{ZWJ}alice" in json.dumps(run.annotations, ensure_ascii=False)
    for where, text in texts.items():
        assert "@alice" not in text and "#42" not in text, where
