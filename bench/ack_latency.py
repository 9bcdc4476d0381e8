"""Webhook acknowledgement latency with the durable stores: p50/p99/max at fixed rates, open loop.

For each store (``memory`` for reference, ``sqlite`` with ``synchronous=FULL``, ``redis`` with AOF)
this starts ``devdocs-review serve --no-worker`` under uvicorn on a free 127.0.0.1 port (and, for
Redis, a private ``redis-server`` with ``appendonly yes``), then for each rate sends signed
``pull_request.synchronize`` deliveries on a fixed schedule and prints one table::

    .venv/bin/python bench/ack_latency.py                                  # all stores, 100/300/500
    .venv/bin/python bench/ack_latency.py --stores sqlite redis --rates 500 --seconds 20
    .venv/bin/python bench/ack_latency.py --redis-fsync always             # fsync before every reply
    .venv/bin/python bench/ack_latency.py --web-workers 2                  # serve --workers 2

How it measures (open loop, so coordinated omission cannot hide queueing):

* every request is built before the run: a unique ``X-GitHub-Delivery`` and a unique body (its own
  head SHA; PR numbers cycle over ``--prs``), HMAC-SHA256-signed once, as raw HTTP/1.1 bytes;
* request *i* is due at ``start + i / rate``; a single sender writes each request when it is due on
  an idle keep-alive connection (a pool of raw asyncio sockets on uvloop; a new connection is opened
  when all are busy, so a slow server never slows the schedule);
* latency is taken from the *due* time to the end of the response (status line, headers, and the
  small body ``Content-Length`` announces): a late sender, a busy server or a full pool all count;
* achieved rate = 202 responses / (last response - first due time); errors = anything but 202
  (timeouts and dropped connections included).

The load generator runs in this process and shares the 2 CPUs with the server (and Redis): it does
no JSON, no HMAC and no HTTP parsing beyond the status line during the run. Bounded: at most
``--seconds`` per rate and ``--max-requests``, every request has ``--timeout`` to answer, and
nothing but 127.0.0.1 is contacted. Exits 0 after printing, whatever the figures are.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import hashlib
import hmac
import json
import os
import platform
import sys
import tempfile
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import uvloop

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # python bench/ack_latency.py from anywhere
from bench import _harness as harness

SAMPLE = harness.ROOT / "tests" / "bot" / "payloads" / "pull_request.synchronize.json"
SECRET = os.environ.get("BENCH_WEBHOOK_SECRET") or "bench-secret-" + os.urandom(8).hex()
STORES = ("memory", "sqlite", "redis")


@dataclass
class Result:
    store: str
    rate: int
    sent: int
    latencies: list[float] = field(default_factory=list)  # seconds, from the due time
    service: list[float] = field(default_factory=list)  # seconds, from the actual write
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    span: float = 0.0  # first due time → last response
    late_sends: int = 0  # requests written more than 1 ms after they were due
    connections: int = 0
    server_cpu: float = float("nan")  # CPU seconds the server's processes used during the rate
    store_cpu: float = float("nan")  # ... redis-server
    other_cpu: float = float("nan")  # share of the machine's CPUs busy with anything else
    generator_cpu: float = float("nan")  # CPU seconds this process (the load generator) used
    timeline: list[tuple[float, float]] = field(default_factory=list)  # (due - start, latency) of 202s

    @property
    def accepted(self) -> int:
        return self.statuses.get(202, 0)


def main() -> int:
    args = parse_args()
    if args.nice:
        os.setpriority(os.PRIO_PROCESS, 0, args.nice)  # inherited by the server and redis-server
    results: list[Result] = []
    for store in args.stores:
        with store_url(store, args.redis_fsync, args.attach, args.sqlite_synchronous) as (queue_url, store_pids), \
                server(queue_url, args) as (port, server_pid):
            runner = asyncio.Runner(loop_factory=uvloop.new_event_loop)
            with runner:
                runner.run(warm_up(port, args))
                server_pids = harness.process_tree(server_pid) if server_pid else []
                for rate in args.rates:
                    requests = Requests(port, args.prs).make(min(args.max_requests, max(1, int(rate * args.seconds))))
                    gc.collect()
                    time.sleep(args.pause)
                    usage = Usage(server_pids, store_pids)
                    result = runner.run(run_rate(store, port, rate, requests, args))
                    usage.finish(result)
                    results.append(result)
                    if args.dump:
                        with args.dump.open("a") as dump:
                            dump.writelines(f"{store},{rate},{due:.6f},{lag:.6f}\n" for due, lag in result.timeline)
                    print_row(result, header=len(results) == 1)
    print()
    print_table(results, args)
    return 0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", nargs="+", choices=STORES, default=list(STORES))
    parser.add_argument("--rates", type=int, nargs="+", default=[100, 300, 500])
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of each rate (default 10)")
    parser.add_argument("--max-requests", type=int, default=10_000, help="cap per rate (default 10000)")
    parser.add_argument("--prs", type=int, default=200, help="PR numbers the deliveries cycle over")
    parser.add_argument("--connections", type=int, default=16, help="keep-alive connections opened up front")
    parser.add_argument("--max-connections", type=int, default=512)
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds a request may take")
    parser.add_argument("--pause", type=float, default=1.0, help="seconds of quiet between rates")
    parser.add_argument("--redis-fsync", choices=("everysec", "always"), default="everysec")
    parser.add_argument("--sqlite-synchronous", choices=("full", "normal"), default="full",
                        help="normal: no fsync per submit (not durable on power loss; to see what the fsync costs)")
    parser.add_argument("--web-workers", type=int, default=1, help="serve --workers N (default 1)")
    parser.add_argument("--log-level", default="INFO", help="DEVDOCS_LOG_LEVEL of the server")
    parser.add_argument("--app-dir", type=Path, default=harness.ROOT,
                        help="run the server from this checkout of the repository (e.g. an older commit, "
                        "unpacked with git archive, to compare before and after a change)")
    parser.add_argument("--dump", type=Path, help="write every request's due time and latency (CSV) here")
    parser.add_argument("--nice", type=int, default=0,
                        help="scheduling priority of this generator, the server and redis-server (a negative "
                        "value needs root): on a machine shared with other work, -10 approximates a "
                        "dedicated one")
    parser.add_argument("--server-log", type=Path, help="keep the server's log here")
    parser.add_argument("--attach", type=int, metavar="PORT",
                        help="load a server already listening on 127.0.0.1:PORT (for profiling it); its "
                        "webhook secret must be in BENCH_WEBHOOK_SECRET; --stores then only labels the rows")
    return parser.parse_args()


# -- the stores and the server -------------------------------------------------------------------


@contextlib.contextmanager
def store_url(store: str, redis_fsync: str, attach: int | None = None,
              sqlite_synchronous: str = "full") -> Iterator[tuple[str, list[int]]]:
    """The queue URL for *store*, and the processes that serve it (redis-server)."""
    if store == "memory" or attach:
        yield "memory://", []
    elif store == "sqlite":
        with tempfile.TemporaryDirectory(prefix="bench-sqlite-") as directory:
            yield f"sqlite:///{directory}/queue.db?synchronous={sqlite_synchronous}", []
    else:
        with harness.redis_server(redis_fsync) as redis:
            yield redis.url, [redis.pid]


@contextlib.contextmanager
def server(queue_url: str, args: argparse.Namespace) -> Iterator[tuple[int, int | None]]:
    """``serve --no-worker`` on a free port: yields the port and the process id."""
    if args.attach:
        yield args.attach, None
        return
    port = harness.free_port()
    env = harness.app_env(secret=SECRET, queue_url=queue_url, key_pem=harness.private_pem(harness.throwaway_key()),
                          log_level=args.log_level)
    command = [sys.executable, "-m", "bot", "serve", "--host", harness.HOST, "--port", str(port), "--no-worker"]
    if args.web_workers > 1:
        command += ["--workers", str(args.web_workers)]
    with harness.process(command, env=env, name="serve", keep_log=args.server_log, cwd=args.app_dir) as child:
        harness.wait_http(f"http://{harness.HOST}:{port}/readyz", child)
        yield port, child.pid


# -- the requests ----------------------------------------------------------------------------------


class Requests:
    """Pre-built, pre-signed raw requests: unique delivery id and head SHA each."""

    def __init__(self, port: int, prs: int) -> None:
        template = json.loads(SAMPLE.read_text(encoding="utf-8"))
        template["number"] = template["pull_request"]["number"] = 999_999_999
        template["after"] = template["pull_request"]["head"]["sha"] = "f" * 40
        self._body = json.dumps(template).encode()
        self._port = port
        self._prs = prs
        self._secret = SECRET.encode()
        self._run = os.urandom(4).hex()
        self._made = 0

    def make(self, count: int) -> list[bytes]:
        built = []
        for _ in range(count):
            i = self._made
            self._made += 1
            sha = hashlib.sha1(f"{self._run}-{i}".encode()).hexdigest().encode()
            body = self._body.replace(b"f" * 40, sha).replace(b"999999999", str(i % self._prs + 1).encode())
            signature = hmac.new(self._secret, body, hashlib.sha256).hexdigest()
            head = (f"POST /webhooks/github HTTP/1.1\r\nHost: {harness.HOST}:{self._port}\r\n"
                    "User-Agent: GitHub-Hookshot/bench\r\nAccept: */*\r\nContent-Type: application/json\r\n"
                    f"X-GitHub-Event: pull_request\r\nX-GitHub-Delivery: bench-{self._run}-{i}\r\n"
                    "X-GitHub-Hook-ID: 1\r\nX-GitHub-Hook-Installation-Target-Type: integration\r\n"
                    f"X-GitHub-Hook-Installation-Target-ID: 1\r\nX-Hub-Signature-256: sha256={signature}\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n")
            built.append(head.encode() + body)
        return built


# -- the load generator ------------------------------------------------------------------------------


class Client(asyncio.Protocol):
    """One keep-alive connection, one request in flight; reads the status line, headers, body."""

    def __init__(self, load: Load) -> None:
        self.load = load
        self.transport: asyncio.Transport | None = None
        self.buffer = b""
        self.index = -1  # the request in flight
        self.sent_at = 0.0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is not an asyncio.Transport

    def send(self, index: int) -> None:
        assert self.transport is not None
        self.index = index
        self.sent_at = time.perf_counter()
        self.transport.write(self.load.requests[index])

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while self.index >= 0:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end]
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if len(self.buffer) < end + 4 + length:
                return
            self.buffer = self.buffer[end + 4 + length:]
            status = int(head.split(b" ", 2)[1])
            index, self.index = self.index, -1
            self.load.answered(self, index, status)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        self.load.lost(self)


class Load:
    """Sends ``requests`` on schedule over a pool of :class:`Client` connections."""

    def __init__(self, port: int, requests: list[bytes], rate: int, args: argparse.Namespace) -> None:
        self.port = port
        self.requests = requests
        self.rate = rate
        self.args = args
        self.idle: list[Client] = []
        self.waiting: deque[int] = deque()  # due, but no connection was free
        self.opening = 0
        self.connections = 0
        self.due = [0.0] * len(requests)
        self.outcome: list[tuple[int, float, float] | None] = [None] * len(requests)  # status, done, sent
        self.remaining = len(requests)
        self.late = 0
        self.finished = asyncio.Event()

    async def open(self, count: int) -> None:
        await asyncio.gather(*(self._connect() for _ in range(count)))

    async def _connect(self) -> None:
        loop = asyncio.get_running_loop()
        self.opening += 1
        try:
            _, client = await loop.create_connection(lambda: Client(self), harness.HOST, self.port)
        except OSError:
            self.opening -= 1
            if self.waiting:  # nobody else may pick it up
                self._fail(self.waiting.popleft())
            return
        self.opening -= 1
        self.connections += 1
        self._next(client)

    def answered(self, client: Client, index: int, status: int) -> None:
        if self.outcome[index] is None:
            self.outcome[index] = (status, time.perf_counter(), client.sent_at)
            self._done_one()
        self._next(client)

    def lost(self, client: Client) -> None:
        if client.index >= 0:
            self._fail(client.index)
            client.index = -1
        with contextlib.suppress(ValueError):
            self.idle.remove(client)

    def _fail(self, index: int) -> None:
        if self.outcome[index] is None:
            self.outcome[index] = (0, time.perf_counter(), 0.0)
            self._done_one()

    def _done_one(self) -> None:
        self.remaining -= 1
        if self.remaining == 0:
            self.finished.set()

    def _next(self, client: Client) -> None:
        if client.transport is None:
            return
        if self.waiting:
            client.send(self.waiting.popleft())
        else:
            self.idle.append(client)

    def _dispatch(self, index: int) -> None:
        if self.idle:
            self.idle.pop().send(index)
            return
        self.waiting.append(index)
        if self.connections + self.opening < self.args.max_connections:
            asyncio.get_running_loop().create_task(self._connect())

    async def run(self) -> float:
        """Send everything on schedule; return the start (the first due time)."""
        count = len(self.requests)
        start = time.perf_counter() + 0.05
        interval = 1.0 / self.rate
        self.due = [start + i * interval for i in range(count)]
        i = 0
        while i < count:
            now = time.perf_counter()
            while i < count and self.due[i] <= now:
                if now - self.due[i] > 0.001:
                    self.late += 1
                self._dispatch(i)
                i += 1
            if i < count:
                await asyncio.sleep(max(0.0, self.due[i] - time.perf_counter()))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.finished.wait(), self.args.timeout)
        for index in range(count):  # no answer within the timeout: an error
            self._fail(index)
        return start

    def close(self) -> None:
        for client in list(self.idle):
            if client.transport is not None:
                client.transport.close()


async def warm_up(port: int, args: argparse.Namespace) -> None:
    """Open connections and run the server's first requests (imports, caches) before measuring."""
    requests = Requests(port, args.prs).make(200)
    load = Load(port, requests, 200, args)
    await load.open(args.connections)
    await load.run()
    load.close()


async def run_rate(store: str, port: int, rate: int, requests: list[bytes], args: argparse.Namespace) -> Result:
    count = len(requests)
    load = Load(port, requests, rate, args)
    await load.open(args.connections)
    gc.disable()  # no collector pause inside the generator during the run
    try:
        start = await load.run()
    finally:
        gc.enable()
        load.close()
    result = Result(store, rate, count, late_sends=load.late, connections=load.connections)
    last = start
    for index, outcome in enumerate(load.outcome):
        assert outcome is not None
        status, done, sent = outcome
        result.statuses[status] = result.statuses.get(status, 0) + 1
        if status != 202:
            result.errors += 1
            continue
        result.latencies.append(done - load.due[index])
        result.timeline.append((load.due[index] - start, done - load.due[index]))
        result.service.append(done - sent)
        last = max(last, done)
    result.span = last - start
    return result


class Usage:
    """CPU used by the server, the store and everything else over one rate (from /proc)."""

    def __init__(self, server_pids: list[int], store_pids: list[int]) -> None:
        self.server_pids, self.store_pids = server_pids, store_pids
        self.wall = time.monotonic()
        self.server = harness.cpu_seconds(server_pids)
        self.store = harness.cpu_seconds(store_pids)
        self.own = _own_cpu()
        self.machine = harness.machine_busy_seconds()

    def finish(self, result: Result) -> None:
        server = harness.cpu_seconds(self.server_pids) - self.server
        store = harness.cpu_seconds(self.store_pids) - self.store
        own = _own_cpu() - self.own
        machine = harness.machine_busy_seconds() - self.machine
        wall = time.monotonic() - self.wall
        if self.server_pids:
            result.server_cpu = server
        if self.store_pids:
            result.store_cpu = store
        result.generator_cpu = own
        result.other_cpu = max(0.0, machine - server - store - own) / (wall * (os.cpu_count() or 1))


def _own_cpu() -> float:
    times = os.times()
    return times.user + times.system


# -- the report ------------------------------------------------------------------------------------

HEADER = (f"{'store':<8} {'rate/s':>6} {'sent':>6} {'errors':>6} {'achieved/s':>10} "
          f"{'p50 ms':>7} {'p90 ms':>7} {'p99 ms':>7} {'max ms':>8} {'p99 svc':>8} {'late':>5} {'conns':>5} "
          f"{'srv us/req':>10} {'store us/req':>12} {'gen us/req':>10} {'other cpu':>9}")


def print_row(r: Result, *, header: bool = False) -> None:
    if header:
        print(HEADER, flush=True)
    achieved = r.accepted / r.span if r.span > 0 else 0.0
    print(f"{r.store:<8} {r.rate:>6} {r.sent:>6} {r.errors:>6} {achieved:>10.0f} "
          f"{harness.percentile(r.latencies, 0.50):>7.2f} {harness.percentile(r.latencies, 0.90):>7.2f} "
          f"{harness.percentile(r.latencies, 0.99):>7.2f} {max(r.latencies, default=float('nan')) * 1000:>8.2f} "
          f"{harness.percentile(r.service, 0.99):>8.2f} {r.late_sends:>5} {r.connections:>5} "
          f"{r.server_cpu / r.sent * 1e6:>10.0f} {r.store_cpu / r.sent * 1e6:>12.0f} "
          f"{r.generator_cpu / r.sent * 1e6:>10.0f} {r.other_cpu:>9.0%}",
          flush=True)


def print_table(results: list[Result], args: argparse.Namespace) -> None:
    redis = f", Redis AOF appendfsync {args.redis_fsync}" if "redis" in args.stores else ""
    web = f", serve --workers {args.web_workers}" if args.web_workers > 1 else ""
    if args.app_dir.resolve() != harness.ROOT:
        web += f", server code from {args.app_dir}"
    sync = args.sqlite_synchronous.upper()
    print(f"acknowledgement latency, serve --no-worker{web}: SQLite synchronous={sync}{redis}; "
          f"{args.seconds:g} s per rate, {args.prs} PRs, latency from the scheduled send time; "
          f"loopback, {os.cpu_count()} CPUs ({platform.processor() or platform.machine()}), "
          f"Python {platform.python_version()}, nice {args.nice}, {time.strftime('%Y-%m-%d')}")
    print(HEADER)
    print("-" * len(HEADER))
    for result in results:
        print_row(result)
    odd = {s: n for r in results for s, n in r.statuses.items() if s != 202}
    if odd:
        print(f"non-202 answers (0 = timeout or dropped connection): {odd}")
    print("p99 svc = p99 from the actual write (excludes generator lateness); late = sends > 1 ms "
          "behind schedule; conns = connections used; srv/store us/req = CPU the server's / "
          "redis-server's processes used per request; gen us/req = the same for this load generator; "
          "other cpu = share of the machine's CPUs busy with other processes during the rate")


if __name__ == "__main__":
    raise SystemExit(main())
