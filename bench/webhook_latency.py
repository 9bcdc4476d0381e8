"""Webhook acknowledgement latency (p50/p99) at increasing request rates, on loopback only.

Starts ``python -m bot serve`` on a free 127.0.0.1 port (web only by default: the acknowledgement
path is verify → parse → triage → queue.submit → 202), then sends signed ``pull_request``
``synchronize`` deliveries open-loop at each rate for a bounded time, and prints a table.

    .venv/bin/python bench/webhook_latency.py                       # memory queue, 50..500 req/s
    .venv/bin/python bench/webhook_latency.py --queue-url sqlite:////tmp/bench-queue.db
    .venv/bin/python bench/webhook_latency.py --rates 100 300 500 --seconds 10

Latency is measured from the moment a request is sent to the moment its response arrives
("service"), and from the moment it was due by the schedule ("scheduled", which also counts any
delay of the load generator itself). The load generator and the server share this machine.
Bounded: at most ``--seconds`` per rate (and ``--max-requests``), every request has a timeout, and
nothing but 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import hmac
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "bot" / "payloads" / "pull_request.synchronize.json"
SECRET = "bench-secret-" + os.urandom(8).hex()
PULL_REQUESTS = 50  # deliveries spread over this many PRs (coalescing keeps the queue small)
HOST = "127.0.0.1"
REQUEST_TIMEOUT = 10.0


@dataclass(frozen=True)
class Result:
    rate: int
    sent: int
    accepted: int
    errors: int
    seconds: float
    service: list[float]
    scheduled: list[float]


def main() -> int:
    args = parse_args()
    bodies = signed_bodies()
    with app_server(args.queue_url, args.worker, args.log_level) as url:
        port = int(url.rsplit(":", 1)[1])
        asyncio.run(warm_up(port, bodies))
        results = [asyncio.run(run_rate(port, bodies, rate, args.seconds, args.max_requests))
                   for rate in args.rates]
    print_table(results, args)
    return 0 if all(r.errors == 0 for r in results) else 1


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", type=int, nargs="+", default=[50, 100, 200, 300, 500])
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of each rate (default 5)")
    parser.add_argument("--max-requests", type=int, default=5000, help="cap per rate (default 5000)")
    parser.add_argument("--queue-url", default="memory://", help="DEVDOCS_QUEUE_URL for the server")
    parser.add_argument("--log-level", default="INFO", help="DEVDOCS_LOG_LEVEL for the server (default INFO)")
    parser.add_argument("--worker", action="store_true",
                        help="run the embedded worker too (its GitHub calls fail: no GitHub is reachable)")
    return parser.parse_args()


# -- the server --------------------------------------------------------------------------------


@contextlib.contextmanager
def app_server(queue_url: str, worker: bool, log_level: str = "INFO") -> Iterator[str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEVDOCS_")}
    env.update({
        "DEVDOCS_APP_ID": "1",
        "DEVDOCS_PRIVATE_KEY": throwaway_key(),
        "DEVDOCS_WEBHOOK_SECRET": SECRET,
        "DEVDOCS_GITHUB_API_URL": "http://127.0.0.1:9",  # discard port: nothing leaves the machine
        "DEVDOCS_QUEUE_URL": queue_url,
        "DEVDOCS_LOG_LEVEL": log_level,  # INFO (the default) writes one JSON line per delivery
    })
    command = [sys.executable, "-m", "bot", "serve", "--host", HOST, "--port", str(port)]
    if not worker:
        command.append("--no-worker")
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://{HOST}:{port}"
        try:
            wait_ready(url, process, log)
            yield url
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_ready(url: str, process: subprocess.Popen[bytes], log: object) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return
        time.sleep(0.1)
    raise SystemExit("the server did not become ready within 30 s")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def throwaway_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pkcs1 = serialization.PrivateFormat.TraditionalOpenSSL
    return key.private_bytes(serialization.Encoding.PEM, pkcs1, serialization.NoEncryption()).decode()


# -- the load ----------------------------------------------------------------------------------


def signed_bodies() -> list[tuple[bytes, str]]:
    """One ``pull_request.synchronize`` body per PR number, signed once up front."""
    template = json.loads(SAMPLE.read_text(encoding="utf-8"))
    bodies = []
    for number in range(1, PULL_REQUESTS + 1):
        template["number"] = template["pull_request"]["number"] = number
        body = json.dumps(template).encode()
        digest = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        bodies.append((body, f"sha256={digest}"))
    return bodies


class Connections:
    """Keep-alive HTTP/1.1 connections to the server, opened on demand (up to *limit*).

    A deliberately thin client (pre-built request bytes, a minimal response reader), so the
    numbers measure the server rather than the load generator.
    """

    def __init__(self, port: int, limit: int = 256) -> None:
        self.port = port
        self.limit = limit
        self.opened = 0
        self.idle: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()

    async def acquire(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self.idle.empty() and self.opened < self.limit:
            self.opened += 1
            return await asyncio.open_connection(HOST, self.port)
        return await self.idle.get()

    def release(self, connection: tuple[asyncio.StreamReader, asyncio.StreamWriter]) -> None:
        self.idle.put_nowait(connection)

    async def close(self) -> None:
        while not self.idle.empty():
            _, writer = self.idle.get_nowait()
            writer.close()

    async def post(self, request: bytes) -> int:
        reader, writer = connection = await self.acquire()
        writer.write(request)
        status = int((await reader.readline()).split()[1])
        length = 0
        while (line := await reader.readline()) not in (b"\r\n", b""):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        await reader.readexactly(length)
        self.release(connection)
        return status


def request_bytes(port: int, body: bytes, signature: str, delivery: str) -> bytes:
    head = (f"POST /webhooks/github HTTP/1.1\r\nHost: {HOST}:{port}\r\nUser-Agent: GitHub-Hookshot/bench\r\n"
            f"Content-Type: application/json\r\nX-GitHub-Event: pull_request\r\n"
            f"X-GitHub-Delivery: {delivery}\r\nX-Hub-Signature-256: {signature}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")
    return head.encode() + body


async def warm_up(port: int, bodies: list[tuple[bytes, str]]) -> None:
    await run_rate(port, bodies, rate=50, seconds=1.0, max_requests=50)


async def run_rate(port: int, bodies: list[tuple[bytes, str]], rate: int, seconds: float,
                   max_requests: int) -> Result:
    count = min(max_requests, max(1, int(rate * seconds)))
    run_id = os.urandom(4).hex()
    requests = [request_bytes(port, *bodies[i % len(bodies)], f"bench-{run_id}-{i}") for i in range(count)]
    connections = Connections(port)
    service: list[float] = []
    scheduled: list[float] = []
    statuses: list[int] = []
    start = time.perf_counter() + 0.05

    async def one(index: int) -> None:
        due = start + index / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        sent = time.perf_counter()
        try:
            statuses.append(await asyncio.wait_for(connections.post(requests[index]), REQUEST_TIMEOUT))
        except (OSError, TimeoutError, ValueError, IndexError, asyncio.IncompleteReadError):
            statuses.append(0)
            return
        done = time.perf_counter()
        service.append(done - sent)
        scheduled.append(done - due)

    await asyncio.gather(*(one(i) for i in range(count)))
    elapsed = time.perf_counter() - start
    await connections.close()
    accepted = sum(1 for s in statuses if s == 202)
    return Result(rate, count, accepted, count - accepted, elapsed, service, scheduled)


# -- the report --------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def print_table(results: list[Result], args: argparse.Namespace) -> None:
    worker = "on" if args.worker else "off"
    print(f"webhook acknowledgement latency — queue {args.queue_url}, worker {worker}, log level "
          f"{args.log_level}, {args.seconds:g} s per rate, loopback, {os.cpu_count()} CPUs")
    header = (f"{'rate/s':>7} {'sent':>6} {'202':>6} {'errors':>6} {'achieved/s':>10} "
              f"{'p50 ms':>7} {'p90 ms':>7} {'p99 ms':>7} {'max ms':>7} {'p99 sched ms':>12}")
    print(header)
    print("-" * len(header))
    for r in results:
        achieved = r.sent / r.seconds if r.seconds else 0.0
        print(f"{r.rate:>7} {r.sent:>6} {r.accepted:>6} {r.errors:>6} {achieved:>10.0f} "
              f"{percentile(r.service, 0.50):>7.2f} {percentile(r.service, 0.90):>7.2f} "
              f"{percentile(r.service, 0.99):>7.2f} {max(r.service, default=0) * 1000:>7.2f} "
              f"{percentile(r.scheduled, 0.99):>12.2f}")
    means = [statistics.fmean(r.service) * 1000 for r in results if r.service]
    if means:
        print(f"mean service latency across rates: {statistics.fmean(means):.2f} ms")


if __name__ == "__main__":
    raise SystemExit(main())
