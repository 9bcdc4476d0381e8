"""Lenient models of the few webhook fields the App reads.

GitHub adds fields and omits optional ones freely; githubkit's strict generated models reject real
payloads. These models ignore everything they do not name and default what GitHub may leave out,
so only a field the App truly needs can make a payload unreadable.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Account(_Model):
    login: str
    type: str = "User"  # "User", "Bot", "Organization"

    @property
    def is_bot(self) -> bool:
        return self.type == "Bot" or self.login.endswith("[bot]")


class Repository(_Model):
    name: str
    full_name: str
    owner: Account


class Installation(_Model):
    id: int


class BranchRef(_Model):
    ref: str
    sha: str
    repo: Repository | None = None  # null when a fork was deleted


class PullRequest(_Model):
    number: int
    html_url: str = ""
    state: str = "open"
    draft: bool = False
    head: BranchRef
    base: BranchRef


class Changes(_Model):
    base: dict[str, Any] | None = None  # present on pull_request.edited when the base branch changed


class PullRequestEvent(_Model):
    action: str
    pull_request: PullRequest
    repository: Repository
    installation: Installation | None = None
    changes: Changes | None = None


class IssuePullRequestLink(_Model):
    url: str | None = None  # the mere presence of issue.pull_request marks a PR


class Issue(_Model):
    number: int
    pull_request: IssuePullRequestLink | None = None


class Comment(_Model):
    id: int
    body: str = ""
    user: Account
    created_at: str | None = None  # when it was written (an approval binds to the head then)


class IssueCommentEvent(_Model):
    action: str
    issue: Issue
    comment: Comment
    repository: Repository
    installation: Installation | None = None


class PullRequestMini(_Model):
    """An entry of check_run/check_suite ``pull_requests`` (empty for PRs from forks)."""

    number: int


class CheckRun(_Model):
    id: int
    name: str = ""
    head_sha: str
    pull_requests: list[PullRequestMini] = Field(default_factory=list)


class CheckRunEvent(_Model):
    action: str
    check_run: CheckRun
    repository: Repository
    installation: Installation | None = None


class CheckSuite(_Model):
    id: int
    head_sha: str
    head_branch: str | None = None
    pull_requests: list[PullRequestMini] = Field(default_factory=list)


class CheckSuiteEvent(_Model):
    action: str
    check_suite: CheckSuite
    repository: Repository
    installation: Installation | None = None


class InstallationEvent(_Model):
    action: str
    installation: Installation


RERUN_EVENT = "devdocs.rerun"  # not GitHub's: the receiver's event-name check refuses the dot
RERUN_ACTION = "stuck_check"


class StuckCheckRerun(_Model):
    """A ``devdocs.rerun`` delivery: recovery (``bot/recovery/``) found check run ``check_run``
    of ``pull_request`` left open by a lost review, and queued this to finish it."""

    action: str
    check_run: CheckRun
    pull_request: PullRequestMini
    repository: Repository
    installation: Installation
