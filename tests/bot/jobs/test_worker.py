"""The worker loop: claim, dispatch, complete; retry with backoff; give up; stop gracefully."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Callable, Iterator

import pytest

from bot.jobs.memory import MemoryQueue
from bot.jobs.queue import Delivery
from bot.jobs.worker import RetryPolicy, Worker, WorkerConfig, current_attempt
from bot.metrics import Metrics
from tests.bot.test_metrics import samples

FAST = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05, jitter=0.0)


class Flaky(Exception):
    pass


class Permanent(Exception):
    retryable = False


class SlowDown(Exception):
    def __init__(self, retry_after: float) -> None:
        super().__init__("rate limited")
        self.retry_after = retry_after


def delivery(id: str, key: str | None = None) -> Delivery:
    return Delivery(id=id, event="pull_request", body=b"{}", received_at=0.0, coalesce_key=key)


def config(**overrides: object) -> WorkerConfig:
    values: dict[str, object] = {"name": "w-test", "concurrency": 2, "poll_seconds": 0.01,
                                 "drain_seconds": 2.0, "retry": FAST}
    values.update(overrides)
    return WorkerConfig(**values)  # type: ignore[arg-type]


async def run_until(worker: Worker, done: Callable[[], bool], timeout: float = 5.0) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    async with asyncio.timeout(timeout):
        while not done():
            await asyncio.sleep(0.005)
    stop.set()
    await task


@pytest.fixture
def queue() -> MemoryQueue:
    return MemoryQueue()


async def test_a_job_is_dispatched_and_completed(queue: MemoryQueue) -> None:
    seen: list[str] = []

    async def handler(d: Delivery) -> None:
        seen.append(d.id)

    metrics = Metrics()
    await queue.submit(delivery("a"))
    await queue.submit(delivery("b"))

    await run_until(Worker(queue, handler, metrics=metrics, config=config()), lambda: len(seen) == 2)

    assert sorted(seen) == ["a", "b"]
    assert await queue.depth() == 0
    completed = ("devdocs_jobs_total", (("event", "pull_request"), ("outcome", "completed")))
    assert samples(metrics)[completed] == 2


async def test_a_failing_job_is_retried_until_it_succeeds(queue: MemoryQueue) -> None:
    attempts: list[int] = []

    async def handler(d: Delivery) -> None:
        attempts.append(d.attempts)
        if d.attempts < 3:
            raise Flaky("GitHub 502")

    await queue.submit(delivery("a"))

    await run_until(Worker(queue, handler, metrics=Metrics(), config=config()), lambda: len(attempts) == 3)

    assert attempts == [1, 2, 3]
    assert await queue.depth() == 0


async def test_a_handler_knows_which_attempt_it_runs(queue: MemoryQueue) -> None:
    seen: list[int] = []

    async def handler(d: Delivery) -> None:
        seen.append(current_attempt())
        if len(seen) < 2:
            raise Flaky("GitHub 502")

    await queue.submit(delivery("a"))

    await run_until(Worker(queue, handler, metrics=Metrics(), config=config()), lambda: len(seen) == 2)

    assert seen == [1, 2]
    assert current_attempt() == 1  # outside a job


async def test_after_max_attempts_the_job_is_given_up_and_reported(queue: MemoryQueue) -> None:
    given_up: list[tuple[str, str]] = []

    async def handler(d: Delivery) -> None:
        raise Flaky("still down")

    async def on_give_up(d: Delivery, error: BaseException) -> None:
        given_up.append((d.id, str(error)))

    metrics = Metrics()
    await queue.submit(delivery("a"))
    worker = Worker(queue, handler, metrics=metrics, config=config(), on_give_up=on_give_up)

    await run_until(worker, lambda: bool(given_up))

    assert given_up == [("a", "still down")]
    assert await queue.depth() == 0
    found = samples(metrics)
    assert found[("devdocs_jobs_total", (("event", "pull_request"), ("outcome", "retried")))] == 2
    assert found[("devdocs_jobs_total", (("event", "pull_request"), ("outcome", "failed")))] == 1


async def test_an_error_retrying_cannot_fix_gives_up_at_once(queue: MemoryQueue) -> None:
    calls: list[int] = []
    given_up: list[str] = []

    async def handler(d: Delivery) -> None:
        calls.append(d.attempts)
        raise Permanent("422 Unprocessable")

    async def on_give_up(d: Delivery, error: BaseException) -> None:
        given_up.append(d.id)

    await queue.submit(delivery("a"))

    await run_until(Worker(queue, handler, metrics=Metrics(), config=config(), on_give_up=on_give_up),
                    lambda: bool(given_up))

    assert calls == [1]


async def test_a_crashing_give_up_hook_does_not_stop_the_worker(queue: MemoryQueue) -> None:
    done: list[str] = []

    async def handler(d: Delivery) -> None:
        if d.id == "bad":
            raise Permanent("no")
        done.append(d.id)

    async def on_give_up(d: Delivery, error: BaseException) -> None:
        raise RuntimeError("GitHub down too")

    await queue.submit(delivery("bad"))
    await queue.submit(delivery("good"))

    await run_until(Worker(queue, handler, metrics=Metrics(), config=config(concurrency=1),
                           on_give_up=on_give_up), lambda: done == ["good"])


def test_backoff_grows_exponentially_up_to_the_ceiling() -> None:
    policy = RetryPolicy(base_delay=2, max_delay=30, jitter=0.0)

    assert [policy.delay(n, Flaky()) for n in (1, 2, 3, 4, 5, 6)] == [2, 4, 8, 16, 30, 30]


def test_jitter_only_shortens_the_delay() -> None:
    policy = RetryPolicy(base_delay=10, max_delay=100, jitter=0.5)

    assert policy.delay(1, Flaky(), rand=lambda: 0.0) == 10
    assert policy.delay(1, Flaky(), rand=lambda: 1.0) == 5


def test_retry_after_on_the_error_is_honoured_and_bounded() -> None:
    policy = RetryPolicy(base_delay=1, jitter=0.0)

    assert policy.delay(1, SlowDown(120)) == 120
    assert policy.delay(1, SlowDown(10**9)) == 3600
    assert policy.delay(1, SlowDown(0)) == 1


async def test_rate_limited_job_is_parked_for_retry_after(queue: MemoryQueue) -> None:
    async def handler(d: Delivery) -> None:
        raise SlowDown(retry_after=300)

    await queue.submit(delivery("a"))
    worker = Worker(queue, handler, metrics=Metrics(), config=config())

    assert await worker.process(await _claim(queue)) == "retried"
    assert await queue.claim("w", lease_seconds=1) is None  # parked for 300 s
    assert await queue.depth() == 1


async def test_stop_lets_in_flight_jobs_finish_and_claims_nothing_new(queue: MemoryQueue) -> None:
    started = asyncio.Event()
    release = asyncio.Event()
    finished: list[str] = []

    async def handler(d: Delivery) -> None:
        started.set()
        await release.wait()
        finished.append(d.id)

    await queue.submit(delivery("a"))
    stop = asyncio.Event()
    worker = Worker(queue, handler, metrics=Metrics(), config=config(concurrency=1))
    task = asyncio.create_task(worker.run(stop))
    await started.wait()
    await queue.submit(delivery("b"))

    stop.set()
    await asyncio.sleep(0.05)
    release.set()
    await task

    assert finished == ["a"]
    assert await queue.depth() == 1  # "b" waits for the next worker


async def test_a_delivery_claimed_while_stopping_is_handed_back_not_run(queue: MemoryQueue) -> None:
    """SIGTERM lands while a claim is waiting on the queue (Redis blocks up to a poll): the job the
    claim returns is released at once, without an attempt, for the next worker."""
    stop = asyncio.Event()
    ran: list[str] = []

    class StopDuringClaim(MemoryQueue):
        async def claim(self, worker: str, *, lease_seconds: float) -> Delivery | None:
            claimed = await super().claim(worker, lease_seconds=lease_seconds)
            if claimed is not None:
                stop.set()  # the signal arrived while this claim was in flight
            return claimed

    async def handler(d: Delivery) -> None:
        ran.append(d.id)

    stopping = StopDuringClaim()
    await stopping.submit(delivery("late"))
    await Worker(stopping, handler, metrics=Metrics(), config=config(concurrency=1)).run(stop)

    assert ran == []
    again = await stopping.claim("next", lease_seconds=1)
    assert again is not None and (again.id, again.attempts) == ("late", 1)  # the release used no attempt


async def test_a_job_still_running_after_the_drain_period_is_released(queue: MemoryQueue) -> None:
    started = asyncio.Event()

    async def handler(d: Delivery) -> None:
        started.set()
        await asyncio.sleep(60)

    metrics = Metrics()
    await queue.submit(delivery("a"))
    stop = asyncio.Event()
    worker = Worker(queue, handler, metrics=metrics, config=config(drain_seconds=0.05))
    task = asyncio.create_task(worker.run(stop))
    await started.wait()

    stop.set()
    await task

    again = await queue.claim("next", lease_seconds=1)
    assert again is not None and (again.id, again.attempts) == ("a", 1)  # the release used no attempt
    assert samples(metrics)[("devdocs_jobs_total", (("event", "pull_request"), ("outcome", "released")))] == 1


async def test_concurrency_is_bounded(queue: MemoryQueue) -> None:
    running = 0
    peak = 0
    done: list[str] = []

    async def handler(d: Delivery) -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.01)
        running -= 1
        done.append(d.id)

    for n in range(8):
        await queue.submit(delivery(f"d{n}"))

    worker = Worker(queue, handler, metrics=Metrics(), config=config(concurrency=3))
    await run_until(worker, lambda: len(done) == 8)

    assert peak == 3


async def test_a_queue_that_fails_to_claim_does_not_kill_the_loop() -> None:
    class BrokenThenFine(MemoryQueue):
        failures = 2

        async def claim(self, worker: str, *, lease_seconds: float) -> Delivery | None:
            if self.failures:
                self.failures -= 1
                raise ConnectionError("queue down")
            return await super().claim(worker, lease_seconds=lease_seconds)

    queue = BrokenThenFine()
    done: list[str] = []

    async def handler(d: Delivery) -> None:
        done.append(d.id)

    await queue.submit(delivery("a"))

    await run_until(Worker(queue, handler, metrics=Metrics(), config=config()), lambda: done == ["a"])


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    from bot.logs import configure_logging

    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    out = io.StringIO()
    configure_logging(level="INFO", stream=out)
    yield out
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])


async def test_a_handler_failure_is_logged_once_with_the_delivery_id(
    queue: MemoryQueue, log_stream: io.StringIO
) -> None:
    async def handler(d: Delivery) -> None:
        raise Permanent("bad payload")

    await queue.submit(delivery("guid-123"))
    await Worker(queue, handler, metrics=Metrics(), config=config()).process(await _claim(queue))

    errors = [json.loads(line) for line in log_stream.getvalue().splitlines()]
    errors = [e for e in errors if e["level"] == "ERROR"]
    assert len(errors) == 1
    assert errors[0]["delivery_id"] == "guid-123"
    assert "Permanent: bad payload" in errors[0]["msg"]
    assert "Traceback" in errors[0]["exc"]


async def _claim(queue: MemoryQueue) -> Delivery:
    claimed = await queue.claim("w", lease_seconds=60)
    assert claimed is not None
    return claimed

