"""Issue 8, item 5: nothing lost on kill -9.

Drives ``devdocs-review serve`` (embedded worker, SQLite queue, the default) against the fake
GitHub: ``kill -9`` right after the 202 and ``kill -9`` mid-review, then a restart on the same queue
file. The interrupted review must land within 30 s of the restart, once (one sticky comment, one
check run, completed). The lease is set to 600 s, the old default, so only the restart's
reclaiming of the dead process's claim (``bot/jobs/owner.py``) can make it in time.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakegithub import PullRequest, Repo
from tests.integration.procs import Fake, Processes, app_env, pull_request_payload, serve_fake, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.slow]

RESTART_BOUND = 30.0  # seconds from the restart to the finished review (the bound)
SLOW_BLOBS = r"/git/blobs/"


@pytest.fixture(scope="module")
def fake() -> Iterator[Fake]:
    with serve_fake() as running:
        yield running


@pytest.fixture
def procs(tmp_path: Path, fake: Fake) -> Iterator[Processes]:
    started = Processes(tmp_path)
    yield started
    started.close()
    fake.reset()
    print(started.logs()[-6000:])


def env(fake: Fake, tmp_path: Path) -> dict[str, str]:
    return app_env(fake, f"sqlite:///{tmp_path / 'queue.db'}", worker_lease_seconds=600, recovery_interval=0)


def assert_reviewed_once_within_bound(fake: Fake, procs: Processes, environment: dict[str, str],
                                      repo: Repo, pr: PullRequest) -> None:
    restarted_at = time.monotonic()
    web = procs.web(environment, worker=True, name="serve-restarted")
    run = fake.completed_run(repo, pr.head_sha, conclusions=("success",), timeout=RESTART_BOUND)
    took = time.monotonic() - restarted_at
    web.wait_until_drained()

    assert took <= RESTART_BOUND, f"the review landed {took:.1f} s after the restart"
    runs = fake.runs(repo, pr.head_sha)
    assert [r.status for r in runs] == ["completed"] and runs[0].id == run.id  # one check run, finished
    assert len(fake.bot_comments(repo, pr.number)) == 1  # one sticky comment


def test_kill_9_right_after_the_202_then_a_restart_completes_the_review(
        fake: Fake, procs: Processes, tmp_path: Path) -> None:
    repo = fake.add_repo("kill-after-202")
    pr = fake.open_pr(repo, "after-202")
    fake.latency.slow(SLOW_BLOBS, 0.3)
    environment = env(fake, tmp_path)
    web = procs.web(environment, worker=True, name="serve-killed")

    response = web.deliver("pull_request", pull_request_payload(pr, "opened"))
    web.proc.kill()

    assert response.status_code == 202
    assert_reviewed_once_within_bound(fake, procs, environment, repo, pr)


def test_kill_9_mid_review_then_a_restart_completes_the_review(
        fake: Fake, procs: Processes, tmp_path: Path) -> None:
    repo = fake.add_repo("kill-mid-review")
    pr = fake.open_pr(repo, "mid-review")
    fake.latency.slow(SLOW_BLOBS, 0.7)  # the review takes seconds: there is a middle to kill it in
    environment = env(fake, tmp_path)
    web = procs.web(environment, worker=True, name="serve-killed")

    assert web.deliver("pull_request", pull_request_payload(pr, "opened")).status_code == 202
    wait_for(lambda: any(r.status == "in_progress" for r in fake.runs(repo, pr.head_sha)),
             "the review to be in progress", 30)
    web.proc.kill()

    assert_reviewed_once_within_bound(fake, procs, environment, repo, pr)
    assert procs.started[-1].logged("reclaimed 1 job(s) whose worker no longer runs")
