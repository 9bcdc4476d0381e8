"""Faults survived, with real processes (issue 4): ``python -m bot serve --no-worker`` and
``python -m bot worker`` subprocesses, the fake GitHub on loopback, a redis-server of our own.

Each queue mode (SQLite file, Redis streams) gets one web process for the module; every test
opens its own pull request and starts (and kills) its own workers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fakegithub import PullRequest, Repo
from tests.integration.procs import (
    Fake,
    Processes,
    RedisServer,
    Web,
    app_env,
    pull_request_payload,
    serve_fake,
    wait_for,
    wait_started,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

REVIEWED = ("success", "failure")  # a real verdict: not neutral (superseded), not left open
LEASE_SECONDS = 5.0  # SQLite: a killed worker's job is claimed again after this
REDIS_IDLE_SECONDS = 2.0  # Redis: ... after this long without a heartbeat
SLOW_BLOBS = r"/git/blobs/"


@dataclass
class Stack:
    """One queue mode: its URL and the web process acknowledging into it."""

    mode: str
    queue_url: str
    web: Web
    fake: Fake
    repo: Repo

    def env(self, **settings: str | float) -> dict[str, str]:
        return app_env(self.fake, self.queue_url, **settings)

    def open_pr(self, task: str) -> PullRequest:
        return self.fake.open_pr(self.repo, f"{task}-{self.mode}")


@pytest.fixture(scope="module")
def fake() -> Iterator[Fake]:
    with serve_fake() as running:
        yield running


@pytest.fixture(autouse=True)
def _reset_fake(fake: Fake) -> Iterator[None]:
    yield
    fake.reset()


@pytest.fixture
def procs(tmp_path: Path) -> Iterator[Processes]:
    """This test's processes; their logs are printed (shown when the test fails), then they are killed."""
    started = Processes(tmp_path)
    yield started
    started.close()
    print(started.logs()[-6000:])


@pytest.fixture(scope="module", params=["sqlite", "redis"])
def stack(request: pytest.FixtureRequest, fake: Fake, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    mode: str = request.param
    folder = tmp_path_factory.mktemp(f"faults-{mode}")
    module_procs = Processes(folder)
    redis: RedisServer | None = None
    try:
        if mode == "redis":
            (folder / "redis").mkdir()
            redis = RedisServer(folder / "redis")
            redis.start()
            queue_url = redis.url(idle_timeout=REDIS_IDLE_SECONDS, block=0.2)
        else:
            queue_url = f"sqlite:///{folder / 'queue.db'}"
        web = module_procs.web(app_env(fake, queue_url), name=f"web-{mode}")
        yield Stack(mode, queue_url, web, fake, fake.add_repo(f"faults-{mode}"))
    finally:
        module_procs.close()
        if redis is not None:
            redis.stop()


def in_progress_run(fake: Fake, repo: Repo, sha: str) -> bool:
    return any(run.status == "in_progress" for run in fake.runs(repo, sha))


# -- 1. kill -9 of a worker in the middle of a review -------------------------------------------------


def test_a_worker_killed_mid_review_leaves_the_review_to_the_next_worker(stack: Stack, procs: Processes) -> None:
    fake, repo = stack.fake, stack.repo
    pr = stack.open_pr("kill-worker")
    fake.latency.slow(SLOW_BLOBS, 1.0)  # the review takes seconds: there is a middle to kill it in
    env = stack.env(worker_lease_seconds=LEASE_SECONDS)
    first = procs.worker(env, "worker-killed")

    assert stack.web.deliver("pull_request", pull_request_payload(pr, "opened")).status_code == 202
    wait_for(lambda: in_progress_run(fake, repo, pr.head_sha), "the review to be in progress", 30)
    first.kill()
    procs.worker(env, "worker-after")

    run = fake.completed_run(repo, pr.head_sha, conclusions=REVIEWED, timeout=40)
    stack.web.wait_until_drained()
    runs = fake.runs(repo, pr.head_sha)
    assert [r.status for r in runs] == ["completed"], "the killed attempt's check run was finished, not left open"
    assert runs[0].id == run.id
    assert len(fake.bot_comments(repo, pr.number)) == 1
