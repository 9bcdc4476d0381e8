"""Writes the workflow token may not make: kept instead of sent, so the review still completes.

A fork PR's ``GITHUB_TOKEN`` is read-only, and a workflow may grant too few permissions: GitHub
then answers 403 "Resource not accessible by integration" to creating a comment or a check run.
:class:`FallbackPort` wraps the real port; every read goes through, and once a kind of write
(comments, check runs, reactions) was refused with a 403 — or, for a fork PR under
``pull_request``, from the start — writes of that kind are recorded here instead, answered with
stand-ins (negative ids), and the Action reports the review in the job summary and as workflow
annotations. Any other failure is raised as usual.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal

from bot.github.errors import GitHubRequestError
from bot.github.port import GitHubPort
from bot.github.values import (
    AppInfo,
    ChangedFile,
    CheckRunOutput,
    CheckRunRef,
    CheckRunUpdate,
    CheckStatus,
    Comment,
    Permission,
    PullRequestRef,
    ReactionContent,
    RepoRef,
    Tree,
)

WriteKind = Literal["comments", "check runs", "reactions"]
FORBIDDEN = 403


@dataclass
class Fallback:
    """Which kinds of write are kept here rather than sent, why, and what they would have written."""

    held: dict[WriteKind, str] = field(default_factory=dict)  # kind -> why it is not sent
    comments: dict[int, Comment] = field(default_factory=dict)  # id -> the comment as we would have left it
    posted: list[str] = field(default_factory=list)  # bodies of the new comments kept, in order
    checks: dict[int, CheckRunOutput] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(-1, -1))

    @classmethod
    def read_only(cls, why: str) -> Fallback:
        return cls({"comments": why, "check runs": why, "reactions": why})

    @property
    def active(self) -> bool:
        return bool(self.held)

    def reason(self) -> str:
        """One line: what was not written and why."""
        whys = dict.fromkeys(self.held.values())
        kinds = [k for k in ("comments", "check runs", "reactions") if k in self.held]
        listed = ", ".join(kinds[:-1]) + " and " + kinds[-1] if len(kinds) > 1 else kinds[0]
        return f"{listed} not written: " + "; ".join(whys)

    def hold(self, kind: WriteKind, error: GitHubRequestError) -> None:
        self.held.setdefault(kind, f"GitHub answered {error.status} to {error.method} {error.path}"
                                   f"{_message(error)}")

    def next_id(self) -> int:
        return next(self._ids)


def _message(error: GitHubRequestError) -> str:
    text = str(error).split(": ", 1)
    return f" ({text[1]})" if len(text) == 2 else ""


class FallbackPort:
    """:class:`~bot.github.port.GitHubPort` over *inner*, keeping refused writes in *fallback*."""

    def __init__(self, inner: GitHubPort, fallback: Fallback, identity: AppInfo) -> None:
        self._inner = inner
        self._fallback = fallback
        self._login = identity.bot_login

    # -- reads ---------------------------------------------------------------------------------

    async def get_app(self) -> AppInfo:
        return await self._inner.get_app()

    async def get_pull_request(self, repo: RepoRef, number: int) -> PullRequestRef:
        return await self._inner.get_pull_request(repo, number)

    async def list_pull_request_files(self, repo: RepoRef, number: int) -> list[ChangedFile]:
        return await self._inner.list_pull_request_files(repo, number)

    async def list_pull_requests_for_commit(self, repo: RepoRef, sha: str) -> list[PullRequestRef]:
        return await self._inner.list_pull_requests_for_commit(repo, sha)

    async def get_tree(self, repo: RepoRef, sha: str, *, recursive: bool = True) -> Tree:
        return await self._inner.get_tree(repo, sha, recursive=recursive)

    async def get_blob(self, repo: RepoRef, blob_sha: str) -> bytes:
        return await self._inner.get_blob(repo, blob_sha)

    async def get_file(self, repo: RepoRef, path: str, *, ref: str | None = None) -> bytes | None:
        return await self._inner.get_file(repo, path, ref=ref)

    async def list_issue_comments(self, repo: RepoRef, number: int) -> list[Comment]:
        kept = self._fallback.comments
        listed = [kept.get(c.id, c) for c in await self._inner.list_issue_comments(repo, number)]
        return [*listed, *(c for c in kept.values() if c.id < 0)]

    async def get_issue_comment(self, repo: RepoRef, comment_id: int) -> Comment | None:
        if comment_id in self._fallback.comments:
            return self._fallback.comments[comment_id]
        if comment_id < 0:
            return None
        return await self._inner.get_issue_comment(repo, comment_id)

    async def list_check_runs(self, repo: RepoRef, ref: str, *,
                              check_name: str | None = None) -> list[CheckRunRef]:
        return await self._inner.list_check_runs(repo, ref, check_name=check_name)

    async def get_collaborator_permission(self, repo: RepoRef, username: str) -> Permission:
        return await self._inner.get_collaborator_permission(repo, username)

    async def get_check_run(self, repo: RepoRef, check_run_id: int) -> CheckRunRef | None:
        if check_run_id < 0:
            return None
        return await self._inner.get_check_run(repo, check_run_id)

    # -- writes --------------------------------------------------------------------------------

    async def create_issue_comment(self, repo: RepoRef, number: int, body: str) -> Comment:
        if "comments" not in self._fallback.held:
            try:
                return await self._inner.create_issue_comment(repo, number, body)
            except GitHubRequestError as error:
                self._refused("comments", error)
        comment = Comment(self._fallback.next_id(), body, self._login, "Bot")
        self._fallback.comments[comment.id] = comment
        self._fallback.posted.append(body)
        return comment

    async def update_issue_comment(self, repo: RepoRef, comment_id: int, body: str) -> Comment:
        if "comments" not in self._fallback.held and comment_id > 0:
            try:
                return await self._inner.update_issue_comment(repo, comment_id, body)
            except GitHubRequestError as error:
                self._refused("comments", error)
        kept = self._fallback.comments.get(comment_id) or Comment(comment_id, body, self._login, "Bot")
        self._fallback.comments[comment_id] = replace(kept, body=body)
        return self._fallback.comments[comment_id]

    async def add_reaction(self, repo: RepoRef, comment_id: int, content: ReactionContent) -> None:
        if "reactions" in self._fallback.held:
            return
        try:
            await self._inner.add_reaction(repo, comment_id, content)
        except GitHubRequestError as error:
            self._refused("reactions", error)

    async def create_check_run(self, repo: RepoRef, *, name: str, head_sha: str, status: CheckStatus,
                               started_at: datetime, output: CheckRunOutput,
                               external_id: str | None = None) -> CheckRunRef:
        if "check runs" not in self._fallback.held:
            try:
                return await self._inner.create_check_run(repo, name=name, head_sha=head_sha, status=status,
                                                          started_at=started_at, output=output,
                                                          external_id=external_id)
            except GitHubRequestError as error:
                self._refused("check runs", error)
        run_id = self._fallback.next_id()
        self._fallback.checks[run_id] = output
        return CheckRunRef(run_id, name, head_sha, status, started_at=started_at)

    async def update_check_run(self, repo: RepoRef, check_run_id: int, update: CheckRunUpdate) -> CheckRunRef:
        if "check runs" not in self._fallback.held and check_run_id > 0:
            try:
                return await self._inner.update_check_run(repo, check_run_id, update)
            except GitHubRequestError as error:
                self._refused("check runs", error)
        if update.output is not None:
            self._fallback.checks[check_run_id] = update.output
        return CheckRunRef(check_run_id, "", "", update.status or "in_progress", update.conclusion)

    def _refused(self, kind: WriteKind, error: GitHubRequestError) -> None:
        """Hold *kind* from now on if GitHub refused it for want of permission; else re-raise."""
        if error.status != FORBIDDEN:
            raise error
        self._fallback.hold(kind, error)
