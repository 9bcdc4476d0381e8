"""Faults survived, with real processes (issue 4): ``python -m bot serve --no-worker`` and
``python -m bot worker`` subprocesses, the fake GitHub on loopback, a redis-server of our own.

Each queue mode (SQLite file, Redis streams) gets one web process for the module; every test
opens its own pull request and starts (and kills) its own workers.
"""

from __future__ import annotations

import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.bot import websupport as ws
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
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

REVIEWED = ("success",)  # the docs pass the gate: not neutral (superseded), not failure (an error)
LEASE_SECONDS = 4.0  # SQLite: a killed worker's job is claimed again after this (> a whole review)
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
def stack(request: pytest.FixtureRequest, fake: Fake,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
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


def open_all(web: Web, prs: list[PullRequest]) -> list[int]:
    """Deliver ``pull_request.opened`` for each PR; the status codes."""
    return [web.deliver("pull_request", pull_request_payload(pr, "opened")).status_code for pr in prs]


def in_progress_run(fake: Fake, repo: Repo, sha: str) -> bool:
    return any(run.status == "in_progress" for run in fake.runs(repo, sha))


# -- 1. kill -9 of a worker in the middle of a review -------------------------------------------------


def test_a_worker_killed_mid_review_leaves_the_review_to_the_next_worker(
        stack: Stack, procs: Processes) -> None:
    fake, repo = stack.fake, stack.repo
    pr = stack.open_pr("kill-worker")
    fake.latency.slow(SLOW_BLOBS, 0.7)  # the review takes seconds: there is a middle to kill it in
    env = stack.env(worker_lease_seconds=LEASE_SECONDS)
    first = procs.worker(env, "worker-killed")

    assert stack.web.deliver("pull_request", pull_request_payload(pr, "opened")).status_code == 202
    wait_for(lambda: in_progress_run(fake, repo, pr.head_sha), "the review to be in progress", 30)
    first.kill()
    procs.worker(env, "worker-after")

    run = fake.completed_run(repo, pr.head_sha, conclusions=REVIEWED, timeout=40)
    stack.web.wait_until_drained()
    runs = fake.runs(repo, pr.head_sha)
    assert [r.status for r in runs] == ["completed"], "the killed attempt's run is finished, not left open"
    assert runs[0].id == run.id
    assert len(fake.bot_comments(repo, pr.number)) == 1


# -- 2. kill -9 of the web process right after it acknowledged -----------------------------------------


def test_a_delivery_acknowledged_just_before_the_web_process_died_is_reviewed(
        stack: Stack, procs: Processes) -> None:
    fake, repo = stack.fake, stack.repo
    pr = stack.open_pr("kill-web")
    web = procs.web(stack.env(), name="web-killed")  # --no-worker: nothing runs in it

    response = web.deliver("pull_request", pull_request_payload(pr, "opened"))
    web.proc.kill()
    assert (response.status_code, response.json()) == (202, {"status": "queued"})
    assert fake.runs(repo, pr.head_sha) == []

    procs.worker(stack.env(), "worker-after-web")

    fake.completed_run(repo, pr.head_sha, conclusions=REVIEWED)
    stack.web.wait_until_drained()
    assert len(fake.bot_comments(repo, pr.number)) == 1


# -- 3. one delivery redelivered 50 times at once ------------------------------------------------------


def test_the_same_delivery_fifty_times_at_once_is_reviewed_once(stack: Stack, procs: Processes) -> None:
    fake, repo = stack.fake, stack.repo
    pr = stack.open_pr("redelivered")
    body = ws.encode(pull_request_payload(pr, "opened"))
    headers = ws.signed_headers(body, "pull_request", stack.web.new_delivery_id())
    procs.worker(stack.env())
    barrier = threading.Barrier(50)

    def send(_: int) -> httpx.Response:
        barrier.wait(timeout=20)
        return stack.web.post(body, headers, timeout=30)

    with ThreadPoolExecutor(max_workers=50) as pool:
        responses = list(pool.map(send, range(50)))

    assert {r.status_code for r in responses} == {202}
    assert Counter(r.json()["status"] for r in responses) == {"queued": 1, "duplicate": 49}
    fake.completed_run(repo, pr.head_sha, conclusions=REVIEWED)
    stack.web.wait_until_drained()
    assert fake.check_runs_created(pr.head_sha) == 1
    assert fake.comments_posted(repo, pr.number) == 1


# -- 4. a burst of pushes ----------------------------------------------------------------------------


def test_twenty_pushes_within_a_second_review_the_newest_head_at_most_twice(
        stack: Stack, procs: Processes) -> None:
    fake, repo = stack.fake, stack.repo
    pr = stack.open_pr("burst")
    fake.latency.slow(SLOW_BLOBS, 0.5)  # the review of the opened PR still runs when the burst arrives
    procs.worker(stack.env())
    assert stack.web.deliver("pull_request", pull_request_payload(pr, "opened")).status_code == 202
    wait_for(lambda: in_progress_run(fake, repo, pr.head_sha), "the first review to be in progress", 30)
    heads: list[str] = [pr.head_sha]

    with httpx.Client() as client:  # one kept-alive connection, as GitHub's deliveries would use
        started = time.monotonic()
        for push in range(20):
            heads.append(fake.push(pr, {f"dev/active/burst-{stack.mode}/notes.md": f"# push {push}\n"}))
            sent = stack.web.deliver("pull_request", pull_request_payload(pr, "synchronize"), client=client)
            assert sent.status_code == 202
        took = time.monotonic() - started
    assert took < 1.0, f"the burst took {took:.2f} s"

    fake.completed_run(repo, heads[-1], conclusions=REVIEWED)
    stack.web.wait_until_drained()
    reviews = {sha: fake.check_runs_created(sha) for sha in heads}
    assert sum(reviews.values()) <= 2, reviews  # the one running when the burst came, and the newest
    assert reviews[heads[-1]] == 1
    assert [run.status for sha in heads for run in fake.runs(repo, sha)] == ["completed"] * sum(reviews.values())
    assert fake.runs(repo, heads[0])[-1].conclusion == "neutral"  # superseded by the newest head
    assert len(fake.bot_comments(repo, pr.number)) == 1


# -- 7. graceful shutdown ----------------------------------------------------------------------------


def test_sigterm_mid_review_finishes_the_job_claims_nothing_more_and_exits_zero(
        stack: Stack, procs: Processes) -> None:
    fake, repo = stack.fake, stack.repo
    pr, later = stack.open_pr("sigterm"), stack.open_pr("after-sigterm")
    fake.latency.slow(SLOW_BLOBS, 0.6)
    worker = procs.worker(stack.env(), "worker-stopped")
    assert stack.web.deliver("pull_request", pull_request_payload(pr, "opened")).status_code == 202
    wait_for(lambda: in_progress_run(fake, repo, pr.head_sha), "the review to be in progress", 30)

    worker.popen.send_signal(signal.SIGTERM)
    assert stack.web.deliver("pull_request", pull_request_payload(later, "opened")).status_code == 202

    assert worker.terminate() == 0
    assert worker.logged("waiting for 1 job(s) to finish")
    finished = fake.runs(repo, pr.head_sha)
    assert [(r.status, r.conclusion) for r in finished] == [("completed", "success")]
    assert fake.runs(repo, later.head_sha) == []  # claimed by nobody while stopping

    procs.worker(stack.env(), "worker-next")
    fake.completed_run(repo, later.head_sha, conclusions=REVIEWED)
    stack.web.wait_until_drained()
    assert fake.check_runs_created(pr.head_sha) == 1  # the interrupted job ran exactly once
    assert fake.comments_posted(repo, pr.number) == 1


# -- 5. GitHub failing: errors, rate limits, timeouts --------------------------------------------------

GITHUB_TIMEOUT_SECONDS = 1.0  # the adapter's read timeout in these tests; the fake is made slower


@dataclass
class Faulty:
    """``serve`` with its embedded worker on SQLite, tuned to fail fast: 1 s GitHub timeout, two
    runs per job with 0.5 s backoff."""

    web: Web
    fake: Fake
    repo: Repo

    def open_pr(self, task: str) -> PullRequest:
        return self.fake.open_pr(self.repo, task)

    def deliver_opened(self, pr: PullRequest) -> str:
        """Deliver ``pull_request.opened`` for *pr*; its delivery id (the worker logs it)."""
        delivery_id = self.web.new_delivery_id()
        assert self.web.deliver("pull_request", pull_request_payload(pr, "opened"),
                                delivery=delivery_id).status_code == 202
        return delivery_id

    def logged(self, fragment: str, delivery_id: str) -> bool:
        return self.web.proc.logged(fragment, delivery_id=delivery_id)


@pytest.fixture(scope="module")
def faulty(fake: Fake, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Faulty]:
    folder = tmp_path_factory.mktemp("faulty")
    module_procs = Processes(folder)
    env = app_env(fake, f"sqlite:///{folder / 'queue.db'}", github_timeout_seconds=GITHUB_TIMEOUT_SECONDS,
                  worker_max_attempts=2, worker_retry_seconds=0.5)
    try:
        yield Faulty(module_procs.web(env, worker=True, name="faulty"), fake, fake.add_repo("faulty"))
    finally:
        module_procs.close()
        print(module_procs.logs()[-6000:])


def test_failures_github_recovers_from_are_retried_within_the_request_bounds(faulty: Faulty) -> None:
    fake, repo = faulty.fake, faulty.repo
    pr = faulty.open_pr("transient")
    fake.hub.fail(500, operation_id="pulls/list-files")
    fake.hub.fail(502, operation_id="pulls/list-files")
    fake.hub.fail(429, operation_id="git/get-tree", headers={"Retry-After": "1"})
    fake.hub.fail(403, operation_id="repos/get-content", headers={"Retry-After": "1"},
                  body={"message": "You have exceeded a secondary rate limit. Please wait a few minutes."})
    # a read timeout (on the sticky lookup: the PR's docs need no blob read, their patches rebuild them)
    fake.hub.fail(504, operation_id="issues/list-comments", delay=GITHUB_TIMEOUT_SECONDS + 1)

    assert faulty.web.deliver("pull_request", pull_request_payload(pr, "opened")).status_code == 202

    fake.completed_run(repo, pr.head_sha, conclusions=REVIEWED)
    faulty.web.wait_until_drained()
    assert fake.check_runs_created(pr.head_sha) == 1  # all absorbed inside the first run of the job
    assert all(fault.times == 0 for fault in fake.hub.faults)  # every fault was met, and retried
    retries = metric_values(faulty.web.metrics(), "devdocs_github_retries_total")
    assert retries['reason="5xx"'] >= 2 and retries['reason="rate_limit"'] >= 2
    assert retries['reason="timeout"'] >= 1


def test_a_rate_limit_outlasting_the_request_retries_parks_the_job_and_retries_it_later(
        faulty: Faulty) -> None:
    fake, repo = faulty.fake, faulty.repo
    pr = faulty.open_pr("rate-limited")
    fake.hub.fail(429, operation_id="pulls/list-files", headers={"Retry-After": "1"}, times=4)  # 4 tries

    delivery = faulty.deliver_opened(pr)

    run = fake.completed_run(repo, pr.head_sha, conclusions=REVIEWED)
    faulty.web.wait_until_drained()
    first, second = fake.runs(repo, pr.head_sha)
    assert (first.status, first.conclusion) == ("completed", "failure")  # never left in progress
    assert first.output["title"] == "Review postponed: GitHub rate limit"
    assert "retried automatically" in first.output["summary"]
    assert second.id == run.id
    assert faulty.logged("job attempt 1 failed, retrying in", delivery)


def test_github_failing_for_good_ends_the_check_run_in_failure_after_bounded_retries(faulty: Faulty) -> None:
    fake, repo = faulty.fake, faulty.repo
    pr = faulty.open_pr("outage")
    fake.hub.fail(502, operation_id="pulls/list-files", times=1000)

    delivery = faulty.deliver_opened(pr)

    wait_for(lambda: faulty.logged("job failed for good", delivery), "the worker to give up on the job", 40)
    faulty.web.wait_until_drained()
    runs = fake.runs(repo, pr.head_sha)
    assert [(r.status, r.conclusion) for r in runs] == [("completed", "failure")] * 2  # one per run
    tries = fake.requests_for("pulls/list-files", f"/repos/{repo.full_name}/pulls/{pr.number}/files")
    assert tries == 8  # 4 tries (the adapter's bound) in each of the 2 runs (the worker's), no more
    assert faulty.logged("job attempt 1 failed, retrying in", delivery)  # the second run came later
    last = runs[-1].output
    assert last["title"] == "Review failed: GitHub unavailable"
    assert "HTTP 502" in last["summary"] and "stopped retrying" in last["summary"]


def test_a_job_given_up_before_its_check_run_existed_still_publishes_a_failed_one(faulty: Faulty) -> None:
    fake = faulty.fake
    repo = fake.add_repo("faulty-tokens", installation_id=77)  # no token cached for it yet
    pr = fake.open_pr(repo, "no-token")
    suspended = {"message": "This installation has been suspended"}  # retrying cannot help: given up at once
    fake.hub.fail(403, operation_id="apps/create-installation-access-token", body=suspended)

    delivery = faulty.deliver_opened(pr)

    run = fake.completed_run(repo, pr.head_sha, conclusions=("failure",))
    faulty.web.wait_until_drained()
    assert faulty.logged("job failed for good after 1 attempt(s)", delivery)
    assert fake.check_runs_created(pr.head_sha) == 1  # by the give-up path: the review never got to it
    assert run.output["title"] == "Review failed: GitHub refused a request"
    assert "suspended" in run.output["summary"]


def metric_values(text: str, name: str) -> dict[str, float]:
    """``{'label="value"': sample}`` for the samples of metric *name* in Prometheus text."""
    found: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith(name + "{"):
            labels, _, value = line[len(name) + 1:].rpartition("} ")
            found[labels] = float(value)
    return found


# -- 6. Redis restarted mid-run ----------------------------------------------------------------------


def test_no_accepted_delivery_is_lost_when_redis_restarts_mid_run(
        fake: Fake, procs: Processes, tmp_path: Path) -> None:
    (tmp_path / "redis").mkdir()
    redis = RedisServer(tmp_path / "redis")  # its own: this test kills it
    redis.start()
    try:
        repo = fake.add_repo("redis-restart")
        fake.latency.slow(SLOW_BLOBS, 0.5)  # reviews take a while: some run, the rest wait
        env = app_env(fake, redis.url(idle_timeout=REDIS_IDLE_SECONDS, block=0.2))
        web = procs.web(env, worker=True, name="web-and-worker")
        prs = [fake.open_pr(repo, f"restart-{n}") for n in range(12)]
        before, during, after = prs[:8], prs[8:10], prs[10:]
        assert open_all(web, before) == [202] * len(before)
        wait_for(lambda: any(in_progress_run(fake, repo, pr.head_sha) for pr in before), "a review in flight")

        redis.kill()
        refused = open_all(web, during)
        redis.start()  # same port, same AOF directory
        assert open_all(web, after) == [202] * len(after)
        accepted = before + after

        assert refused == [503] * len(during)  # not acknowledged: GitHub shows them failed, to redeliver
        for pr in accepted:
            fake.completed_run(repo, pr.head_sha, conclusions=REVIEWED, timeout=60)
        web.wait_until_drained(timeout=60)
        assert all(len(fake.bot_comments(repo, pr.number)) == 1 for pr in accepted)
        assert all(fake.runs(repo, pr.head_sha) == [] for pr in during)
    finally:
        procs.close()
        redis.stop()
