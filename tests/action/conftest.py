"""The fake GitHub served over HTTP on loopback for the Action's end-to-end tests, and the same
guard as tests/bot/: no request the step made is one GitHub would refuse as malformed or
unauthenticated."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.bot.conftest import _github_accepted_every_request
from tests.bot.support import GOOD_TASK, demo_files
from tests.fakegithub import FakeGitHub, Repo, serve_in_thread

__all__ = ["_github_accepted_every_request", "api", "hub", "repo"]


@pytest.fixture
def hub() -> FakeGitHub:
    return FakeGitHub()


@pytest.fixture
def api(hub: FakeGitHub) -> Iterator[str]:
    with serve_in_thread(hub) as url:
        yield url


@pytest.fixture
def repo(hub: FakeGitHub) -> Repo:
    """octo-org/docs with the demo's good task on main (weak ones arrive in pull requests)."""
    return hub.add_repo("octo-org", "docs", files=demo_files(GOOD_TASK))
