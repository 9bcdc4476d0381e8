"""``bot.action.run.main``: what each event leads to, the exit codes, and the one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.action.test_action_e2e import comment_event, later_comment, pr_event
from tests.bot.action.conftest import InProcess
from tests.bot.support import GOOD_TASK, task_files
from tests.fakegithub import FakeGitHub, Repo


@pytest.mark.parametrize("environ, reason", [
    ({"GITHUB_TOKEN": ""}, "GITHUB_TOKEN is not set (pass `github-token`"),
    ({"GITHUB_EVENT_NAME": "", "GITHUB_EVENT_PATH": ""},
     "GITHUB_EVENT_NAME, GITHUB_EVENT_PATH are not set (is this running in a GitHub Actions step?)"),
    ({"GITHUB_REPOSITORY": "just-a-name"}, "GITHUB_REPOSITORY must be owner/name, got 'just-a-name'"),
    ({"GITHUB_API_URL": "ftp://example.com"}, "GITHUB_API_URL must be an http(s) URL, got 'ftp://example.com'"),
])
def test_a_missing_or_malformed_variable_is_a_one_line_error(action: InProcess, environ: dict[str, str],
                                                             reason: str) -> None:
    step = action.run("pull_request", {}, environ=environ)

    assert step.code == 2
    assert step.stderr.startswith(f"devdocs-review: error: {reason}") and step.stderr.count("\n") == 1
    assert step.stdout.startswith("::error title=devdocs-review::") and step.stdout.count("\n") == 1
    assert step.outputs == {} and step.summary == ""


def test_an_unreadable_or_invalid_event_payload_is_a_one_line_error(action: InProcess, tmp_path: Path) -> None:
    missing = action.run("pull_request", {}, environ={"GITHUB_EVENT_PATH": str(tmp_path / "nope.json")})
    broken = action.run("pull_request", "{not json")
    wrong = action.run("pull_request", {"action": "opened", "pull_request": {"number": 1}})

    assert missing.code == broken.code == wrong.code == 2
    assert f"cannot read the event payload {tmp_path / 'nope.json'}: No such file or directory" in missing.stderr
    assert "is not valid JSON" in broken.stderr
    assert "the pull_request event payload is unreadable: pull_request.head: Field required" in wrong.stderr


@pytest.mark.parametrize("event", ["push", "schedule", "workflow_dispatch"])
def test_an_event_that_is_not_about_a_pull_request_is_a_usage_error(action: InProcess, event: str) -> None:
    step = action.run(event, {"ref": "refs/heads/main"})

    assert step.code == 2
    assert f"the '{event}' event is not about a pull request; run the action on pull_request" in step.stderr


def test_a_pull_request_event_the_app_ignores_is_nothing_to_do(action: InProcess, hub: FakeGitHub,
                                                               repo: Repo) -> None:
    pr = hub.open_pull_request(repo, task_files("dev/active/retries"))

    step = action.run("pull_request", pr_event(pr, "labeled"))

    assert step.code == 0 and hub.requests == []
    assert step.outputs == {"score": "", "grade": "", "gate": "nothing-to-review", "sarif-file": "",
                            "html-report": ""}
    assert "pull\\_request.labeled does not change what is reviewed" in step.summary


def test_a_pull_request_without_planning_docs_passes_with_nothing_to_review(action: InProcess, hub: FakeGitHub,
                                                                           repo: Repo) -> None:
    pr = hub.open_pull_request(repo, {"src/app.py": "print('hi')\n"})

    step = action.run("pull_request", pr_event(pr), sarif_file="r.sarif")

    assert step.code == 0 and step.outputs["gate"] == "nothing-to-review" and step.outputs["sarif-file"] == ""
    [run] = hub.runs_for(repo, pr.head_sha)
    assert (run.conclusion, run.output["title"]) == ("success", "No planning docs changed")
    assert hub.comments_on(repo, pr.number) == []  # no earlier review to correct: no comment
    assert "changes no planning docs" in step.summary


def test_an_invalid_config_on_the_base_branch_exits_2_and_says_why(action: InProcess, hub: FakeGitHub,
                                                                  repo: Repo) -> None:
    repo.commit({".github/devdocs-review.yml": "gate:\n  min_score: true\n"}, branch="main")
    pr = hub.open_pull_request(repo, task_files("dev/active/retries"))

    step = action.run("pull_request", pr_event(pr))

    assert step.code == 2 and step.outputs["gate"] == "failed"
    assert "devdocs-review: error: invalid config: gate.min_score: Input should be a valid integer" in step.stderr
    [run] = hub.runs_for(repo, pr.head_sha)
    assert run.conclusion == "action_required"
    assert "configuration error" in step.summary


def test_a_draft_that_fails_the_gate_is_reported_but_not_blocked(action: InProcess, hub: FakeGitHub,
                                                                  repo: Repo) -> None:
    pr = hub.open_pull_request(repo, task_files("dev/active/retries"), draft=True)

    step = action.run("pull_request", pr_event(pr))

    assert step.code == 0 and step.outputs["gate"] == "failed"  # as the App: drafts never block
    assert hub.runs_for(repo, pr.head_sha)[0].conclusion == "neutral"


@pytest.mark.parametrize("body, answer", [
    ("/review help", "**devdocs-review commands**"),
    ("/review explain CTX002", "### CTX002"),
    ("/review frobnicate", "frobnicate"),
])
def test_commands_that_answer_in_a_reply(action: InProcess, hub: FakeGitHub, repo: Repo, body: str,
                                         answer: str) -> None:
    pr = hub.open_pull_request(repo, task_files("dev/active/retries"))
    comment = later_comment(hub, repo, pr, body, "carol")

    step = action.run("issue_comment", comment_event(repo, comment))

    assert step.code == 0 and step.outputs["gate"] == "nothing-to-review"
    reply = hub.comments_on(repo, pr.number)[-1]
    assert reply.login == "github-actions[bot]" and reply.body.startswith("@carol ") and answer in reply.body
    assert hub.runs_for(repo, pr.head_sha) == []  # nothing reviewed


def test_a_comment_that_is_no_command_or_is_by_a_bot_is_nothing_to_do(action: InProcess, hub: FakeGitHub,
                                                                       repo: Repo) -> None:
    pr = hub.open_pull_request(repo, task_files("dev/active/retries"))
    chat = comment_event(repo, later_comment(hub, repo, pr, "LGTM", "carol"))
    by_bot = comment_event(repo, later_comment(hub, repo, pr, "/review", "dependabot[bot]"))
    by_bot["comment"]["user"]["type"] = "Bot"
    on_issue = comment_event(repo, later_comment(hub, repo, pr, "/review", "carol"))
    del on_issue["issue"]["pull_request"]

    steps = [action.run("issue_comment", payload) for payload in (chat, by_bot, on_issue)]

    assert [s.code for s in steps] == [0, 0, 0] and hub.requests == []
    assert "not a /review command" in steps[0].summary
    assert "by a bot" in steps[1].summary
    assert "on an issue, not a pull request" in steps[2].summary


def test_the_token_never_reaches_an_output_even_when_github_fails(action: InProcess, hub: FakeGitHub,
                                                                  repo: Repo) -> None:
    pr = hub.open_pull_request(repo, task_files(GOOD_TASK.replace("search", "other")))
    token = hub.issue_workflow_token()
    hub.fail(403, operation_id="pulls/list-files", body={"message": f"the token {token} may not read this"})

    step = action.run("pull_request", pr_event(pr), token=token)

    assert step.code == 2 and "the review failed: GitHub answered 403 to GET" in step.stderr
    everything = step.stdout + step.stderr + step.summary + json.dumps(step.outputs)
    assert token not in everything and "****" in step.stderr
    [run] = hub.runs_for(repo, pr.head_sha)
    assert run.conclusion == "failure"  # the check run never stays in progress
    assert token not in json.dumps(run.output)


def test_the_sticky_comment_is_the_workflow_bots_own(action: InProcess, hub: FakeGitHub, repo: Repo) -> None:
    pr = hub.open_pull_request(repo, task_files("dev/active/retries"))
    marker = "<!-- devdocs-review:sticky -->\n## 📋 devdocs-review: A+ (100/100)\n"
    apps = hub.add_comment(repo, pr.number, marker, login="devdocs-review[bot]", user_type="Bot")
    forged = hub.add_comment(repo, pr.number, marker, login="mallory")

    first = action.run("pull_request", pr_event(pr))
    second = action.run("pull_request", pr_event(pr, "synchronize"))

    assert first.code == second.code == 1
    ours = [c for c in hub.comments_on(repo, pr.number) if c.login == "github-actions[bot]"]
    assert len(ours) == 1 and ours[0].edits <= 1  # created once, then edited (or left as it was)
    assert (apps.body, apps.edits, forged.body, forged.edits) == (marker, 0, marker, 0)
    assert hub.count("apps/get-authenticated") == 0  # the identity is given: GET /app needs an App's JWT
