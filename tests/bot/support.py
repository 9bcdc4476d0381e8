"""Helpers for the GitHub-side tests: App keys, a settable clock, recorded sleeps, demo docs and
refs built from the fake's state. The fixtures are in ``conftest.py`` next to this file."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.entry.settings import Settings
from bot.github.values import PullRequestRef, RepoRef
from tests.fakegithub import FakeGitHub, PullRequest, Repo

DEMO = Path(__file__).parents[2] / "examples" / "demo-repo"
GOOD_TASK = "dev/active/search-indexing"
BAD_TASK = "dev/active/payment-retries"
GHES_URL = "https://ghe.example.com/api/v3"
START = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class AppKeys:
    private_pem: str
    public_pem: str


def new_app_keys() -> AppKeys:
    """A fresh RSA key pair for the App (PKCS#8 private key)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    return AppKeys(private, public)


@dataclass
class Clock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class Sleeps:
    """Records the adapter's back-off sleeps instead of sleeping."""

    calls: list[float] = field(default_factory=list)

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def make_settings(app_keys: AppKeys, hub: FakeGitHub, url: str) -> Settings:
    return Settings.model_validate(
        {
            "app_id": hub.app_id,
            "private_key": app_keys.private_pem,
            "webhook_secret": "It's a Secret to Everybody",
            "github_api_url": url,
        }
    )


def demo_files(*tasks: str) -> dict[str, bytes | str]:
    """Files of the demo repository, keeping only the given task folders (default: all)."""
    files: dict[str, bytes | str] = {}
    for path in DEMO.rglob("*"):
        relative = path.relative_to(DEMO).as_posix()
        if path.is_file() and (not tasks or not relative.startswith("dev/") or relative.startswith(tasks)):
            files[relative] = path.read_bytes()
    return files


def task_files(task: str, source: str = BAD_TASK) -> dict[str, bytes | str]:
    """The demo task *source* copied to *task*: files renamed after the new folder, and the links
    between them too (as a rename would leave them; the copy is as good as its source)."""
    old_name, new_name = source.rsplit("/", 1)[1], task.rsplit("/", 1)[1]
    return {
        path.replace(source, task).replace(old_name, new_name): _renamed(data, old_name, new_name)
        for path, data in demo_files(source).items()
        if path.startswith(source + "/")
    }


def _renamed(data: bytes | str, old: str, new: str) -> bytes | str:
    """*data* with the task's file names (``<old>-plan.md``…) given the new task's name."""
    for role in ("plan", "context", "tasks"):
        before, after = f"{old}-{role}.md", f"{new}-{role}.md"
        data = data.replace(before.encode(), after.encode()) if isinstance(data, bytes) else data.replace(before, after)
    return data


def ref(pr: PullRequest) -> PullRequestRef:
    repo = pr.repo
    return PullRequestRef(
        RepoRef(repo.owner, repo.name, repo.installation_id),
        pr.number,
        pr.head_sha,
        pr.base_sha,
        pr.base_ref,
        pr.head_repo,
        pr.draft,
        pr.html_url,
    )


def repo_ref(repo: Repo) -> RepoRef:
    return RepoRef(repo.owner, repo.name, repo.installation_id)
