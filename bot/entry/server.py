"""Process entry points: ``devdocs-review serve`` and ``devdocs-review worker``.

Both load the settings once (a missing or malformed one prints one line and exits 2), switch
logging to scrubbed JSON lines, and run until SIGINT/SIGTERM, then shut down gracefully: the
worker stops claiming, finishes or releases in-flight jobs, and the queue is closed.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import sys
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import uvicorn
from uvicorn.supervisors import Multiprocess

from bot.entry.settings import Settings, SettingsError, load_settings
from bot.logs import configure_logging

if TYPE_CHECKING:
    from fastapi import FastAPI

log = logging.getLogger(__name__)

EXIT_OK, EXIT_CONFIG, EXIT_STARTUP = 0, 2, 3
GRACEFUL_SECONDS = 30  # uvicorn's wait for open requests; the worker drains inside the lifespan


def serve(*, host: str, port: int, worker: bool = True, workers: int = 1) -> int:
    """Run the App under uvicorn (with the embedded worker unless ``worker=False``).

    ``workers > 1`` runs that many web processes on one listening socket (uvicorn's supervisor
    restarts any that dies): web only, so it needs ``worker=False`` and a queue they share.
    """
    settings = _settings()
    if settings is None or not _queue_url_opens(settings):
        return EXIT_CONFIG
    if workers > 1 and worker:
        return _fail("--workers runs web processes only: add --no-worker and run `devdocs-review worker`")
    if workers > 1 and settings.queue_url.startswith("memory:"):
        return _fail("--workers needs a queue the web processes share: set DEVDOCS_QUEUE_URL to sqlite or redis")
    configure_logging(level=settings.log_level, secrets=secrets_of(settings))
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "lifespan": "on",
        "log_config": None,  # our JSON handler on the root logger
        "access_log": False,  # one line per delivery is logged by the receiver instead
        "server_header": False,
        "timeout_graceful_shutdown": GRACEFUL_SECONDS,
    }
    if workers > 1:
        config = uvicorn.Config(f"{__name__}:web_app", factory=True, workers=workers, **options)
        with contextlib.closing(config.bind_socket()) as sock:
            Multiprocess(config, sockets=[sock]).run()
        return EXIT_OK
    from bot.entry.app import create_app

    server = uvicorn.Server(uvicorn.Config(_heap_frozen_after_startup(create_app(settings, worker=worker)), **options))
    server.run()
    return EXIT_OK if server.started else EXIT_STARTUP


def web_app() -> FastAPI:
    """uvicorn's app factory in each process of ``serve --workers N``: settings from the environment
    (checked by the parent before it started them), web only."""
    from bot.entry.app import create_app

    settings = load_settings()
    configure_logging(level=settings.log_level, secrets=secrets_of(settings))
    return _heap_frozen_after_startup(create_app(settings, worker=False))


def _heap_frozen_after_startup(app: FastAPI) -> FastAPI:
    """Move the start-up heap out of the garbage collector's way once the App has started.

    After start-up (~90 000 objects: FastAPI, pydantic, githubkit's models) a full collection walks
    all of them, ~60 ms here, stalling every request in flight at that moment. ``gc.freeze()``
    parks them in a generation the collector never scans; requests' own garbage is still
    collected as usual.
    """
    started = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[Any]:
        async with started(app) as state:
            gc.collect()
            gc.freeze()
            yield state

    app.router.lifespan_context = lifespan
    return app


def run_worker() -> int:
    """Run workers only, for a durable queue that the web processes share."""
    settings = _settings()
    if settings is None:
        return EXIT_CONFIG
    if settings.queue_url.startswith("memory:"):
        return _fail(
            "DEVDOCS_QUEUE_URL is memory://, which lives inside one `serve` process; "
            "set sqlite:///path/queue.db or redis://host:6379/0 to run workers separately"
        )
    if not _queue_url_opens(settings):
        return EXIT_CONFIG
    configure_logging(level=settings.log_level, secrets=secrets_of(settings))
    return asyncio.run(_work(settings))


def secrets_of(settings: Settings) -> list[str]:
    """The values the log scrubber must never let through."""
    return [settings.webhook_secret.get_secret_value(), settings.private_key.get_secret_value()]


async def _work(settings: Settings) -> int:
    from bot.entry.wiring import ContextActions, give_up_reporter, is_permanent, job_handler, open_delivery_queue
    from bot.jobs.engine_pool import engine_running
    from bot.jobs.worker import Worker, WorkerConfig
    from bot.metrics import Metrics
    from bot.recovery.run import recovery_running
    from bot.review.context import build_context

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    metrics = Metrics()
    queue = open_delivery_queue(settings)
    context = build_context(settings, metrics=metrics)
    gc.collect()
    gc.freeze()  # as in serve: full collections no longer walk the start-up heap
    try:
        worker = Worker(queue, job_handler(ContextActions(context)), metrics=metrics, permanent=is_permanent,
                        config=WorkerConfig.from_settings(settings), on_give_up=give_up_reporter(context))
        async with (
            engine_running(context, processes=settings.review_processes, grace=settings.review_grace_seconds),
            recovery_running(context, queue, interval=settings.recovery_interval, metrics=metrics),
        ):
            await worker.run(stop)
    finally:
        close = getattr(context, "aclose", None)
        if close is not None:
            with contextlib.suppress(Exception):
                await close()
        await queue.close()
    return EXIT_OK


def _settings() -> Settings | None:
    try:
        return load_settings()
    except SettingsError as error:
        _fail(str(error))
        return None


def _queue_url_opens(settings: Settings) -> bool:
    """Check ``DEVDOCS_QUEUE_URL``'s options before serving, so a typo is one line, not a traceback."""
    from bot.entry.wiring import open_delivery_queue

    try:
        queue = open_delivery_queue(settings)
    except ValueError as error:
        _fail(f"DEVDOCS_QUEUE_URL: {error}")
        return False
    asyncio.run(queue.close())
    return True


def _fail(message: str) -> int:
    sys.stderr.write(f"devdocs-review: error: {message}\n")
    return EXIT_CONFIG
