"""What only the durable backends (sqlite, redis) promise, proved with real processes.

Child processes open the queue through ``open_queue(url)``, exactly as the web and worker
processes do, and some of them ``kill -9`` themselves right after a call returns.
"""

from __future__ import annotations

import asyncio
import signal
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from bot.jobs.factory import open_queue
from bot.jobs.queue import Delivery, DeliveryQueue
from tests.bot.jobs.queue.conftest import RedisServer, delivery, run_python, run_python_in_lockstep

LEASE = 0.3

SUBMIT_THEN_DIE = """
import asyncio, os, signal, sys, time
from bot.jobs.queue import Delivery
from bot.jobs.factory import open_queue

async def main() -> None:
    queue = open_queue(sys.argv[1])
    sent = Delivery(sys.argv[2], "pull_request", b'{"number": 1}', time.time(), "octo/repo#1")
    result = await queue.submit(sent)
    assert result.accepted, result
    os.kill(os.getpid(), signal.SIGKILL)  # the web process dies right after it would answer 202

asyncio.run(main())
"""

CLAIM_THEN_DIE = """
import asyncio, os, signal, sys, time
from bot.jobs.factory import open_queue

async def main() -> None:
    queue = open_queue(sys.argv[1])
    deadline = time.monotonic() + 10
    while (claimed := await queue.claim("doomed", lease_seconds=float(sys.argv[2]))) is None:
        assert time.monotonic() < deadline, "nothing to claim"
        await asyncio.sleep(0.02)
    print(claimed.id, claimed.attempts, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)  # the worker dies in the middle of the review

asyncio.run(main())
"""

SUBMIT_SAME_ID = """
import asyncio, sys, time
from bot.jobs.queue import Delivery
from bot.jobs.factory import open_queue

async def main() -> None:
    queue = open_queue(sys.argv[1])
    await queue.depth()  # connected and ready before the start line
    same = Delivery(sys.argv[2], "pull_request", b"{}", 1.0)
    print("ready", flush=True)
    sys.stdin.readline()
    results = await asyncio.gather(*(queue.submit(same) for _ in range(int(sys.argv[3]))))
    print(sum(result.accepted for result in results), flush=True)
    await queue.close()

asyncio.run(main())
"""

CLAIM_ALL = """
import asyncio, sys, time
from bot.jobs.factory import open_queue

async def main() -> None:
    queue = open_queue(sys.argv[1])
    await queue.depth()
    print("ready", flush=True)
    sys.stdin.readline()
    got, idle_since = [], time.monotonic()
    while time.monotonic() - idle_since < 1.0:
        claimed = await queue.claim(sys.argv[2], lease_seconds=60)
        if claimed is None:
            await asyncio.sleep(0.01)
            continue
        got.append(claimed.id)
        await queue.complete(claimed)
        idle_since = time.monotonic()
    print(" ".join(got), flush=True)
    await queue.close()

asyncio.run(main())
"""


@pytest.fixture(params=["sqlite", pytest.param("redis", marks=pytest.mark.integration)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'queue.db'}?max_attempts=2"
    server: RedisServer = request.getfixturevalue("redis_server")
    prefix = f"t{uuid.uuid4().hex[:10]}"
    return f"{server.url}?prefix={prefix}&idle_timeout={LEASE}&block=0.1&max_attempts=2"


Opener = Callable[[], Awaitable[DeliveryQueue]]


@pytest.fixture
async def opener(url: str) -> AsyncIterator[Opener]:
    opened: list[DeliveryQueue] = []

    async def open_one() -> DeliveryQueue:
        opened.append(open_queue(url))
        return opened[-1]

    yield open_one
    for queue in opened:
        await queue.close()


async def claim_within(queue: DeliveryQueue, seconds: float, *, lease: float = 60.0) -> Delivery | None:
    deadline = time.monotonic() + seconds
    while (claimed := await queue.claim("w", lease_seconds=lease)) is None and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    return claimed


async def test_a_delivery_survives_kill_9_right_after_submit_returned(url: str, opener: Opener) -> None:
    child = run_python(SUBMIT_THEN_DIE, url, "acked-then-killed")
    queue = await opener()

    claimed = await claim_within(queue, 3)

    assert child.returncode == -signal.SIGKILL, child.stderr
    assert claimed is not None
    assert (claimed.id, claimed.body, claimed.coalesce_key) == (
        "acked-then-killed",
        b'{"number": 1}',
        "octo/repo#1",
    )


async def test_a_worker_killed_mid_job_leaves_the_delivery_to_another_process(url: str, opener: Opener) -> None:
    queue = await opener()
    await queue.submit(delivery("mid-review", key="octo/repo#5"))

    child = run_python(CLAIM_THEN_DIE, url, str(LEASE))
    died_at = time.monotonic()
    taken = await claim_within(queue, 5)

    assert child.returncode == -signal.SIGKILL, child.stderr
    assert child.stdout.split() == ["mid-review", "1"]
    assert taken is not None and (taken.id, taken.attempts) == ("mid-review", 2)
    assert time.monotonic() - died_at < 5
    await queue.complete(taken)
    assert await queue.depth() == 0


@pytest.mark.slow
async def test_fifty_submits_of_one_id_from_two_processes_accept_exactly_one(url: str, opener: Opener) -> None:
    children = await asyncio.to_thread(run_python_in_lockstep, SUBMIT_SAME_ID, [[url, "same-id", "25"]] * 2)

    assert [code for code, _, _ in children] == [0, 0], [err for _, _, err in children]
    assert sum(int(out) for _, out, _ in children) == 1
    assert await (await opener()).depth() == 1


@pytest.mark.slow
async def test_two_worker_processes_never_get_the_same_delivery(url: str, opener: Opener) -> None:
    queue = await opener()
    sent = {f"d-{n:03d}" for n in range(60)}
    for delivery_id in sorted(sent):
        await queue.submit(delivery(delivery_id))
    children = await asyncio.to_thread(run_python_in_lockstep, CLAIM_ALL, [[url, "w1"], [url, "w2"]])

    assert [code for code, _, _ in children] == [0, 0], [err for _, _, err in children]
    got = [out.split() for _, out, _ in children]
    assert sorted(got[0] + got[1]) == sorted(sent)  # every one, none twice
    assert await queue.depth() == 0


async def test_a_stale_worker_cannot_retry_a_delivery_another_worker_holds(opener: Opener) -> None:
    slow, fast = await opener(), await opener()
    await slow.submit(delivery("contested"))
    stale = await claim_within(slow, 3, lease=LEASE)
    assert stale is not None
    fresh = await claim_within(fast, 5, lease=60)
    assert fresh is not None and fresh.attempts == 2

    await slow.retry(stale, error="too late", delay_seconds=0)  # its lease ran out long ago

    assert await fast.claim("w", lease_seconds=60) is None
    assert await fast.depth() == 1
    await fast.complete(fresh)
    assert await fast.depth() == 0


async def test_a_delivery_is_buried_after_its_last_attempt_and_kept_for_inspection(opener: Opener) -> None:
    queue = await opener()  # max_attempts=2
    await queue.submit(delivery("hopeless", body=b'{"kept": true}'))

    for _ in range(2):
        claimed = await claim_within(queue, 3)
        assert claimed is not None
        await queue.retry(claimed, error=f"GitHub answered 500 on attempt {claimed.attempts}", delay_seconds=0)

    assert await claim_within(queue, 0.5) is None
    assert await queue.depth() == 0
    dead = await queue.dead()  # type: ignore[attr-defined]
    assert [(letter.delivery.id, letter.delivery.body, letter.error) for letter in dead] == [
        ("hopeless", b'{"kept": true}', "GitHub answered 500 on attempt 2")
    ]


async def test_a_delivery_whose_lease_lapses_on_its_last_attempt_is_buried(opener: Opener) -> None:
    queue = await opener()  # max_attempts=2: a delivery that kills its worker twice is given up
    await queue.submit(delivery("poison"))

    for _ in range(2):
        assert await claim_within(queue, 5, lease=LEASE) is not None  # ... and the worker "dies"
        await asyncio.sleep(LEASE + 0.1)

    assert await claim_within(queue, 1) is None
    dead = await queue.dead()  # type: ignore[attr-defined]
    assert [letter.delivery.id for letter in dead] == ["poison"]
    assert "attempt 2 of 2" in dead[0].error
