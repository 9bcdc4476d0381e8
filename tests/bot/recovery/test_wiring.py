"""Where recovery runs: beside the worker of ``serve`` and of ``devdocs-review worker``, never in
``serve --no-worker``, never with ``DEVDOCS_RECOVERY_INTERVAL=0``; and what its logs never hold."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.entry.app import create_app
from bot.entry.server import _work
from bot.entry.settings import Settings
from bot.jobs.sqlite.queue import SqliteQueue
from bot.recovery.run import recover
from bot.recovery.store.sqlite import SqliteRecoveryStore
from bot.review.context import AppContext
from tests.bot.recovery.support import failed, open_check_of_a_lost_review, work_off
from tests.bot.support import BAD_TASK, AppKeys, Clock, make_settings, task_files
from tests.fakegithub import FakeGitHub, Repo, serve_in_thread

LIST = "apps/list-webhook-deliveries"


async def eventually(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


def with_queue(settings: Settings, tmp_path: Path, **changes: object) -> Settings:
    return settings.model_copy(update={"queue_url": f"sqlite:///{tmp_path / 'queue.db'}", **changes})


async def test_serve_runs_recovery_beside_its_worker_and_notes_check_runs_in_the_queue_file(
    ctx: AppContext, settings: Settings, hub: FakeGitHub, tmp_path: Path
) -> None:
    ctx.check_registry = None
    app = create_app(with_queue(settings, tmp_path), context=ctx)

    async with app.router.lifespan_context(app):
        await eventually(lambda: hub.count(LIST) == 1)  # a run on start
        registry = ctx.check_registry

    assert isinstance(registry, SqliteRecoveryStore) and registry.path == tmp_path / "queue.db"
    assert ctx.check_registry is None  # detached once the worker stopped


@pytest.mark.parametrize("changes", [{"worker": False}, {"recovery_interval": 0.0}])
async def test_no_recovery_without_a_worker_or_with_interval_zero(
    ctx: AppContext, settings: Settings, hub: FakeGitHub, tmp_path: Path, changes: dict[str, object]
) -> None:
    ctx.check_registry = None
    worker = bool(changes.pop("worker", True))
    app = create_app(with_queue(settings, tmp_path, **changes), context=ctx, worker=worker)

    async with app.router.lifespan_context(app):
        await asyncio.sleep(0.3)
        assert ctx.check_registry is None

    assert hub.count(LIST) == 0


@pytest.fixture
def loopback_hub(app_keys: AppKeys) -> Iterator[tuple[FakeGitHub, str]]:
    hub = FakeGitHub(app_public_key=app_keys.public_pem)
    with serve_in_thread(hub) as url:
        yield hub, url


async def test_the_worker_command_runs_recovery_and_stops_on_sigterm(
    loopback_hub: tuple[FakeGitHub, str], app_keys: AppKeys, tmp_path: Path
) -> None:
    hub, url = loopback_hub
    settings = with_queue(make_settings(app_keys, hub, url), tmp_path)
    worker = asyncio.create_task(_work(settings))

    await eventually(lambda: hub.count(LIST) == 1)
    os.kill(os.getpid(), signal.SIGTERM)  # _work handles it: stop claiming, drain, close

    assert await asyncio.wait_for(worker, 30) == 0


async def test_recovery_never_logs_a_token_a_key_or_a_jwt(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo, clock: Clock, app_keys: AppKeys,
    caplog: pytest.LogCaptureFixture, tmp_path: Path,
) -> None:
    queue = SqliteQueue(tmp_path / "queue.db")
    pr = hub.open_pull_request(demo_repo, task_files(BAD_TASK))
    await open_check_of_a_lost_review(ctx, hub, pr)
    failed(hub, "guid-lost", clock)
    clock.advance(16 * 60)
    hub.fail(502, operation_id="checks/get")  # a retry warning, with the request named

    try:
        with caplog.at_level(logging.DEBUG):
            report = await recover(ctx, queue, now=clock(), stuck_after=timedelta(minutes=15))
            await work_off(queue, ctx)
    finally:
        await queue.close()

    assert report.redelivered == ["guid-lost"] and len(report.reruns) == 1
    key_lines = app_keys.private_pem.splitlines()[1:-1]
    secrets = [*hub.tokens, *key_lines, ctx.settings.webhook_secret.get_secret_value()]
    assert hub.tokens  # installation tokens were issued (and used) during the run
    text = "\n".join(f"{r.getMessage()} {r.exc_text or ''} {r.args!r}" for r in caplog.records)
    assert [s for s in secrets if s in text] == []
    assert "eyJ" not in text  # no JWT
    assert "Authorization" not in text and "Bearer" not in text
    assert "recovery: asked GitHub to redeliver a failed delivery" in text
