"""End to end: `python -m bot serve` under uvicorn on loopback, the fake GitHub on loopback
(``DEVDOCS_GITHUB_API_URL`` pointing at it), signed deliveries in, comments and check runs out.

One App process and one fake serve the whole module (once per embedded queue: memory and SQLite);
each test opens its own pull request.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.bot import websupport as ws
from tests.bot.support import BAD_TASK, GOOD_TASK, demo_files, new_app_keys, task_files
from tests.fakegithub import CheckRun, FakeGitHub, PullRequest, Repo, serve_in_thread
from tests.integration.procs import (
    check_suite_payload,
    comment_payload,
    free_port,
    pull_request_payload,
    wait_for,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROOT = Path(__file__).parents[2]
MAINTAINER, READER = "mona-maintainer", "rita-reader"
_ids = itertools.count(1)


@dataclass
class App:
    url: str
    hub: FakeGitHub
    repo: Repo
    log: Path
    process: subprocess.Popen[bytes]
    private_pem: str

    def deliver(self, event: str, payload: dict[str, Any], *, delivery: str | None = None,
                secret: str = ws.SECRET) -> httpx.Response:
        body = ws.encode(payload)
        headers = ws.signed_headers(body, event, delivery or f"e2e-{next(_ids)}", secret=secret)
        return httpx.post(f"{self.url}/webhooks/github", content=body, headers=headers, timeout=10)

    def logs(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@pytest.fixture(scope="module", params=["memory", "sqlite"])
def app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """The App with each embedded queue: in-process memory, and the durable SQLite file."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pkcs1 = serialization.PrivateFormat.TraditionalOpenSSL  # GitHub hands out PKCS#1 keys
    private_pem = key.private_bytes(serialization.Encoding.PEM, pkcs1, serialization.NoEncryption()).decode()
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    hub = FakeGitHub(app_public_key=public_pem)
    repo = hub.add_repo("octo", "docs", files=demo_files(GOOD_TASK))
    hub.set_permission(repo, MAINTAINER, "maintain")
    hub.set_permission(repo, READER, "read")
    folder = tmp_path_factory.mktemp("e2e")
    log = folder / "app.log"
    queue_url = "memory://" if request.param == "memory" else f"sqlite:///{folder / 'queue.db'}"
    with serve_in_thread(hub) as github_url:
        env = app_environment(hub, private_pem, github_url, queue_url)
        port = free_port()
        with started(["serve", "--host", "127.0.0.1", "--port", str(port)], env, log) as process:
            running = App(f"http://127.0.0.1:{port}", hub, repo, log, process, private_pem)
            wait_for(lambda: _ready(running), "the App to be ready")
            yield running
    # uvicorn re-raises the SIGTERM it handled once shutdown is complete
    assert process.returncode in (0, -signal.SIGTERM), running.logs()[-3000:]
    assert "Application shutdown complete" in running.logs()


def app_environment(hub: FakeGitHub, private_pem: str, github_url: str, queue_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEVDOCS_")}
    env.update({
        "DEVDOCS_APP_ID": str(hub.app_id),
        "DEVDOCS_PRIVATE_KEY": private_pem,
        "DEVDOCS_WEBHOOK_SECRET": ws.SECRET,
        "DEVDOCS_GITHUB_API_URL": f"{github_url}/api/v3",  # GHES-style base URL on loopback
        "DEVDOCS_QUEUE_URL": queue_url,
        "DEVDOCS_LOG_LEVEL": "INFO",
    })
    return env


@contextlib.contextmanager
def started(arguments: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """``python -m bot <arguments>``, stopped with SIGTERM (graceful) at the end."""
    with log.open("ab") as sink:
        process = subprocess.Popen([sys.executable, "-m", "bot", *arguments], cwd=ROOT, env=env,
                                   stdout=sink, stderr=subprocess.STDOUT)
        try:
            yield process
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _ready(app: App) -> bool:
    if app.process.poll() is not None:
        raise AssertionError(f"the App exited with {app.process.returncode}:\n{app.logs()[-3000:]}")
    try:
        return httpx.get(f"{app.url}/readyz", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


# -- payloads matching the fake's state ----------------------------------------------------------


# -- reading the outcome ---------------------------------------------------------------------


def completed_run(app: App, sha: str, *, after: int = 0) -> CheckRun:
    def done() -> CheckRun | None:
        runs = [r for r in app.hub.runs_for(app.repo, sha, "devdocs-review") if r.id > after]
        return runs[-1] if runs and runs[-1].status == "completed" else None

    return wait_for(done, f"a completed check run on {sha[:7]}")


def last_run_id(app: App) -> int:
    return max(app.hub.check_runs, default=0)


def open_docs_pr(app: App, task: str, **options: Any) -> PullRequest:
    return app.hub.open_pull_request(app.repo, task_files(task), head_ref=task.rsplit("/", 1)[1], **options)


# -- the scenarios ---------------------------------------------------------------------------


def test_a_pull_request_gets_one_sticky_comment_and_a_completed_check(app: App) -> None:
    pr = open_docs_pr(app, "dev/active/e2e-first")

    response = app.deliver("pull_request", pull_request_payload(pr, "opened"))

    assert response.status_code == 202
    run = completed_run(app, pr.head_sha)
    assert run.conclusion in ("success", "failure")
    (comment,) = wait_for(lambda: app.hub.bot_comments(app.repo, pr.number), "the sticky comment")
    assert comment.body.startswith("<!-- devdocs-review:sticky -->")
    assert pr.head_sha in comment.body  # links point at the reviewed head


def test_a_redelivery_creates_no_second_comment(app: App) -> None:
    pr = open_docs_pr(app, "dev/active/e2e-redelivery")
    payload = pull_request_payload(pr, "opened")
    assert app.deliver("pull_request", payload, delivery="guid-redelivered").status_code == 202
    first = completed_run(app, pr.head_sha)

    again = app.deliver("pull_request", payload, delivery="guid-redelivered")  # GitHub's Redeliver
    reopened = app.deliver("pull_request", pull_request_payload(pr, "reopened"))  # a new delivery

    assert again.json() == {"status": "duplicate"}
    assert reopened.status_code == 202
    completed_run(app, pr.head_sha, after=first.id)  # the reopened delivery was reviewed again
    assert len(app.hub.bot_comments(app.repo, pr.number)) == 1  # ... into the same sticky comment


def test_a_new_push_is_reviewed_at_its_head(app: App) -> None:
    pr = open_docs_pr(app, "dev/active/e2e-push")
    app.deliver("pull_request", pull_request_payload(pr, "opened"))
    completed_run(app, pr.head_sha)

    new_head = app.hub.push(pr, {"dev/active/e2e-push/notes.md": "# notes\n"})
    app.deliver("pull_request", pull_request_payload(pr, "synchronize"))

    run = completed_run(app, new_head)
    assert run.head_sha == new_head
    assert len(app.hub.bot_comments(app.repo, pr.number)) == 1


def test_a_forged_delivery_is_refused_and_reaches_nothing(app: App) -> None:
    pr = open_docs_pr(app, "dev/active/e2e-forged")
    before = len(app.hub.requests)

    forged = app.deliver("pull_request", pull_request_payload(pr, "opened"), secret="guessed secret")
    time.sleep(0.5)

    assert forged.status_code == 401
    assert len(app.hub.requests) == before
    assert app.hub.runs_for(app.repo, pr.head_sha) == []


def test_a_fork_pull_request_is_reviewed_from_a_check_suite_with_no_pull_requests(app: App) -> None:
    pr = app.hub.open_pull_request(app.repo, task_files("dev/active/e2e-fork"), head_ref="patch-1",
                                   fork="forker/docs")

    response = app.deliver("check_suite", check_suite_payload(app.repo, pr.head_sha))

    assert response.status_code == 202
    completed_run(app, pr.head_sha)
    assert len(app.hub.bot_comments(app.repo, pr.number)) == 1


def test_a_pull_request_with_no_docs_passes_with_no_comment(app: App) -> None:
    pr = app.hub.open_pull_request(app.repo, {"src/app.py": "print('hi')\n"}, head_ref="code-only")

    app.deliver("pull_request", pull_request_payload(pr, "opened"))

    run = completed_run(app, pr.head_sha)
    assert run.conclusion == "success"
    assert "No planning docs changed" in run.output["title"] + run.output.get("summary", "")
    assert app.hub.bot_comments(app.repo, pr.number) == []


def test_review_approve_is_refused_for_a_reader_and_accepted_for_a_maintainer(app: App) -> None:
    pr = open_docs_pr(app, BAD_TASK.replace("payment-retries", "e2e-approve"))
    app.deliver("pull_request", pull_request_payload(pr, "opened"))
    first = completed_run(app, pr.head_sha)
    assert first.conclusion == "failure", "the bad task must fail the gate for the approval to matter"

    by_reader = app.hub.add_comment(app.repo, pr.number, "/review approve ship it", login=READER)
    app.deliver("issue_comment", comment_payload(app.repo, by_reader))
    refusal = wait_for(lambda: [c for c in app.hub.comments_on(app.repo, pr.number)
                                if c.login == app.hub.bot_login and f"@{READER}" in c.body], "the refusal")
    assert "write, maintain or admin" in refusal[0].body
    assert by_reader.reactions == []

    reviewed_at = time.time()  # GitHub keeps whole seconds: a comment written in the review's own
    wait_for(lambda: time.time() >= int(reviewed_at) + 1.05, "the next second", 5)  # second is ambiguous
    by_maintainer = app.hub.add_comment(app.repo, pr.number, "/review approve reviewed by hand",
                                        login=MAINTAINER)
    app.deliver("issue_comment", comment_payload(app.repo, by_maintainer))
    approved = completed_run(app, pr.head_sha, after=first.id)

    assert approved.conclusion == "success"
    assert (app.hub.bot_login, "eyes") in by_maintainer.reactions
    sticky = [c for c in app.hub.bot_comments(app.repo, pr.number)
              if c.body.startswith("<!-- devdocs-review:sticky")]
    assert len(sticky) == 1
    assert MAINTAINER in sticky[0].body and "reviewed by hand" in sticky[0].body


def test_probes_and_metrics_answer(app: App) -> None:
    assert httpx.get(f"{app.url}/healthz").json() == {"status": "ok"}
    metrics = httpx.get(f"{app.url}/metrics").text

    assert "devdocs_deliveries_accepted_total" in metrics
    assert 'devdocs_deliveries_rejected_total{reason="signature"}' in metrics
    assert "devdocs_github_requests_total" in metrics
    assert "devdocs_reviews_total" in metrics


def test_logs_are_json_lines_without_secrets(app: App) -> None:
    import json

    text = app.logs()
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]

    assert any(line.get("delivery_id") for line in lines)
    assert ws.SECRET not in text
    assert "PRIVATE KEY" not in text
    assert app.private_pem.splitlines()[3] not in text
    assert "ghs_" not in text


def test_web_only_and_a_separate_worker_share_the_sqlite_queue(tmp_path: Path) -> None:
    """``serve --no-worker`` acknowledges; ``devdocs-review worker`` (another process) reviews."""
    keys = new_app_keys()
    private_pem, public_pem = keys.private_pem, keys.public_pem
    hub = FakeGitHub(app_public_key=public_pem)
    repo = hub.add_repo("octo", "split", files=demo_files(GOOD_TASK))
    log = tmp_path / "split.log"
    with serve_in_thread(hub) as github_url:
        env = app_environment(hub, private_pem, github_url, f"sqlite:///{tmp_path / 'queue.db'}")
        port = free_port()
        with started(["serve", "--host", "127.0.0.1", "--port", str(port), "--no-worker"], env, log) as web:
            app = App(f"http://127.0.0.1:{port}", hub, repo, log, web, private_pem)
            wait_for(lambda: _ready(app), "the web process to be ready")
            pr = hub.open_pull_request(repo, task_files("dev/active/e2e-split"), head_ref="split")

            assert app.deliver("pull_request", pull_request_payload(pr, "opened")).status_code == 202
            time.sleep(1.0)
            assert hub.runs_for(repo, pr.head_sha) == []  # nobody works in the web process

            with started(["worker"], env, log) as worker:
                completed_run(app, pr.head_sha)
                assert len(hub.bot_comments(repo, pr.number)) == 1
    assert worker.returncode == 0, app.logs()[-3000:]


def test_two_web_processes_share_the_port_and_the_sqlite_queue(tmp_path: Path) -> None:
    """``serve --no-worker --workers 2``: both processes acknowledge into one queue; a worker reviews."""
    keys = new_app_keys()
    private_pem, public_pem = keys.private_pem, keys.public_pem
    hub = FakeGitHub(app_public_key=public_pem)
    repo = hub.add_repo("octo", "pair", files=demo_files(GOOD_TASK))
    log = tmp_path / "pair.log"
    with serve_in_thread(hub) as github_url:
        env = app_environment(hub, private_pem, github_url, f"sqlite:///{tmp_path / 'queue.db'}")
        port = free_port()
        arguments = ["serve", "--host", "127.0.0.1", "--port", str(port), "--no-worker", "--workers", "2"]
        with started(arguments, env, log) as web:
            app = App(f"http://127.0.0.1:{port}", hub, repo, log, web, private_pem)
            wait_for(lambda: _ready(app), "the web processes to be ready")
            pulls = [hub.open_pull_request(repo, task_files(f"dev/active/e2e-pair-{n}"), head_ref=f"pair-{n}")
                     for n in range(4)]

            assert [app.deliver("pull_request", pull_request_payload(pr, "opened")).status_code
                    for pr in pulls] == [202] * 4
            with started(["worker"], env, log) as worker:
                for pr in pulls:
                    completed_run(app, pr.head_sha)
    assert worker.returncode == 0, app.logs()[-3000:]
    assert web.returncode == 0, app.logs()[-3000:]
