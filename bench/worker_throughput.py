"""Review jobs per second through 1, 2 and 4 ``devdocs-review worker`` processes, SQLite and Redis.

Each run starts a fresh fake GitHub in its own process (``tests/fakegithub``, the App's real
githubkit client talking to it over loopback) that answers every API request after
``--latency`` seconds (100 ms by default, as a distant GitHub would), a fresh queue (a SQLite file,
or a private ``redis-server`` with AOF on), and K worker processes. Once every worker has logged
that it started, ``--jobs`` ``pull_request.opened`` deliveries are submitted at once, one per PR:
distinct PRs (so nothing is coalesced), each adding one small task folder (plan, context, tasks)
to a small repository. The clock runs from the first submit to the moment the fake holds a
completed ``devdocs-review`` check run for every PR's head SHA::

    .venv/bin/python bench/worker_throughput.py                          # sqlite + redis, 1/2/4 workers
    .venv/bin/python bench/worker_throughput.py --stores sqlite --workers 1 4 --concurrency 1 4 16
    .venv/bin/python bench/worker_throughput.py --jobs 60 --latency 0.1

Workers are I/O-bound here (a review is a handful of sequential GitHub calls of 100 ms each), so
jobs in flight per process (``DEVDOCS_WORKER_CONCURRENCY``, ``--concurrency``) matter as much as
processes; the table has both. Recovery is switched off in the workers
(``DEVDOCS_RECOVERY_INTERVAL=0``) so only review traffic reaches the fake. Speed-up is relative to
1 worker at the same concurrency and store. Also printed: GitHub requests per job, CPU per job in
the workers, and the fake's own CPU per request (it validates every request against GitHub's
OpenAPI description in the tests; here it only routes them unless ``--validate``, see
:func:`_route_only`).

Loopback only, bounded: every run ends after ``--timeout`` seconds at the latest, every process
started here is stopped (SIGTERM, then SIGKILL). Exits 0 after printing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # python bench/worker_throughput.py from anywhere
from bench import _harness as harness

STORES = ("sqlite", "redis")
CHECK_NAME = "devdocs-review"
SECRET = "bench-secret-" + os.urandom(8).hex()
WORKER_STARTED = "started (concurrency"


@dataclass
class Run:
    store: str
    workers: int
    concurrency: int
    jobs: int
    seconds: float = float("nan")
    completed: int = 0
    conclusions: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    worker_cpu: float = float("nan")  # CPU seconds, all worker processes
    fake_cpu: float = float("nan")
    store_cpu: float = float("nan")
    other_cpu: float = float("nan")  # share of the machine's CPUs busy with other processes

    @property
    def rate(self) -> float:
        return self.completed / self.seconds if self.seconds > 0 else 0.0


def main() -> int:
    args = parse_args()
    if args.fake_github:
        return fake_github(args)
    if args.nice:
        os.setpriority(os.PRIO_PROCESS, 0, args.nice)  # inherited by every process started here
    runs: list[Run] = []
    for store in args.stores:
        for concurrency in args.concurrency:
            for workers in args.workers:
                run = one_run(store, workers, concurrency, args)
                runs.append(run)
                print_row(run, runs, header=len(runs) == 1)
    print()
    print_table(runs, args)
    return 0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", nargs="+", choices=STORES, default=list(STORES))
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4], help="worker processes")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[4],
                        help="jobs in flight per worker process (DEVDOCS_WORKER_CONCURRENCY; default 4)")
    parser.add_argument("--jobs", type=int, default=120, help="PR deliveries per run (default 120)")
    parser.add_argument("--latency", type=float, default=0.1, help="seconds the fake waits per request")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds a run may take at most")
    parser.add_argument("--redis-fsync", choices=("everysec", "always"), default="everysec")
    parser.add_argument("--nice", type=int, default=0, help="priority of every process (negative: root)")
    parser.add_argument("--keep-logs", type=Path, help="keep the workers' and the fake's logs in this folder")
    parser.add_argument("--validate", action="store_true",
                        help="let the fake validate every request against the OpenAPI schemas, as in the tests "
                        "(~6-7 ms of its CPU per request: it then caps the figures)")
    # internal: the fake GitHub process
    parser.add_argument("--fake-github", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--public-key", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--deliveries", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args()


# -- one measurement -----------------------------------------------------------------------------


def one_run(store: str, workers: int, concurrency: int, args: argparse.Namespace) -> Run:
    run = Run(store, workers, concurrency, args.jobs)
    key = harness.throwaway_key()
    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-workers-")))
        logs = args.keep_logs / f"{store}-w{workers}-c{concurrency}" if args.keep_logs else folder
        logs.mkdir(parents=True, exist_ok=True)
        fake_url, fake_pid = stack.enter_context(fake_process(key, folder, logs, args))
        queue_url, store_pids = stack.enter_context(queue_for(store, folder, args.redis_fsync))
        deliveries = json.loads((folder / "deliveries.json").read_text())
        env = harness.app_env(secret=SECRET, queue_url=queue_url, key_pem=harness.private_pem(key),
                              api_url=f"{fake_url}/api/v3", app_id=deliveries["app_id"],
                              extra={"DEVDOCS_RECOVERY_INTERVAL": "0",
                                     "DEVDOCS_WORKER_CONCURRENCY": str(concurrency)})
        worker_pids = []
        for n in range(workers):
            log = logs / f"worker-{n}.log"
            child = stack.enter_context(harness.process([sys.executable, "-m", "bot", "worker"], env=env,
                                                        name=f"worker-{n}", keep_log=log))
            worker_pids.append(child.pid)
        wait_started(logs, workers, args.timeout)
        before = _usage(worker_pids, [fake_pid], store_pids)
        started = time.monotonic()
        asyncio.run(submit_all(queue_url, deliveries["deliveries"]))
        deadline = started + args.timeout
        while time.monotonic() < deadline:
            progress = _get(f"{fake_url}/_bench/progress")
            run.completed = progress["completed"]
            if run.completed >= args.jobs:
                break
            time.sleep(0.05)
        run.seconds = time.monotonic() - started
        after = _usage(worker_pids, [fake_pid], store_pids)
        progress = _get(f"{fake_url}/_bench/progress")
        run.conclusions, run.requests = progress["conclusions"], progress["requests"]
        run.worker_cpu, run.fake_cpu, run.store_cpu = (a - b for a, b in zip(after[:3], before[:3], strict=True))
        if not store_pids:
            run.store_cpu = float("nan")
        busy = after[3] - before[3] - sum(a - b for a, b in zip(after[:3], before[:3], strict=True))
        run.other_cpu = max(0.0, busy - (after[4] - before[4])) / (run.seconds * (os.cpu_count() or 1))
    return run


def _usage(workers: list[int], fake: list[int], store: list[int]) -> tuple[float, float, float, float, float]:
    own = os.times()
    return (harness.cpu_seconds(workers), harness.cpu_seconds(fake), harness.cpu_seconds(store),
            harness.machine_busy_seconds(), own.user + own.system)


async def submit_all(queue_url: str, deliveries: list[dict[str, str]]) -> None:
    """Every delivery into the queue at once, as the web process would have put them there."""
    from bot.intake.routes import triage
    from bot.jobs.factory import open_queue
    from bot.jobs.queue import Delivery

    queue = open_queue(queue_url)
    try:
        async def submit(item: dict[str, str]) -> None:
            body = item["body"].encode()
            verdict = triage("pull_request", json.loads(body))
            assert verdict.handled, "the bench's delivery would not be reviewed"
            result = await queue.submit(Delivery(item["id"], "pull_request", body, time.time(), verdict.coalesce_key))
            assert result.accepted and result.reason == "queued", result

        await asyncio.gather(*(submit(item) for item in deliveries))
    finally:
        await queue.close()


def wait_started(logs: Path, workers: int, timeout: float) -> None:
    deadline = time.monotonic() + min(timeout, 60)
    while time.monotonic() < deadline:
        ready = sum(WORKER_STARTED in path.read_text(errors="replace") for path in logs.glob("worker-*.log"))
        if ready >= workers:
            return
        time.sleep(0.05)
    raise SystemExit(f"the workers did not start within 60 s; see {logs}")


@contextlib.contextmanager
def queue_for(store: str, folder: Path, redis_fsync: str) -> Iterator[tuple[str, list[int]]]:
    if store == "sqlite":
        yield f"sqlite:///{folder}/queue.db", []
    else:
        with harness.redis_server(redis_fsync) as redis:
            yield redis.url, [redis.pid]


@contextlib.contextmanager
def fake_process(key: Any, folder: Path, logs: Path, args: argparse.Namespace) -> Iterator[tuple[str, int]]:
    port = harness.free_port()
    public = folder / "app.pub"
    public.write_text(harness.public_pem(key))
    command = [sys.executable, str(Path(__file__).resolve()), "--fake-github", "--port", str(port),
               "--public-key", str(public), "--deliveries", str(folder / "deliveries.json"),
               "--jobs", str(args.jobs), "--latency", str(args.latency), *(["--validate"] if args.validate else [])]
    with harness.process(command, name="fake-github", keep_log=logs / "fake-github.log") as child:
        url = f"http://{harness.HOST}:{port}"
        harness.wait_http(f"{url}/_bench/progress", child, timeout=60)
        yield url, child.pid


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:  # loopback only
        return json.loads(response.read())


# -- the fake GitHub process -----------------------------------------------------------------------


def fake_github(args: argparse.Namespace) -> int:
    """The fake GitHub with ``--jobs`` open PRs, every API answer ``--latency`` s late; writes the
    deliveries for those PRs to ``--deliveries``, then serves until SIGTERM."""
    import uvicorn

    from bench.github_requests import task_docs
    from tests.bot import websupport as ws
    from tests.fakegithub import FakeGitHub, create_app

    if not args.validate:
        _route_only()
    hub = FakeGitHub(app_public_key=args.public_key.read_text())
    base: dict[str, bytes | str] = {"README.md": "# docs\n"}
    for i in range(2):
        base.update(task_docs("dev/active", f"current-{i}", 0))
    repo = hub.add_repo("octo", "bench", files=base)
    template = ws.payload("pull_request.opened")
    repository = {**template["repository"], "name": repo.name, "full_name": repo.full_name,
                  "owner": {**template["repository"]["owner"], "login": repo.owner}}
    deliveries = []
    for n in range(args.jobs):
        pr = hub.open_pull_request(repo, task_docs("dev/active", f"bench-{n}", 1), head_ref=f"bench-{n}")
        payload = json.loads(json.dumps(template))
        payload.update(number=pr.number, repository=repository, installation={"id": repo.installation_id})
        payload["pull_request"].update(
            number=pr.number, state=pr.state, draft=pr.draft, html_url=pr.html_url,
            head={"ref": pr.head_ref, "sha": pr.head_sha, "repo": repository},
            base={"ref": pr.base_ref, "sha": pr.base_sha, "repo": repository},
        )
        deliveries.append({"id": f"bench-{os.getpid()}-{n}", "body": json.dumps(payload)})
    args.deliveries.write_text(json.dumps({"app_id": hub.app_id, "deliveries": deliveries}))
    app = Latency(create_app(hub), hub, args.latency)
    uvicorn.run(app, host=harness.HOST, port=args.port, log_level="warning", access_log=False, lifespan="off")
    return 0


def _route_only() -> None:
    """Make this fake find each request's operation (and 404 unknown routes) without validating
    its parameters and body against the OpenAPI schemas: that costs ~6-7 ms of CPU a request here,
    so the fake alone would saturate a CPU at ~150 requests/s and cap the figures. The tests keep
    full validation; ``--validate`` keeps it here too."""
    from openapi_core.templating.paths.exceptions import PathError

    from tests.fakegithub import openapi, server

    full = openapi.validator()

    class RouteOnly:
        def validate(self, method: str, raw_path: str, query: str = "", body: bytes | None = None,
                     content_type: str = "application/json") -> openapi.Outcome:
            try:
                found = full._finder.find(method.lower(), openapi.SPEC_HOST + openapi.spec_path(raw_path))
            except PathError as error:
                return openapi.Outcome(None, errors=(str(error),))
            params = {k: urllib.parse.unquote(str(v)) for k, v in found.path_result.variables.items()}
            return openapi.Outcome(str(found.operation["operationId"]), params)

    route_only = RouteOnly()
    server.validator = lambda: route_only  # type: ignore[assignment,return-value]


class Latency:
    """Delays every GitHub API answer (not the control routes) and serves ``/_bench/progress``."""

    def __init__(self, app: Any, hub: Any, seconds: float) -> None:
        self.app, self.hub, self.seconds = app, hub, seconds

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and path == "/_bench/progress":
            await _json_reply(send, self.progress())
            return
        if scope["type"] == "http" and not path.startswith("/_fake/"):
            await asyncio.sleep(self.seconds)
        await self.app(scope, receive, send)

    def progress(self) -> dict[str, Any]:
        with self.hub.lock:
            runs = [r for r in self.hub.check_runs.values() if r.name == CHECK_NAME and r.status == "completed"]
            requests = len(self.hub.requests)
        conclusions: dict[str, int] = {}
        shas = set()
        for run in runs:
            if run.head_sha not in shas:
                shas.add(run.head_sha)
                conclusions[str(run.conclusion)] = conclusions.get(str(run.conclusion), 0) + 1
        return {"completed": len(shas), "conclusions": conclusions, "requests": requests}


async def _json_reply(send: Any, payload: dict[str, Any]) -> None:
    body = json.dumps(payload).encode()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


# -- the report ------------------------------------------------------------------------------------

HEADER = (f"{'store':<7} {'workers':>7} {'conc':>4} {'jobs':>5} {'done':>5} {'seconds':>8} {'jobs/s':>7} "
          f"{'speed-up':>8} {'req/job':>7} {'worker ms/job':>13} {'fake ms/req':>11} {'store ms/job':>12} "
          f"{'other cpu':>9}  conclusions")


def print_row(run: Run, runs: list[Run], *, header: bool = False) -> None:
    if header:
        print(HEADER, flush=True)
    base = next((r for r in runs if (r.store, r.concurrency, r.workers) == (run.store, run.concurrency, 1)), None)
    speedup = f"{run.rate / base.rate:.2f}x" if base is not None and base.rate > 0 else "-"
    per_job = run.completed or 1
    print(f"{run.store:<7} {run.workers:>7} {run.concurrency:>4} {run.jobs:>5} {run.completed:>5} "
          f"{run.seconds:>8.1f} {run.rate:>7.2f} {speedup:>8} {run.requests / per_job:>7.1f} "
          f"{run.worker_cpu / per_job * 1000:>13.0f} {run.fake_cpu / max(1, run.requests) * 1000:>11.2f} "
          f"{run.store_cpu / per_job * 1000:>12.1f} {run.other_cpu:>9.0%}  "
          f"{', '.join(f'{k} {v}' for k, v in sorted(run.conclusions.items()))}", flush=True)


def print_table(runs: list[Run], args: argparse.Namespace) -> None:
    redis = f", Redis AOF appendfsync {args.redis_fsync}" if "redis" in args.stores else ""
    print(f"worker throughput: {args.jobs} one-task PR reviews per run, fake GitHub answering after "
          f"{args.latency * 1000:g} ms{redis}; loopback, {os.cpu_count()} CPUs "
          f"({platform.processor() or platform.machine()}), Python {platform.python_version()}, "
          f"nice {args.nice}, {time.strftime('%Y-%m-%d')}")
    print(HEADER)
    print("-" * len(HEADER))
    for run in runs:
        print_row(run, runs[: runs.index(run) + 1])
    print("conc = jobs in flight per worker process; speed-up vs 1 worker at the same store and conc; "
          "req/job = GitHub API requests per review; worker ms/job = CPU of all workers per job; fake "
          "ms/req = the fake GitHub's CPU per request; other cpu = share of the machine's CPUs busy with "
          "other processes during the run")


if __name__ == "__main__":
    raise SystemExit(main())
