"""The values the GitHub port passes, and GitHub's own limits on them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

CheckStatus = Literal["queued", "in_progress", "completed"]
CheckConclusion = Literal[
    "action_required", "cancelled", "failure", "neutral", "success", "skipped", "timed_out"
]
AnnotationLevel = Literal["notice", "warning", "failure"]
ReactionContent = Literal["+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes"]
FileStatus = Literal["added", "removed", "modified", "renamed", "copied", "changed", "unchanged"]

MAX_COMMENT_CHARS = 65_536  # issue/PR comment body; GitHub answers 422 above it
MAX_CHECK_TEXT_CHARS = 65_535  # check-run output summary and text
MAX_ANNOTATIONS_PER_REQUEST = 50  # further annotations go in later PATCHes, which append

WRITE_ROLES = frozenset({"admin", "maintain", "write"})

# --- values ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RepoRef:
    owner: str
    name: str
    installation_id: int

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"


@dataclass(frozen=True, slots=True)
class PullRequestRef:
    repo: RepoRef
    number: int
    head_sha: str
    base_sha: str
    base_ref: str
    head_repo_full_name: str | None  # None when the fork was deleted
    draft: bool
    html_url: str
    state: str = "open"
    # When the App learnt that head_sha is the head: the receipt time (epoch s, the App's clock) of the
    # pull_request delivery that named it; None when the PR was read from the API (then: when read).
    announced_at: float | None = None

    @property
    def is_fork(self) -> bool:
        return self.head_repo_full_name != self.repo.full_name

    @property
    def repo_html_url(self) -> str:
        """``https://github.com/o/r`` (or the GHES host), derived from the PR's own URL."""
        return self.html_url.rsplit("/pull/", 1)[0]

    def blob_url(self, path: str, line: int | None = None) -> str:
        """A permalink at the reviewed head SHA: ``…/blob/<head_sha>/<path>#L<line>``."""
        anchor = f"#L{line}" if line else ""
        return f"{self.repo_html_url}/blob/{self.head_sha}/{path}{anchor}"

    @property
    def key(self) -> tuple[str, int]:
        return (self.repo.full_name, self.number)


@dataclass(frozen=True, slots=True)
class ChangedFile:
    path: str
    status: FileStatus | str
    blob_sha: str | None  # None for removed files
    previous_path: str | None = None
    patch: str | None = None  # the diff against the merge base; GitHub leaves it out for large or binary files


@dataclass(frozen=True, slots=True)
class TreeEntry:
    path: str
    mode: str
    type: str  # "blob", "tree" or "commit" (a submodule)
    sha: str
    size: int | None = None

    @property
    def is_symlink(self) -> bool:
        return self.mode == "120000"


@dataclass(frozen=True, slots=True)
class Tree:
    sha: str
    entries: tuple[TreeEntry, ...]
    truncated: bool = False


@dataclass(frozen=True, slots=True)
class Comment:
    id: int
    body: str
    author_login: str
    author_type: str
    html_url: str = ""
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CheckAnnotation:
    path: str
    start_line: int
    end_line: int
    annotation_level: AnnotationLevel
    message: str
    title: str | None = None
    raw_details: str | None = None


@dataclass(frozen=True, slots=True)
class CheckRunOutput:
    """``output`` of a check run; any number of annotations (the adapter sends 50 per request)."""

    title: str
    summary: str
    text: str | None = None
    annotations: tuple[CheckAnnotation, ...] = ()


@dataclass(frozen=True, slots=True)
class CheckRunRef:
    id: int
    name: str
    head_sha: str
    status: str
    conclusion: str | None = None
    html_url: str = ""
    app_slug: str | None = None
    started_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Permission:
    """A user's access to a repository (``permission``: admin/write/read/none; ``role_name``)."""

    permission: str
    role_name: str | None = None

    @property
    def can_write(self) -> bool:
        return self.permission in WRITE_ROLES or (self.role_name or "") in WRITE_ROLES


@dataclass(frozen=True, slots=True)
class AppInfo:
    id: int
    slug: str
    name: str = ""

    @property
    def bot_login(self) -> str:
        """The login the App's comments are authored by."""
        return f"{self.slug}[bot]"


# The app behind a workflow's GITHUB_TOKEN: its comments are by ``github-actions[bot]`` and its check
# runs name the app ``github-actions`` (the Action cannot ask ``GET /app``: that needs an App's JWT).
GITHUB_ACTIONS_APP = AppInfo(15368, "github-actions", "GitHub Actions")


@dataclass(frozen=True, slots=True)
class CheckRunUpdate:
    """A PATCH to a check run; ``None`` fields are left out of the request."""

    status: CheckStatus | None = None
    conclusion: CheckConclusion | None = None
    completed_at: datetime | None = None
    details_url: str | None = None
    output: CheckRunOutput | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class HookDelivery:
    """One attempt to deliver a webhook to the App (``GET /app/hook/deliveries``).

    A redelivery is a new attempt with a new ``id`` and the same ``guid`` (the
    ``X-GitHub-Delivery`` header our receiver saw).
    """

    id: int
    guid: str
    delivered_at: datetime
    redelivery: bool
    status: str  # "OK", "Invalid HTTP Response: 503", "failed to connect", "timed out", ...
    status_code: int  # our answer; 0 when GitHub got none
    event: str
    action: str | None = None
    installation_id: int | None = None
    repository_id: int | None = None

    @property
    def succeeded(self) -> bool:
        """Our receiver answered 2xx (GitHub's ``status`` text is informational: ``OK`` for 200)."""
        if self.status_code:
            return 200 <= self.status_code < 300
        return self.status.strip().upper() == "OK"


ListingStop = Literal["end", "since", "max_pages", "budget"]


@dataclass(frozen=True, slots=True)
class DeliveryListing:
    """The App's most recent deliveries, newest first, back to ``since`` or to a bound."""

    deliveries: tuple[HookDelivery, ...]
    pages: int
    stopped: ListingStop  # end: no more pages; since: reached older ones; or the bound that hit


def github_timestamp(moment: datetime) -> str:
    """GitHub's ISO 8601 form, ``YYYY-MM-DDTHH:MM:SSZ``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
