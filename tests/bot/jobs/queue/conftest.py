"""Fixtures for the queue tests: a real redis-server per session (or per test), backends by name.

Every test that needs Redis gets a server of its own making: ``redis-server`` on a free loopback
port, with a temporary directory, no RDB snapshots and AOF on (``appendfsync always``, the
setting the durability tests rely on). When ``redis-server`` is missing the Redis tests are
skipped locally, but FAIL under CI (``CI`` set): CI must never skip them silently.
"""

from __future__ import annotations

import faulthandler
import os
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.jobs.queue import Delivery, DeliveryQueue
from tests import redisproc

REPO = Path(__file__).resolve().parents[4]
OpenQueue = Callable[..., Awaitable[DeliveryQueue]]
HANG_SECONDS = 180.0  # no queue test takes a tenth of this; past it, dump every stack and exit


@pytest.fixture(autouse=True)
def hang_guard() -> Iterator[None]:
    """A hung queue test must fail CI with tracebacks, not sit until CI's time runs out."""
    faulthandler.dump_traceback_later(HANG_SECONDS, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


@dataclass
class RedisServer:
    """One redis-server process on loopback; ``kill()`` + ``start()`` keep the port and the AOF."""

    binary: str
    directory: Path
    port: int = field(default_factory=redisproc.free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = redisproc.spawn_redis(self.binary, self.port, self.directory)
        self._wait_for_ping()

    def kill(self) -> None:
        """kill -9: no shutdown hook runs, only what reached the AOF survives."""
        redisproc.kill_process(self.process)

    def stop(self) -> None:
        redisproc.stop_process(self.process)

    def _wait_for_ping(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited with {self.process.returncode}:\n"
                                   f"{redisproc.redis_log_tail(self.directory)}")
            if redisproc.redis_pong(self.port):
                return
            time.sleep(0.02)
        raise RuntimeError(f"redis-server on port {self.port} did not answer PING within {timeout} s")


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """One server for the session; tests keep apart by key prefix."""
    server = RedisServer(redisproc.redis_server_binary(), tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def own_redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A server for one test, which may kill and restart it."""
    directory = tmp_path / "redis"
    directory.mkdir()
    server = RedisServer(redisproc.redis_server_binary(), directory)
    server.start()
    yield server
    server.stop()


def delivery(id: str, key: str | None = None, at: float | None = None, body: bytes = b"{}") -> Delivery:
    return Delivery(
        id=id,
        event="pull_request",
        body=body,
        received_at=time.time() if at is None else at,
        coalesce_key=key,
    )


def run_python(code: str, *args: str, timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
    """Run *code* in a fresh interpreter with the repository importable."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=REPO,
    )


def run_python_in_lockstep(code: str, argsets: list[list[str]], timeout: float = 60.0) -> list[tuple[int, str, str]]:
    """Start one interpreter per argset; release them together once all printed ``ready``.

    Returns (returncode, stdout after ``ready``, stderr) per child.
    """
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    children = [
        subprocess.Popen(
            [sys.executable, "-c", code, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=REPO,
        )
        for args in argsets
    ]
    try:
        for child in children:
            assert child.stdout is not None
            line = child.stdout.readline()
            assert line.strip() == "ready", f"child said {line!r}: {child.stderr.read() if child.stderr else ''}"
        for child in children:
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        outputs = [child.communicate(timeout=timeout) for child in children]
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
    return [(child.returncode, out, err) for child, (out, err) in zip(children, outputs, strict=True)]


BACKENDS = ["memory", "sqlite", pytest.param("redis", marks=pytest.mark.integration)]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    if name == "memory":
        pytest.importorskip("bot.jobs.memory")  # written by another engineer; may not exist yet
    return name


@pytest.fixture
async def new_queue(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[OpenQueue]:
    """Open queues on one shared store: each call is another process's view (another client)."""
    opened: list[DeliveryQueue] = []
    shared: list[DeliveryQueue] = []
    prefix = f"t{uuid.uuid4().hex[:10]}"

    async def open_one(*, lease_tick: float = 0.3, max_attempts: int = 8) -> DeliveryQueue:
        queue: DeliveryQueue
        if backend == "memory":
            from bot.jobs.memory import MemoryQueue

            if not shared:  # in one process "another client" is the same object
                shared.append(MemoryQueue())
            return shared[0]
        if backend == "sqlite":
            from bot.jobs.sqlite.queue import SqliteQueue
            from bot.jobs.sqlite.store import SqliteOptions

            queue = SqliteQueue(tmp_path / "queue.db", SqliteOptions(max_attempts=max_attempts))
        else:
            from bot.jobs.redis.keys import RedisOptions
            from bot.jobs.redis.queue import RedisQueue

            server: RedisServer = request.getfixturevalue("redis_server")
            options = RedisOptions(prefix=prefix, idle_timeout=lease_tick, max_attempts=max_attempts, block_seconds=0.1)
            queue = RedisQueue(server.url, options)
        opened.append(queue)
        return queue

    yield open_one
    for queue in [*opened, *shared]:
        await queue.close()
