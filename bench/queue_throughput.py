"""Submit latency of the durable queues at fixed request rates (loopback, bounded).

    .venv/bin/python bench/queue_throughput.py                     # sqlite and redis, 100/300/500 per s
    .venv/bin/python bench/queue_throughput.py --backends sqlite --rates 500 --seconds 10

Open loop: submit *n* is started at ``start + n / rate`` whether or not earlier ones have
returned, and its latency is measured from that scheduled instant, so a stalled store shows up
as latency instead of silently lowering the rate (no coordinated omission). Each submit carries a
real ``pull_request`` payload (28 KB; a 25 KB look-alike if the sample is missing) and a
coalesce key spread over 200 PRs. Unless ``--no-worker``,
a separate worker process claims and completes deliveries at the same time, as in production
(for SQLite it competes for the same write lock).

Redis: a private ``redis-server`` on a free loopback port with AOF ``appendfsync always`` (the
setting the durability tests use; ``--appendfsync everysec`` to compare), unless ``--redis-url``.
SQLite: a file in a temporary directory (``--dir`` to choose the file system), WAL,
``synchronous=FULL``. Target (issue 4): p99 <= 20 ms at 500 submits/s on a 2-core machine.

After a one-second warm-up at the highest rate, the objects alive then are frozen out of the
garbage collector (``gc.freeze()``, as a web process may after start-up): otherwise a full
collection over what taskiq and pydantic import stalls the event loop for 40-70 ms on a busy
machine, which is the interpreter's latency, not the queue's (``--no-gc-freeze`` to see it).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.jobs.factory import open_queue  # noqa: E402
from bot.jobs.queue import Delivery, DeliveryQueue  # noqa: E402

WORKER = """
import asyncio, sys
from bot.jobs.factory import open_queue

async def main() -> None:
    queue = open_queue(sys.argv[1])
    await queue.depth()
    print("ready", flush=True)
    while True:
        claimed = await queue.claim("bench-worker", lease_seconds=60)
        if claimed is None:
            await asyncio.sleep(0.005)
        else:
            await queue.complete(claimed)

asyncio.run(main())
"""


@dataclass(frozen=True)
class Row:
    backend: str
    rate: int
    worker: bool
    submits: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    achieved_per_s: float
    errors: int


SAMPLE = REPO / "tests" / "bot" / "payloads" / "pull_request.synchronize.json"


def webhook_body(size: int) -> bytes:
    """A real ``pull_request`` payload when the repository has one, else a look-alike of *size* bytes."""
    if SAMPLE.is_file():
        return SAMPLE.read_bytes()
    rng = random.Random(12)
    fields: dict[str, str] = {}
    while len(json.dumps(fields)) < size:  # URLs and SHAs, like GitHub's payloads (compress ~5-8x)
        sha = f"{rng.getrandbits(160):040x}"
        fields[f"field_{len(fields)}"] = f"https://api.github.com/repos/octo/repo/commits/{sha}"
    return json.dumps({"action": "synchronize", "pull_request": fields}).encode()


async def measure(queue: DeliveryQueue, *, rate: int, seconds: float, body: bytes, tag: str) -> tuple[list[float], int]:
    """Latencies (s) of ``rate * seconds`` submits started on an open-loop schedule, and errors."""
    loop = asyncio.get_running_loop()
    count = int(rate * seconds)
    start = loop.time() + 0.2
    latencies: list[float] = []
    errors = 0

    async def one(n: int, scheduled: float) -> None:
        nonlocal errors
        sent = Delivery(f"{tag}-{n}", "pull_request", body, time.time(), f"octo/repo#{n % 200}")
        try:
            await queue.submit(sent)
        except Exception:  # counted, not hidden: a failed submit is a 5xx to GitHub
            errors += 1
            return
        latencies.append(loop.time() - scheduled)

    tasks = []
    for n in range(count):  # a request arrives on schedule, whatever became of the earlier ones
        scheduled = start + n / rate
        if scheduled > loop.time():
            await asyncio.sleep(scheduled - loop.time())
        tasks.append(asyncio.create_task(one(n, scheduled)))
    await asyncio.gather(*tasks)
    return latencies, errors


async def bench_backend(name: str, url: str, args: argparse.Namespace, body: bytes) -> list[Row]:
    queue = open_queue(url)
    rows = []
    try:
        await measure(queue, rate=max(args.rates), seconds=1.0, body=body, tag="warmup")  # connections, caches
        if not args.no_gc_freeze:
            gc.freeze()  # what a long-running web process does after start-up (see --no-gc-freeze)
        for rate in args.rates:
            with _worker(url, enabled=not args.no_worker):
                started = time.perf_counter()
                latencies, errors = await measure(queue, rate=rate, seconds=args.seconds, body=body, tag=f"r{rate}")
                elapsed = time.perf_counter() - started
            rows.append(_row(name, rate, not args.no_worker, latencies, errors, elapsed))
            print(_format_row(rows[-1]), file=sys.stderr, flush=True)
    finally:
        await queue.close()
    return rows


def _row(name: str, rate: int, worker: bool, latencies: list[float], errors: int, elapsed: float) -> Row:
    ordered = sorted(latencies) or [float("nan")]
    return Row(
        backend=name,
        rate=rate,
        worker=worker,
        submits=len(latencies),
        p50_ms=statistics.median(ordered) * 1000,
        p99_ms=ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
        max_ms=ordered[-1] * 1000,
        achieved_per_s=len(latencies) / elapsed,
        errors=errors,
    )


@contextmanager
def _worker(url: str, *, enabled: bool) -> Iterator[None]:
    if not enabled:
        yield
        return
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [sys.executable, "-c", WORKER, url],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    if process.stdout.readline().strip() != "ready":  # imported and connected before the clock starts
        raise SystemExit("the bench worker did not start")
    time.sleep(0.5)
    try:
        yield
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()


@contextmanager
def _redis_server(directory: Path, appendfsync: str) -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed (bash .ci/services.sh installs it); or pass --redis-url")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes",
               "--appendfsync", appendfsync, "--dir", str(directory)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for_port(port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise SystemExit(f"redis-server on port {port} did not answer")


def _format_row(row: Row) -> str:
    return (
        f"| {row.backend:<22} | {row.rate:>5}/s | {'yes' if row.worker else 'no':<6} | {row.submits:>7} "
        f"| {row.p50_ms:>7.2f} | {row.p99_ms:>7.2f} | {row.max_ms:>8.2f} | {row.achieved_per_s:>8.1f} "
        f"| {row.errors:>6} |"
    )


def _table(rows: list[Row]) -> str:
    header = (
        "| backend                |  rate   | worker | submits | p50 ms  | p99 ms  |  max ms  | done/s   "
        "| errors |\n|------------------------|---------|--------|---------|---------|---------|----------"
        "|----------|--------|"
    )
    return "\n".join([header, *(_format_row(row) for row in rows)])


async def main(args: argparse.Namespace) -> list[Row]:
    body = webhook_body(args.body_kb * 1024)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(dir=args.dir) as scratch:
        if "sqlite" in args.backends:
            url = f"sqlite:///{Path(scratch) / 'queue.db'}"
            rows += await bench_backend("sqlite (WAL, FULL)", url, args, body)
        if "redis" in args.backends:
            redis_dir = Path(scratch) / "redis"
            redis_dir.mkdir()
            if args.redis_url:
                rows += await bench_backend("redis", f"{args.redis_url}?prefix=bench{os.getpid()}", args, body)
            else:
                with _redis_server(redis_dir, args.appendfsync) as url:
                    rows += await bench_backend(f"redis (AOF {args.appendfsync})", url, args, body)
    return rows


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backends", type=lambda s: s.split(","), default=["sqlite", "redis"])
    parser.add_argument("--rates", type=lambda s: [int(r) for r in s.split(",")], default=[100, 300, 500])
    parser.add_argument("--seconds", type=float, default=5.0, help="measured seconds per rate")
    parser.add_argument("--body-kb", type=int, default=25, help="look-alike body size if no sample payload")
    parser.add_argument("--no-worker", action="store_true", help="no concurrent claim/complete process")
    parser.add_argument("--redis-url", help="use this Redis instead of starting one")
    parser.add_argument("--appendfsync", choices=["always", "everysec"], default="always")
    parser.add_argument("--dir", help="where the SQLite file and Redis AOF go (default: the temp dir)")
    parser.add_argument(
        "--no-gc-freeze",
        action="store_true",
        help="leave the modules imported at start-up in the collector's care (gen-2 pauses of 40-70 ms)",
    )
    parser.add_argument("--json", action="store_true", help="print the rows as JSON instead of a table")
    return parser.parse_args(argv)


if __name__ == "__main__":
    arguments = parse_args()
    load_before = os.getloadavg()[0]
    results = asyncio.run(main(arguments))
    print(json.dumps([asdict(row) for row in results], indent=2) if arguments.json else _table(results))
    print(
        f"\n{os.cpu_count()} CPUs; load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after; "
        f"{arguments.seconds:g} s per rate; Python {sys.version.split()[0]}",
        file=sys.stderr if arguments.json else sys.stdout,
    )
