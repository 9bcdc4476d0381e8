"""Fixtures for the GitHub-side tests: an App key pair, the fake GitHub, settings and an AppContext
whose githubkit adapter talks to the fake in-process (httpx.ASGITransport)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from bot.entry.settings import Settings
from bot.github.connect import github_for_installation
from bot.github.retry import RetryPolicy
from bot.review.context import AppContext, build_context
from tests.bot.support import GHES_URL, GOOD_TASK, AppKeys, Clock, Sleeps, demo_files, make_settings, new_app_keys
from tests.fakegithub import FakeGitHub, Repo, create_app


@pytest.fixture(scope="session")
def app_keys() -> AppKeys:
    return new_app_keys()


@pytest.fixture
def hub(app_keys: AppKeys) -> FakeGitHub:
    return FakeGitHub(app_public_key=app_keys.public_pem)


@pytest.fixture
def settings(app_keys: AppKeys, hub: FakeGitHub) -> Settings:
    return make_settings(app_keys, hub, GHES_URL)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def ctx(settings: Settings, hub: FakeGitHub, clock: Clock, sleeps: Sleeps) -> AppContext:
    factory = github_for_installation(
        settings,
        transport=httpx.ASGITransport(app=create_app(hub)),
        sleep=sleeps,
        policy=RetryPolicy(attempts=3),
    )
    return build_context(settings, github=factory, clock=clock)


@pytest.fixture
def demo_repo(hub: FakeGitHub) -> Repo:
    """octo/docs with the demo's good task on main (the bad one arrives in PRs)."""
    return hub.add_repo("octo", "docs", files=demo_files(GOOD_TASK))


@pytest.fixture(autouse=True)
def _github_accepted_every_request(request: pytest.FixtureRequest) -> Iterator[None]:
    """After each test that used the fake: no request was one GitHub would refuse as malformed
    or unauthenticated (test_fakegithub sends such requests on purpose)."""
    checked = "hub" in request.fixturenames and not request.module.__name__.endswith("test_fakegithub")
    hub: FakeGitHub | None = request.getfixturevalue("hub") if checked else None
    yield
    if hub is not None:
        refused = [
            (r.method, r.path, r.status)
            for r in hub.requests
            if r.status in (400, 401, 422) or r.operation_id is None
        ]
        assert refused == [], "requests GitHub would refuse"
