"""The workflow's event payload → what the Action does: review a pull request, act on a
``/review`` comment, or nothing (and why).

The payload is GitHub's webhook payload for the event, read through the App's own lenient models
(``bot/intake/payloads.py``) and turned into the same values (``bot/intake/routes.py``), so a
pull request or a command means exactly what it means to the App. A workflow payload may carry
no ``installation``: the workflow token needs none (installation id 0).

Only pull-request events are handled: ``pull_request`` and ``pull_request_target`` (opened,
synchronize, reopened, ready_for_review, and edited when the base branch changed, as in the App)
and ``issue_comment`` (created, on a pull request, by a human, first line ``/review …``). Any
other event is a usage error; an event of those kinds that the App would ignore (a label, a
comment that is no command) is "nothing to do".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from bot.action.env import ActionError
from bot.github.values import PullRequestRef
from bot.intake.payloads import Installation, IssueCommentEvent, PullRequestEvent
from bot.intake.routes import REVIEW_ACTIONS, comment_command, is_review_command, pull_request_ref
from bot.review.syntax import CommentCommand

PULL_REQUEST_EVENTS = ("pull_request", "pull_request_target")
COMMENT_EVENT = "issue_comment"
TOKEN_INSTALLATION = Installation(id=0)  # a workflow token belongs to no installation we know of
MAX_EVENT_BYTES = 25 * 1024 * 1024  # GitHub's own cap on a webhook payload
M = TypeVar("M", PullRequestEvent, IssueCommentEvent)


@dataclass(frozen=True, slots=True)
class ReviewPullRequest:
    pr: PullRequestRef
    reason: str  # shown in the check run: "pull_request.opened"
    read_only: bool  # a fork's PR under ``pull_request``: the token cannot write, so do not try


@dataclass(frozen=True, slots=True)
class RunCommand:
    command: CommentCommand


@dataclass(frozen=True, slots=True)
class NothingToDo:
    why: str


Target = ReviewPullRequest | RunCommand | NothingToDo


def load_event(path: Path) -> dict[str, Any]:
    """The event payload at ``GITHUB_EVENT_PATH``."""
    try:
        with path.open("rb") as file:
            data = file.read(MAX_EVENT_BYTES + 1)
    except OSError as error:
        raise ActionError(f"cannot read the event payload {path}: {error.strerror or error}") from None
    if len(data) > MAX_EVENT_BYTES:
        raise ActionError(f"the event payload {path} is larger than 25 MiB")
    try:
        payload = json.loads(data)
    except (ValueError, RecursionError):
        raise ActionError(f"the event payload {path} is not valid JSON") from None
    if not isinstance(payload, dict):
        raise ActionError(f"the event payload {path} is not a JSON object")
    return payload


def target_of(event_name: str, payload: dict[str, Any]) -> Target:
    """What to do for *event_name* with *payload*."""
    if event_name in PULL_REQUEST_EVENTS:
        return _pull_request(event_name, payload)
    if event_name == COMMENT_EVENT:
        return _comment(payload)
    raise ActionError(f"the {event_name!r} event is not about a pull request; run the action on "
                      "pull_request, pull_request_target or issue_comment")


def _pull_request(event_name: str, payload: dict[str, Any]) -> Target:
    event = _read(PullRequestEvent, payload, event_name)
    action = event.action
    base_changed = action == "edited" and event.changes is not None and event.changes.base is not None
    if action not in REVIEW_ACTIONS and not base_changed:
        return NothingToDo(f"{event_name}.{action} does not change what is reviewed")
    pr = pull_request_ref(event.model_copy(update={"installation": TOKEN_INSTALLATION}))
    return ReviewPullRequest(pr, f"{event_name}.{action}", read_only=event_name == "pull_request" and pr.is_fork)


def _comment(payload: dict[str, Any]) -> Target:
    event = _read(IssueCommentEvent, payload, COMMENT_EVENT)
    if event.action != "created":
        return NothingToDo(f"issue_comment.{event.action}: only new comments are commands")
    if event.issue.pull_request is None:
        return NothingToDo("the comment is on an issue, not a pull request")
    if event.comment.user.is_bot:
        return NothingToDo("the comment is by a bot")
    if not is_review_command(event.comment.body):
        return NothingToDo("the comment is not a /review command")
    return RunCommand(comment_command(event.model_copy(update={"installation": TOKEN_INSTALLATION})))


def _read(model: type[M], payload: dict[str, Any], event: str) -> M:
    try:
        return model.model_validate(payload)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "payload"
        raise ActionError(f"the {event} event payload is unreadable: {where}: {first['msg']}") from None
