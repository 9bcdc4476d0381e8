"""The FastAPI app factory: webhook receiver, probes, metrics, and the embedded worker.

``create_app(settings)`` builds everything from explicit settings (nothing is read from the
environment here). Its lifespan opens the delivery queue, builds the GitHub context and, unless
``worker=False`` (``serve --no-worker``), runs a :class:`~bot.jobs.worker.Worker` beside the web server,
and recovery (``bot/recovery/``, every ``DEVDOCS_RECOVERY_INTERVAL`` seconds) beside the worker;
on shutdown the worker stops claiming and finishes (or releases) what it holds.

Tests inject ``queue``, ``context`` or ``actions`` (a fake of :class:`~bot.intake.routes.ReviewActions`),
and a ``clock``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response

from bot.entry.settings import Settings
from bot.entry.wiring import ContextActions, give_up_reporter, is_permanent, job_handler, open_delivery_queue
from bot.intake import routes
from bot.intake.webhooks import PATH as WEBHOOK_PATH
from bot.intake.webhooks import WebhookReceiver, receive_webhook
from bot.jobs.engine_pool import engine_running
from bot.jobs.queue import DeliveryQueue
from bot.jobs.worker import Worker, WorkerConfig
from bot.metrics import CONTENT_TYPE, Metrics
from bot.recovery.run import recovery_running
from bot.review.context import AppContext, build_context

log = logging.getLogger(__name__)

PROBE_TIMEOUT = 2.0  # seconds /readyz and /metrics wait for the queue
probes = APIRouter()


def create_app(
    settings: Settings,
    *,
    context: AppContext | None = None,
    queue: DeliveryQueue | None = None,
    clock: Callable[[], float] = time.time,
    worker: bool = True,
    actions: routes.ReviewActions | None = None,
    metrics: Metrics | None = None,
    worker_config: WorkerConfig | None = None,
) -> FastAPI:
    """Build the App. Injected ``queue``/``context`` are used as given and not closed on shutdown."""
    app_metrics = metrics or Metrics()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            delivery_queue = queue or await _owned(stack, open_delivery_queue(settings))
            bound = actions or ContextActions(context or await _owned_context(stack, settings, app_metrics))
            app.state.queue = delivery_queue
            app.state.webhooks = WebhookReceiver(
                secret=settings.webhook_secret.get_secret_value().encode(),
                max_body_bytes=settings.max_body_bytes,
                queue=delivery_queue,
                triage=routes.triage,
                metrics=app_metrics,
                clock=clock,
            )
            app.state.worker_task = None
            if worker:
                job_worker = Worker(
                    delivery_queue, job_handler(bound), metrics=app_metrics,
                    config=worker_config or WorkerConfig.from_settings(settings),
                    permanent=is_permanent, clock=clock,
                    on_give_up=give_up_reporter(bound.ctx) if isinstance(bound, ContextActions) else None,
                )
                recovery_context = context or getattr(bound, "ctx", None)
                if isinstance(recovery_context, AppContext) and recovery_context.engine is None:
                    await stack.enter_async_context(engine_running(
                        recovery_context, processes=settings.review_processes,
                        grace=settings.review_grace_seconds))
                if isinstance(recovery_context, AppContext):  # left after the worker stopped
                    await stack.enter_async_context(recovery_running(
                        recovery_context, delivery_queue, interval=settings.recovery_interval,
                        metrics=app_metrics))
                await stack.enter_async_context(_running(app, job_worker))
            yield

    app = FastAPI(title="devdocs-review", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.metrics = app_metrics
    app.add_route(WEBHOOK_PATH, receive_webhook, methods=["POST"], include_in_schema=False)
    app.include_router(probes)
    return app


@probes.get("/healthz")
async def healthz() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@probes.get("/readyz")
async def readyz(request: Request) -> Response:
    """Readiness: settings loaded, queue reachable, embedded worker (if any) running."""
    state = request.app.state
    depth = await _queue_depth(getattr(state, "queue", None))
    worker_task: asyncio.Task[None] | None = getattr(state, "worker_task", None)
    problems = []
    if depth is None:
        problems.append("queue unreachable")
    if worker_task is not None and worker_task.done():
        problems.append("worker stopped")
    if problems:
        return JSONResponse({"status": "unavailable", "problems": problems}, status_code=503)
    return JSONResponse({"status": "ready", "queue_depth": depth})


@probes.get("/metrics")
async def metrics_endpoint(request: Request) -> Response:
    metrics: Metrics = request.app.state.metrics
    depth = await _queue_depth(getattr(request.app.state, "queue", None))
    if depth is not None:
        metrics.set_queue_depth(depth)
    return Response(metrics.render(), media_type=CONTENT_TYPE)


# -- internals ---------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def _running(app: FastAPI, worker: Worker) -> AsyncIterator[None]:
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop), name="devdocs-worker")
    app.state.worker_task = task
    try:
        yield
    finally:
        stop.set()
        await task


async def _owned(stack: contextlib.AsyncExitStack, queue: DeliveryQueue) -> DeliveryQueue:
    stack.push_async_callback(queue.close)
    return queue


async def _owned_context(
    stack: contextlib.AsyncExitStack, settings: Settings, metrics: Metrics
) -> AppContext:
    context = build_context(settings, metrics=metrics)
    close = getattr(context, "aclose", None)
    if close is not None:
        stack.push_async_callback(close)
    return context


async def _queue_depth(queue: DeliveryQueue | None) -> int | None:
    if queue is None:
        return None
    try:
        return await asyncio.wait_for(queue.depth(), PROBE_TIMEOUT)
    except Exception:  # a probe reports, it does not raise
        log.warning("queue depth unavailable", exc_info=True)
        return None

