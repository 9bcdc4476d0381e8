"""The event payload → what the Action does, read with the App's own payload models."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.action.env import ActionError, read_env
from bot.action.event import NothingToDo, ReviewPullRequest, RunCommand, target_of
from tests.bot import websupport as ws

ENV = {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": "/e.json", "GITHUB_REPOSITORY": "o/r",
       "GITHUB_TOKEN": "ghs_x"}


@pytest.mark.parametrize("action", ["opened", "synchronize", "reopened", "ready_for_review"])
def test_the_pull_request_actions_the_app_reviews(action: str) -> None:
    target = target_of("pull_request", ws.payload(f"pull_request.{action}"))

    assert isinstance(target, ReviewPullRequest)
    assert target.reason == f"pull_request.{action}" and not target.read_only
    assert (target.pr.repo.full_name, target.pr.repo.installation_id) == ("Codertocat/Hello-World", 0)
    assert target.pr.number == ws.payload(f"pull_request.{action}")["pull_request"]["number"]


def test_a_fork_is_read_only_under_pull_request_but_not_under_pull_request_target() -> None:
    fork = ws.pull_request_from_fork()

    plain, target = target_of("pull_request", fork), target_of("pull_request_target", fork)

    assert isinstance(plain, ReviewPullRequest) and plain.read_only and plain.pr.is_fork
    assert isinstance(target, ReviewPullRequest) and not target.read_only


def test_edited_is_reviewed_only_when_the_base_changed() -> None:
    assert isinstance(target_of("pull_request", ws.pull_request_edited(base_changed=True)), ReviewPullRequest)
    assert isinstance(target_of("pull_request", ws.pull_request_edited(base_changed=False)), NothingToDo)
    assert isinstance(target_of("pull_request", ws.payload("pull_request.closed")), NothingToDo)


def test_a_review_command_on_a_pull_request() -> None:
    payload = ws.comment_on_pull_request("/review approve checked with the team", login="alice")
    del payload["installation"]

    target = target_of("issue_comment", payload)

    assert isinstance(target, RunCommand)
    command = target.command
    assert (command.author, command.pr_number, command.body) == ("alice", payload["issue"]["number"],
                                                                 "/review approve checked with the team")
    assert command.created_at == datetime.fromisoformat(payload["comment"]["created_at"]).astimezone(UTC)
    assert command.received_at is None  # no delivery: the approval binds to created_at alone


@pytest.mark.parametrize("payload, why", [
    (ws.comment_on_pull_request("/review", action="edited"), "only new comments are commands"),
    (ws.comment_on_issue("/review"), "on an issue, not a pull request"),
    (ws.comment_on_pull_request("/review", login="renovate[bot]", user_type="Bot"), "by a bot"),
    (ws.comment_on_pull_request("please /review this"), "not a /review command"),
])
def test_comments_that_are_nothing_to_do(payload: dict[str, object], why: str) -> None:
    target = target_of("issue_comment", payload)

    assert isinstance(target, NothingToDo) and why in target.why


def test_other_events_and_unreadable_payloads_are_errors() -> None:
    with pytest.raises(ActionError, match="the 'push' event is not about a pull request"):
        target_of("push", {})
    with pytest.raises(ActionError, match="the issue_comment event payload is unreadable: comment: Field required"):
        target_of("issue_comment", {"action": "created", "issue": {"number": 1}, "repository": {}})


def test_inputs_come_from_the_environment_and_options_override_them() -> None:
    env = read_env({**ENV, "DEVDOCS_CHECK_NAME": "docs", "DEVDOCS_SARIF_FILE": "a.sarif",
                    "GITHUB_RUN_ID": "5", "GITHUB_SERVER_URL": "https://ghe.example.com/"})
    overridden = read_env({**ENV, "DEVDOCS_CHECK_NAME": "docs"}, check_name="other", sarif_file="b.sarif")

    assert (env.settings.check_name, str(env.sarif_file), env.html_report) == ("docs", "a.sarif", None)
    assert env.run_url == "https://ghe.example.com/o/r/actions/runs/5"
    assert env.settings.github_api_url == "https://api.github.com"
    assert (overridden.settings.check_name, str(overridden.sarif_file)) == ("other", "b.sarif")
    assert env.settings.private_key.get_secret_value() == "ghs_x"  # scrubbed from published errors
    with pytest.raises(ActionError, match="check-name is 101 characters long"):
        read_env(ENV, check_name="x" * 101)
