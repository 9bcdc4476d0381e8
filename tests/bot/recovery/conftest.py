"""Fixtures for the recovery tests: the fake GitHub in-process behind both githubkit ports (the
App's JWT and the installations' tokens), a settable clock, a memory queue and recovery store.

Every request the App sends must be one GitHub accepts (the fake validates it against the OpenAPI
description); a test fails otherwise."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from bot.entry.settings import Settings
from bot.github.connect import github_for_app, github_for_installation
from bot.github.retry import RetryPolicy
from bot.jobs.memory import MemoryQueue
from bot.recovery.store.memory import MemoryRecoveryStore
from bot.review.context import AppContext, build_context
from tests.bot.support import GHES_URL, GOOD_TASK, AppKeys, Clock, Sleeps, demo_files, make_settings, new_app_keys
from tests.fakegithub import FakeGitHub, Repo, create_app


@pytest.fixture(scope="session")
def app_keys() -> AppKeys:
    return new_app_keys()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def hub(app_keys: AppKeys, clock: Clock) -> FakeGitHub:
    fake = FakeGitHub(app_public_key=app_keys.public_pem)
    fake.delivery_clock = clock
    return fake


@pytest.fixture
def settings(app_keys: AppKeys, hub: FakeGitHub) -> Settings:
    return make_settings(app_keys, hub, GHES_URL)


@pytest.fixture
def ctx(settings: Settings, hub: FakeGitHub, clock: Clock) -> AppContext:
    transport = httpx.ASGITransport(app=create_app(hub))
    options = {"transport": transport, "sleep": Sleeps(), "policy": RetryPolicy(attempts=3)}
    context = build_context(settings, github=github_for_installation(settings, **options), clock=clock,
                            github_app=github_for_app(settings, **options))
    context.check_registry = MemoryRecoveryStore(clock=lambda: clock().timestamp())
    return context


@pytest.fixture
def queue() -> MemoryQueue:
    return MemoryQueue()


@pytest.fixture
def demo_repo(hub: FakeGitHub) -> Repo:
    return hub.add_repo("octo", "docs", files=demo_files(GOOD_TASK))


@pytest.fixture(autouse=True)
def _github_accepted_every_request(request: pytest.FixtureRequest) -> Iterator[None]:
    hub: FakeGitHub | None = request.getfixturevalue("hub") if "hub" in request.fixturenames else None
    yield
    if hub is not None:
        refused = [(r.method, r.path, r.status) for r in hub.requests
                   if r.status in (400, 401, 403, 422) or r.operation_id is None]
        assert refused == [], "requests GitHub would refuse"
