"""Fixtures and helpers for the GitHub-side tests: an App key pair, the fake GitHub, settings and
an AppContext whose githubkit adapter talks to the fake in-process (httpx.ASGITransport).

Test modules import the fixtures they use from here (not a conftest: tests/bot is shared with the
web side's tests, which have their own helpers in websupport.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.context import AppContext, build_context
from bot.github import PullRequestRef, RepoRef
from bot.githubkit_adapter import RetryPolicy, github_for_installation
from bot.settings import Settings
from tests.fakegithub import FakeGitHub, PullRequest, Repo, create_app

DEMO = Path(__file__).parents[2] / "examples" / "demo-repo"
GOOD_TASK = "dev/active/search-indexing"
BAD_TASK = "dev/active/payment-retries"
GHES_URL = "https://ghe.example.com/api/v3"
START = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class AppKeys:
    private_pem: str
    public_pem: str


@pytest.fixture(scope="session")
def app_keys() -> AppKeys:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
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


@pytest.fixture
def hub(app_keys: AppKeys) -> FakeGitHub:
    return FakeGitHub(app_public_key=app_keys.public_pem)


@pytest.fixture
def settings(app_keys: AppKeys, hub: FakeGitHub) -> Settings:
    return make_settings(app_keys, hub, GHES_URL)


def make_settings(app_keys: AppKeys, hub: FakeGitHub, url: str) -> Settings:
    return Settings.model_validate({"app_id": hub.app_id, "private_key": app_keys.private_pem,
                                    "webhook_secret": "It's a Secret to Everybody", "github_api_url": url})


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def ctx(settings: Settings, hub: FakeGitHub, clock: Clock, sleeps: Sleeps) -> AppContext:
    factory = github_for_installation(settings, transport=httpx.ASGITransport(app=create_app(hub)), sleep=sleeps,
                                      policy=RetryPolicy(attempts=3))
    return build_context(settings, github=factory, clock=clock)


def demo_files(*tasks: str) -> dict[str, bytes | str]:
    """Files of the demo repository, keeping only the given task folders (default: all)."""
    files: dict[str, bytes | str] = {}
    for path in DEMO.rglob("*"):
        relative = path.relative_to(DEMO).as_posix()
        if path.is_file() and (not tasks or not relative.startswith("dev/") or relative.startswith(tasks)):
            files[relative] = path.read_bytes()
    return files


def task_files(task: str, source: str = BAD_TASK) -> dict[str, bytes | str]:
    """The demo task *source* copied to *task* (files renamed after the new folder)."""
    old_name, new_name = source.rsplit("/", 1)[1], task.rsplit("/", 1)[1]
    return {path.replace(source, task).replace(old_name, new_name): data
            for path, data in demo_files(source).items() if path.startswith(source + "/")}


def ref(pr: PullRequest) -> PullRequestRef:
    repo = pr.repo
    return PullRequestRef(RepoRef(repo.owner, repo.name, repo.installation_id), pr.number, pr.head_sha,
                          pr.base_sha, pr.base_ref, pr.head_repo, pr.draft, pr.html_url)


def repo_ref(repo: Repo) -> RepoRef:
    return RepoRef(repo.owner, repo.name, repo.installation_id)


@pytest.fixture
def demo_repo(hub: FakeGitHub) -> Repo:
    """octo/docs with the demo's good task on main (the bad one arrives in PRs)."""
    return hub.add_repo("octo", "docs", files=demo_files(GOOD_TASK))

