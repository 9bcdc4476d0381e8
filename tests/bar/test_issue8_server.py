"""Issue 8, item 2 (server half): the server keeps answering while a review runs, and a review
that runs out of its time budget reports what it did not finish instead of hanging.

The App runs under uvicorn (in a thread of this process) with its embedded worker, against the fake
GitHub; its reviews go to the real process pool, with a rule that spins in pure Python for seconds
holding the GIL (``tests/bot/slowrule.py``), as a pathological regex does. Run in a thread, such a
review stalled the event loop (webhooks, ``/healthz``) for its whole length.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn

from bot.entry.app import create_app
from bot.entry.settings import Settings
from bot.review.context import build_context
from rules.core.engine import INCOMPLETE
from tests.bot import websupport as ws
from tests.bot.slowrule import SlowEngine
from tests.integration.procs import Fake, app_keys, pull_request_payload, serve_fake, wait_for
from tests.redisproc import free_port

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SPIN_SECONDS = 4.0  # the busy rule, per review (head and base)
BUDGET_SECONDS = 1.0
HEALTHZ_BOUND = 1.0  # seconds /healthz may take while the review spins (it answers in ms when idle)


@pytest.fixture(scope="module")
def fake() -> Iterator[Fake]:
    with serve_fake() as running:
        yield running


@pytest.fixture
def app_url(fake: Fake) -> Iterator[str]:
    settings = Settings.model_validate({
        "app_id": fake.hub.app_id, "private_key": app_keys().private_pem, "webhook_secret": ws.SECRET,
        "github_api_url": fake.api_url, "queue_url": "memory://", "recovery_interval": 0,
        "review_budget_seconds": BUDGET_SECONDS,
    })
    context = build_context(settings)
    context.engine = SlowEngine(seconds=SPIN_SECONDS, grace=60.0)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings, context=context), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True, name="devdocs-app")
    thread.start()
    wait_for(lambda: server.started, "the App to start", 20)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        asyncio.run(context.engine.aclose())


def test_healthz_answers_while_a_gil_holding_review_runs_and_the_budget_reports_it_incomplete(
        fake: Fake, app_url: str) -> None:
    repo = fake.add_repo("off-loop")
    pr = fake.open_pr(repo, "spinning")
    body = ws.encode(pull_request_payload(pr, "opened"))
    assert httpx.post(f"{app_url}/webhooks/github", content=body, timeout=10,
                      headers=ws.signed_headers(body, "pull_request", "off-loop-1")).status_code == 202
    wait_for(lambda: any(r.status == "in_progress" for r in fake.runs(repo, pr.head_sha)), "the review to start", 30)

    latencies = []
    deadline = time.monotonic() + SPIN_SECONDS
    while time.monotonic() < deadline:
        started = time.monotonic()
        assert httpx.get(f"{app_url}/healthz", timeout=10).status_code == 200
        latencies.append(time.monotonic() - started)
        time.sleep(0.1)
    run = fake.completed_run(repo, pr.head_sha, conclusions=("failure", "success"), timeout=60)

    assert len(latencies) >= 10 and max(latencies) < HEALTHZ_BOUND, f"slowest /healthz: {max(latencies):.2f} s"
    assert run.conclusion == "failure"
    assert run.output["title"].startswith("Review incomplete: time budget exceeded")
    assert INCOMPLETE in run.output["summary"] and "rule check(s) were not run" in run.output["summary"]
    (sticky,) = fake.bot_comments(repo, pr.number)
    assert INCOMPLETE in sticky.body
