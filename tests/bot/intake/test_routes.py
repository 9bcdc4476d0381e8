"""Routing: which deliveries the App acts on, and the values it hands to the GitHub helpers."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from bot.github.values import PullRequestRef, RepoRef
from bot.intake.events import EventRouter, UnreadablePayloadError
from bot.intake.payloads import PullRequestEvent
from bot.intake.routes import coalesce_key, commit_of, dispatch, is_review_command, router, triage
from bot.jobs.queue import Delivery
from bot.review.syntax import CommentCommand
from tests.bot import websupport as ws

REPO = RepoRef(owner="Codertocat", name="Hello-World", installation_id=1)


RECEIVED_AT = 1_700_000_000.25  # the App's clock when the delivery arrived


async def run(event: str, payload: dict[str, Any]) -> list[tuple[str, Any, str | None]]:
    actions = ws.RecordingActions()
    delivery = Delivery(id="d-1", event=event, body=json.dumps(payload).encode(), received_at=RECEIVED_AT)
    ran = await dispatch(delivery, actions)
    assert ran == len(actions.calls)
    assert triage(event, payload).handled == bool(actions.calls)
    return actions.calls


@pytest.mark.parametrize("action", ["opened", "synchronize", "reopened", "ready_for_review"])
async def test_pull_request_changes_are_reviewed(action: str) -> None:
    data = ws.payload(f"pull_request.{action}")

    ((name, pr, reason),) = await run("pull_request", data)

    assert name == "review_pull_request"
    assert reason == f"pull_request.{action}"
    assert pr == PullRequestRef(
        repo=REPO,
        number=data["pull_request"]["number"],
        head_sha=data["pull_request"]["head"]["sha"],
        base_sha=data["pull_request"]["base"]["sha"],
        base_ref="master",
        head_repo_full_name="Codertocat/Hello-World",
        draft=False,
        html_url=data["pull_request"]["html_url"],
        state=data["pull_request"]["state"],
        announced_at=RECEIVED_AT,  # the head is known since the delivery naming it arrived
    )


async def test_a_fork_pull_request_keeps_its_head_repository() -> None:
    ((_, pr, _),) = await run("pull_request", ws.pull_request_from_fork())

    assert pr.head_repo_full_name == "forker/Hello-World"
    assert pr.is_fork


async def test_a_pull_request_whose_fork_was_deleted_is_still_reviewed() -> None:
    data = ws.payload("pull_request.synchronize")
    data["pull_request"]["head"]["repo"] = None

    ((_, pr, _),) = await run("pull_request", data)

    assert pr.head_repo_full_name is None


async def test_an_edit_that_changed_the_base_branch_is_reviewed() -> None:
    ((name, _, reason),) = await run("pull_request", ws.pull_request_edited(base_changed=True))

    assert (name, reason) == ("review_pull_request", "pull_request.edited")


async def test_an_edit_of_the_title_is_ignored() -> None:
    assert await run("pull_request", ws.pull_request_edited(base_changed=False)) == []


@pytest.mark.parametrize("action", ["closed", "labeled", "converted_to_draft"])
async def test_other_pull_request_actions_are_ignored(action: str) -> None:
    assert await run("pull_request", ws.payload(f"pull_request.{action}")) == []


async def test_a_delivery_without_an_installation_is_ignored() -> None:
    data = ws.payload("pull_request.opened")
    del data["installation"]

    assert await run("pull_request", data) == []


async def test_check_run_rerequested_reruns_for_its_head_sha_even_with_no_pull_request_listed() -> None:
    data = ws.payload("check_run.rerequested")
    assert data["check_run"]["pull_requests"] == []  # as on a fork PR

    ((name, (repo, sha), reason),) = await run("check_run", data)

    assert (name, reason) == ("rerun_for_sha", "check_run.rerequested")
    assert repo == RepoRef("github", "hello-world", 1)
    assert sha == data["check_run"]["head_sha"]


async def test_check_run_created_is_ignored() -> None:
    assert await run("check_run", ws.payload("check_run.created")) == []


async def test_check_suite_rerequested_reruns() -> None:
    data = ws.payload("check_suite.rerequested")

    ((name, (repo, sha), reason),) = await run("check_suite", data)

    assert (name, repo.installation_id, sha, reason) == (
        "rerun_for_sha", 957387, data["check_suite"]["head_sha"], "check_suite.rerequested"
    )


async def test_check_suite_requested_for_a_fork_push_reruns() -> None:
    data = ws.payload("check_suite.requested")
    assert data["check_suite"]["pull_requests"] == []

    ((name, _, reason),) = await run("check_suite", data)

    assert (name, reason) == ("rerun_for_sha", "check_suite.requested")


async def test_check_suite_requested_with_a_pull_request_is_left_to_the_pull_request_event() -> None:
    assert await run("check_suite", ws.check_suite_with_pull_request("requested")) == []


async def test_check_suite_completed_is_ignored() -> None:
    assert await run("check_suite", ws.payload("check_suite.completed")) == []


async def test_a_review_command_on_a_pull_request_is_handled() -> None:
    data = ws.comment_on_pull_request("/review approve docs are fine\nmore text", login="octo-maintainer")

    ((name, command, _),) = await run("issue_comment", data)

    assert name == "handle_comment"
    assert command == CommentCommand(
        repo=REPO,
        pr_number=data["issue"]["number"],
        comment_id=data["comment"]["id"],
        author="octo-maintainer",
        author_type="User",
        body="/review approve docs are fine\nmore text",
        created_at=dt.datetime(2019, 5, 15, 15, 20, 21, tzinfo=dt.UTC),  # the payload's comment.created_at
        received_at=RECEIVED_AT,
    )


@pytest.mark.parametrize(
    "data",
    [
        ws.comment_on_pull_request("/review", user_type="Bot", login="devdocs-review[bot]"),
        ws.comment_on_pull_request("/review", login="renovate[bot]"),
        ws.comment_on_pull_request("/review", action="edited"),
        ws.comment_on_pull_request("/review", action="deleted"),
        ws.comment_on_pull_request("Looks good to me"),
        ws.comment_on_pull_request("Please run\n/review"),
        ws.comment_on_issue("/review"),
    ],
    ids=["bot-type", "bot-login", "edited", "deleted", "not-a-command", "not-first-line", "on-an-issue"],
)
async def test_other_comments_are_ignored(data: dict[str, Any]) -> None:
    assert await run("issue_comment", data) == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("/review", True),
        ("  /review  ", True),
        ("/review help", True),
        ("\n/review explain CTX001", True),
        ("/reviewer", False),
        ("/Review", False),
        ("review", False),
        ("", False),
    ],
)
def test_review_command_is_recognised_on_the_first_line(body: str, expected: bool) -> None:
    assert is_review_command(body) is expected


@pytest.mark.parametrize("event", ["installation", "push", "issues", "pull_request_review"])
async def test_events_the_app_does_not_handle_are_ignored(event: str) -> None:
    assert await run(event, ws.payload("installation.created")) == []


def test_only_pull_request_deliveries_are_coalesced_per_pull_request() -> None:
    assert coalesce_key(PullRequestEvent.model_validate(ws.payload("pull_request.opened"))) == (
        "Codertocat/Hello-World#2"
    )
    synchronize = ws.payload("pull_request.synchronize")
    assert triage("pull_request", synchronize).coalesce_key == "Codertocat/Hello-World#2"
    assert triage("check_suite", ws.payload("check_suite.rerequested")).coalesce_key is None
    assert triage("issue_comment", ws.comment_on_pull_request("/review")).coalesce_key is None


def test_a_payload_missing_a_field_we_need_is_unreadable() -> None:
    data = ws.payload("pull_request.opened")
    del data["pull_request"]["head"]

    with pytest.raises(UnreadablePayloadError, match=r"pull_request\.head"):
        triage("pull_request", data)


def test_an_unknown_action_is_not_even_parsed() -> None:
    assert not triage("pull_request", {"action": "assigned"}).handled


async def test_routes_run_in_registration_order() -> None:
    order: list[str] = []
    ordered: EventRouter[list[str]] = EventRouter()

    for name in ("first", "second", "third"):
        @ordered.register("pull_request", "opened", model=PullRequestEvent)
        async def handler(log: list[str], event: PullRequestEvent, name: str = name) -> None:
            log.append(name)

    ran = await ordered.dispatch("pull_request", ws.payload("pull_request.opened"), order)

    assert (ran, order) == (3, ["first", "second", "third"])


def test_the_app_router_lists_its_routes_in_a_stable_order() -> None:
    assert [(r.event, sorted(r.actions)) for r in router.routes] == [
        ("pull_request", ["edited"]),
        ("pull_request", ["opened", "ready_for_review", "reopened", "synchronize"]),
        ("check_run", ["rerequested"]),
        ("check_suite", ["requested"]),
        ("check_suite", ["rerequested"]),
        ("issue_comment", ["created"]),
        ("devdocs.rerun", ["stuck_check"]),
    ]


def _delivery(event: str, payload: dict[str, Any] | bytes) -> Delivery:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return Delivery(id="d-1", event=event, body=body, received_at=0.0)


@pytest.mark.parametrize(
    ("event", "name", "sha"),
    [
        ("pull_request", "pull_request.opened", lambda d: d["pull_request"]["head"]["sha"]),
        ("check_run", "check_run.rerequested", lambda d: d["check_run"]["head_sha"]),
        ("check_suite", "check_suite.rerequested", lambda d: d["check_suite"]["head_sha"]),
    ],
)
def test_commit_of_names_the_commit_a_failed_job_was_about(event: str, name: str, sha: Any) -> None:
    data = ws.payload(name)

    repo = RepoRef(data["repository"]["owner"]["login"], data["repository"]["name"], data["installation"]["id"])

    assert commit_of(_delivery(event, data)) == (repo, sha(data))


def test_commit_of_is_none_without_a_commit_in_the_payload() -> None:
    command = ws.comment_on_pull_request("/review")

    assert commit_of(_delivery("issue_comment", command)) is None  # a command names only its PR
    assert commit_of(_delivery("pull_request", b"{not json")) is None
    assert commit_of(_delivery("pull_request", {"action": "opened"})) is None  # unreadable payload
