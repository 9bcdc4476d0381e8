"""In-memory GitHub: repositories with commits (content-addressed blobs and trees), pull requests,
issue comments with reactions, check runs, collaborators, the App and its installation tokens, and
the workflow tokens of GitHub Actions (``issue_workflow_token``: the ``github-actions`` app's, read-only
like a fork PR's ``GITHUB_TOKEN`` if asked).

Test code builds state with the helpers here and reads it back after a review; the server in
``server.py`` serves it over GitHub's REST routes.
"""

from __future__ import annotations

import hashlib
import itertools
import secrets
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

BOT_TYPE = "Bot"
USER_TYPE = "User"
ACTIONS_SLUG = "github-actions"  # the app a workflow's GITHUB_TOKEN belongs to
FILE_MODE = "100644"
SYMLINK_MODE = "120000"


def blob_sha(data: bytes) -> str:
    """Git's blob id: ``sha1("blob <len>\\0" + data)``."""
    return hashlib.sha1(b"blob %d\x00" % len(data) + data).hexdigest()


def _digest(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(map(str, parts)).encode()).hexdigest()


def _bytes(value: bytes | str) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8")


@dataclass
class Commit:
    sha: str
    files: dict[str, str]  # path -> blob sha
    modes: dict[str, str]  # path -> git mode (regular files omitted)
    parent: str | None = None


@dataclass
class PullRequest:
    repo: Repo
    number: int
    head_sha: str
    head_ref: str
    base_ref: str
    base_sha: str
    merge_base_sha: str
    head_repo: str | None
    draft: bool = False
    state: str = "open"
    title: str = "Update planning docs"
    author: str = "octocat"

    @property
    def html_url(self) -> str:
        return f"https://github.com/{self.repo.full_name}/pull/{self.number}"


@dataclass
class IssueComment:
    id: int
    repo: str
    issue_number: int
    body: str
    login: str
    user_type: str
    created_at: str
    updated_at: str
    edits: int = 0
    reactions: list[tuple[str, str]] = field(default_factory=list)  # (login, content)


@dataclass
class CheckRun:
    id: int
    repo: str
    name: str
    head_sha: str
    status: str
    conclusion: str | None
    started_at: str | None
    completed_at: str | None
    output: dict[str, Any]
    annotations: list[dict[str, Any]]
    details_url: str | None
    external_id: str | None
    app_slug: str
    requests: list[dict[str, Any]] = field(default_factory=list)  # every body sent for this run


@dataclass
class Repo:
    owner: str
    name: str
    installation_id: int
    hub: FakeGitHub
    default_branch: str = "main"
    private: bool = False
    commits: dict[str, Commit] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)
    pulls: dict[int, PullRequest] = field(default_factory=dict)
    collaborators: dict[str, str] = field(default_factory=dict)  # login -> role name

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def commit(
        self,
        files: dict[str, bytes | str] | None = None,
        *,
        parent: str | None = None,
        branch: str | None = None,
        remove: tuple[str, ...] = (),
        symlinks: dict[str, str] | None = None,
    ) -> str:
        """A new commit: *parent*'s files (default: the branch head), updated; returns its SHA."""
        if parent is None and branch is not None:
            parent = self.branches.get(branch)
        base = self.commits[parent] if parent else Commit("", {}, {})
        tree = dict(base.files)
        modes = dict(base.modes)
        for path in remove:
            tree.pop(path, None)
            modes.pop(path, None)
        for path, content in (files or {}).items():
            tree[path] = self.hub.store_blob(_bytes(content))
            modes.pop(path, None)
        for path, target in (symlinks or {}).items():
            tree[path] = self.hub.store_blob(target.encode())
            modes[path] = SYMLINK_MODE
        sha = _digest("commit", parent, sorted(tree.items()), sorted(modes.items()), next(self.hub.ids))
        self.commits[sha] = Commit(sha, tree, modes, parent)
        if branch is not None:
            self.branches[branch] = sha
        return sha

    def file_at(self, sha: str, path: str) -> bytes | None:
        blob = self.commits[sha].files.get(path)
        return None if blob is None else self.hub.blobs[blob]


@dataclass
class Fault:
    """An injected failure for the next *times* matching requests."""

    status: int
    operation_id: str | None = None
    method: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    times: int = 1
    delay: float = 0.0  # seconds to wait before answering (a timeout test sets it high)

    def matches(self, method: str, operation_id: str | None) -> bool:
        return (self.operation_id is None or self.operation_id == operation_id) and (
            self.method is None or self.method.upper() == method.upper()
        )


@dataclass(frozen=True)
class WorkflowToken:
    """A workflow's ``GITHUB_TOKEN``: acts as the ``github-actions`` app on one installation's
    repositories; a read-only one (a fork PR's) gets 403 for every write."""

    installation_id: int
    read_only: bool = False


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    operation_id: str | None
    query: dict[str, str]
    body: Any
    status: int
    auth: str | None  # "jwt", "installation", "workflow" or None


class FakeGitHub:
    """The whole fake: build state, serve it (``server.create_app``), inspect requests."""

    def __init__(
        self, *, app_id: int = 4242, app_slug: str = "devdocs-review", app_public_key: str | None = None
    ) -> None:
        self.app_id = app_id
        self.app_slug = app_slug
        self.app_public_key = app_public_key  # PEM; when None any well-formed JWT is accepted
        self.repos: dict[str, Repo] = {}
        self.blobs: dict[str, bytes] = {}
        self.comments: dict[int, IssueComment] = {}
        self.check_runs: dict[int, CheckRun] = {}
        self.tokens: dict[str, tuple[int, datetime]] = {}
        self.workflow_tokens: dict[str, WorkflowToken] = {}
        self.installations: set[int] = set()
        self.requests: list[Recorded] = []
        self.faults: list[Fault] = []
        self.deliveries: list[dict[str, Any]] = []  # the App's webhook delivery attempts
        self.redelivered: list[int] = []  # ids named by POST /app/hook/deliveries/{id}/attempts
        # status code of the attempt a redelivery makes (a test may deliver it to the App here)
        self.on_redeliver: Callable[[dict[str, Any]], int] | None = None
        self.delivery_clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        self.tree_entry_limit: int | None = None  # recursive trees beyond it come back truncated
        self.token_ttl = timedelta(hours=1)
        self.ids = itertools.count(1000)
        self.lock = threading.RLock()

    @property
    def bot_login(self) -> str:
        return f"{self.app_slug}[bot]"

    # -- building state ----------------------------------------------------------------------

    def add_repo(
        self,
        owner: str,
        name: str,
        *,
        installation_id: int = 1,
        default_branch: str = "main",
        files: dict[str, bytes | str] | None = None,
        private: bool = False,
    ) -> Repo:
        repo = Repo(owner, name, installation_id, self, default_branch, private)
        self.repos[repo.full_name] = repo
        self.installations.add(installation_id)
        repo.commit(files or {"README.md": "# repo\n"}, branch=default_branch)
        return repo

    def store_blob(self, data: bytes) -> str:
        sha = blob_sha(data)
        self.blobs[sha] = data
        return sha

    def open_pull_request(
        self,
        repo: Repo,
        files: dict[str, bytes | str],
        *,
        remove: tuple[str, ...] = (),
        base: str | None = None,
        head_ref: str = "feature",
        fork: str | None = None,
        draft: bool = False,
        number: int | None = None,
    ) -> PullRequest:
        base_ref = base or repo.default_branch
        base_sha = repo.branches[base_ref]
        head_sha = repo.commit(files, parent=base_sha, remove=remove)
        number = number or (max(repo.pulls, default=0) + 1)
        pr = PullRequest(
            repo, number, head_sha, head_ref, base_ref, base_sha, base_sha, fork or repo.full_name, draft
        )
        repo.pulls[number] = pr
        return pr

    def push(self, pr: PullRequest, files: dict[str, bytes | str], *, remove: tuple[str, ...] = ()) -> str:
        """A new commit on the PR's head branch; returns the new head SHA."""
        pr.head_sha = pr.repo.commit(files, parent=pr.head_sha, remove=remove)
        return pr.head_sha

    def add_comment(
        self, repo: Repo, number: int, body: str, *, login: str = "octocat", user_type: str = USER_TYPE
    ) -> IssueComment:
        now = self.timestamp()
        comment = IssueComment(next(self.ids), repo.full_name, number, body, login, user_type, now, now)
        self.comments[comment.id] = comment
        return comment

    def set_permission(self, repo: Repo, login: str, role: str) -> None:
        repo.collaborators[login] = role

    def fail(
        self,
        status: int,
        *,
        operation_id: str | None = None,
        method: str | None = None,
        headers: dict[str, str] | None = None,
        body: Any = None,
        times: int = 1,
        delay: float = 0.0,
    ) -> Fault:
        fault = Fault(status, operation_id, method, dict(headers or {}), body, times, delay)
        self.faults.append(fault)
        return fault

    def add_delivery(
        self,
        guid: str,
        event: str = "pull_request",
        action: str | None = "opened",
        *,
        status_code: int = 202,
        status: str | None = None,
        delivered_at: datetime | None = None,
        redelivery: bool = False,
        installation_id: int | None = 1,
        repository_id: int | None = None,
    ) -> dict[str, Any]:
        """Record one delivery attempt as ``GET /app/hook/deliveries`` lists it."""
        if status is None:
            status = (
                "OK" if 200 <= status_code < 300 else
                "failed to connect to host" if status_code == 0 else
                f"Invalid HTTP Response: {status_code}"
            )
        delivery = {
            "id": next(self.ids),
            "guid": guid,
            "delivered_at": self.timestamp(delivered_at or self.delivery_clock()),
            "redelivery": redelivery,
            "duration": 0.05,
            "status": status,
            "status_code": status_code,
            "event": event,
            "action": action,
            "installation_id": installation_id,
            "repository_id": repository_id,
            "throttled_at": None,
        }
        with self.lock:
            self.deliveries.append(delivery)
        return delivery

    def redeliver(self, delivery: dict[str, Any]) -> dict[str, Any]:
        """A new attempt of *delivery* (same guid), as GitHub makes after ``…/attempts``."""
        self.redelivered.append(int(delivery["id"]))
        status_code = self.on_redeliver(delivery) if self.on_redeliver is not None else 202
        return self.add_delivery(
            delivery["guid"], delivery["event"], delivery["action"], status_code=status_code,
            redelivery=True, installation_id=delivery["installation_id"],
            repository_id=delivery["repository_id"],
        )

    def issue_token(self, installation_id: int) -> tuple[str, datetime]:
        token = "ghs_" + secrets.token_hex(18)
        expires = datetime.now(UTC) + self.token_ttl
        self.tokens[token] = (installation_id, expires)
        return token, expires

    def issue_workflow_token(self, installation_id: int = 1, *, read_only: bool = False) -> str:
        """A ``GITHUB_TOKEN`` for a workflow run in the repositories of *installation_id*."""
        token = "ghs_" + secrets.token_hex(18)
        self.workflow_tokens[token] = WorkflowToken(installation_id, read_only)
        return token

    # -- reading state -----------------------------------------------------------------------

    def comments_on(self, repo: Repo, number: int) -> list[IssueComment]:
        return sorted(
            (c for c in self.comments.values() if c.repo == repo.full_name and c.issue_number == number),
            key=lambda c: c.id,
        )

    def bot_comments(self, repo: Repo, number: int) -> list[IssueComment]:
        return [c for c in self.comments_on(repo, number) if c.login == self.bot_login]

    def runs_for(self, repo: Repo, sha: str, name: str | None = None) -> list[CheckRun]:
        return sorted(
            (
                r
                for r in self.check_runs.values()
                if r.repo == repo.full_name and r.head_sha == sha and (name is None or r.name == name)
            ),
            key=lambda r: r.id,
        )

    def count(self, operation_id: str | None = None, *, method: str | None = None) -> int:
        return sum(
            1
            for r in self.requests
            if (operation_id is None or r.operation_id == operation_id)
            and (method is None or r.method == method)
        )

    def breakdown(self) -> Counter[str]:
        return Counter(f"{r.method} {r.operation_id or r.path}" for r in self.requests)

    def reset_requests(self) -> None:
        with self.lock:
            self.requests.clear()

    def sent_bodies(self) -> list[str]:
        """Every request body sent to the fake, as text (for secret-leak assertions)."""
        import json

        return [json.dumps(r.body) for r in self.requests if r.body is not None]

    @staticmethod
    def timestamp(moment: datetime | None = None) -> str:
        return (moment or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")

    # -- trees -------------------------------------------------------------------------------

    def resolve_tree(self, repo: Repo, ref: str) -> tuple[Commit, str] | None:
        """A commit SHA, branch name or (sub)tree SHA → (commit, folder prefix)."""
        if ref in repo.commits:
            return repo.commits[ref], ""
        if ref in repo.branches:
            return repo.commits[repo.branches[ref]], ""
        for commit in repo.commits.values():
            for folder in _folders(commit.files):
                if tree_sha(commit, folder) == ref:
                    return commit, folder
            if tree_sha(commit, "") == ref:
                return commit, ""
        return None


def tree_sha(commit: Commit, folder: str) -> str:
    prefix = f"{folder}/" if folder else ""
    inside = sorted((p, s) for p, s in commit.files.items() if p.startswith(prefix))
    return _digest("tree", folder, inside)


def _folders(files: dict[str, str]) -> set[str]:
    folders: set[str] = set()
    for path in files:
        parts = path.split("/")[:-1]
        folders.update("/".join(parts[:i]) for i in range(1, len(parts) + 1))
    return folders


def tree_entries(commit: Commit, folder: str, *, recursive: bool) -> list[dict[str, Any]]:
    """GitHub's ``tree`` array for *folder* of *commit* (paths relative to the folder)."""
    prefix = f"{folder}/" if folder else ""
    entries: dict[str, dict[str, Any]] = {}
    for path, sha in sorted(commit.files.items()):
        if not path.startswith(prefix):
            continue
        rest = path[len(prefix) :]
        parts = rest.split("/")
        depth = len(parts) if recursive else 1
        for i in range(1, min(len(parts), depth + 1)):
            sub = "/".join(parts[:i])
            entries.setdefault(
                sub, {"path": sub, "mode": "040000", "type": "tree", "sha": tree_sha(commit, prefix + sub)}
            )
        if recursive or len(parts) == 1:
            entries[rest] = {
                "path": rest,
                "mode": commit.modes.get(path, FILE_MODE),
                "type": "blob",
                "sha": sha,
                "size": None,
            }
    return [entries[k] for k in sorted(entries)]
