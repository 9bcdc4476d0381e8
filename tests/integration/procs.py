"""Real processes for the fault and security tests, all on loopback, all bounded in time.

- :class:`Fake`: the fake GitHub under uvicorn in a thread of the test process, behind a
  :class:`Latency` layer that slows chosen routes down without failing them (a fault makes a
  route fail; latency only makes it slow). Tests read and change its state directly.
- :class:`Processes`: ``python -m bot serve|worker`` subprocesses (stdout and stderr to one log
  file each) and ``redis-server``; whatever is still running at the end is killed.
- :class:`Web`: a running ``serve`` process: signed deliveries in, probes and metrics out.
- Payload builders matching the fake's state, and readers of its outcome (check runs, comments,
  POSTs counted per commit).

Every wait is a poll with a deadline (:func:`wait_for`), never a bare sleep.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import uvicorn
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.types import ASGIApp, Receive, Scope, Send

from tests.bot import websupport as ws
from tests.bot.support import GOOD_TASK, demo_files, task_files
from tests.fakegithub import CheckRun, FakeGitHub, IssueComment, PullRequest, Repo, create_app
from tests.redisproc import (
    free_port,
    kill_process,
    redis_log_tail,
    redis_pong,
    redis_server_binary,
    spawn_redis,
    stop_process,
)

ROOT = Path(__file__).parents[2]
CHECK_NAME = "devdocs-review"
T = TypeVar("T")


# -- waiting ---------------------------------------------------------------------------------------


def wait_for(condition: Callable[[], T | None], what: str, timeout: float = 20.0,
             interval: float = 0.05) -> T:
    """Poll *condition* until it returns something truthy; fail naming *what* after *timeout* s."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


# -- the App's key ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AppKeys:
    private_pem: str
    public_pem: str


@functools.lru_cache(maxsize=1)
def app_keys() -> AppKeys:
    """One throwaway App key per test session (PKCS#1, as GitHub hands them out)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return AppKeys(private, public)


# -- the fake GitHub ---------------------------------------------------------------------------------


class Latency:
    """ASGI middleware: requests whose path matches a rule wait that many seconds, then are served."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._rules: dict[str, float] = {}

    def slow(self, path_pattern: str, seconds: float) -> None:
        self._rules = {**self._rules, path_pattern: seconds}

    def clear(self) -> None:
        self._rules = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            delay = max((s for p, s in self._rules.items() if re.search(p, scope["path"])), default=0.0)
            if delay:
                await asyncio.sleep(delay)
        await self.app(scope, receive, send)


@dataclass
class Fake:
    """The fake GitHub on loopback; ``hub`` is its state (guard writes with ``hub.lock``)."""

    hub: FakeGitHub
    url: str
    latency: Latency

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/v3"  # GHES-style base URL

    def reset(self) -> None:
        """Drop injected faults and latency (between tests)."""
        with self.hub.lock:
            self.hub.faults.clear()
        self.latency.clear()

    def add_repo(self, name: str, *, installation_id: int = 1) -> Repo:
        with self.hub.lock:
            return self.hub.add_repo("octo", name, installation_id=installation_id,
                                     files=demo_files(GOOD_TASK))

    def open_pr(self, repo: Repo, task: str, files: dict[str, bytes | str] | None = None) -> PullRequest:
        """A PR adding the demo's passing task as ``dev/active/<task>`` (plus *files*): its review
        ends ``success``, so a ``failure`` can only be an error."""
        docs = task_files(f"dev/active/{task}", source=GOOD_TASK)
        with self.hub.lock:
            return self.hub.open_pull_request(repo, {**docs, **(files or {})}, head_ref=task)

    def push(self, pr: PullRequest, files: dict[str, bytes | str]) -> str:
        with self.hub.lock:
            return self.hub.push(pr, files)

    # -- reading the outcome --------------------------------------------------------------------

    def runs(self, repo: Repo, sha: str) -> list[CheckRun]:
        with self.hub.lock:
            return self.hub.runs_for(repo, sha, CHECK_NAME)

    def completed_run(self, repo: Repo, sha: str, *, timeout: float = 30.0,
                      conclusions: tuple[str, ...] = ("success", "failure")) -> CheckRun:
        """Wait for the newest check run on *sha* to be completed with one of *conclusions*."""
        def done() -> CheckRun | None:
            runs = self.runs(repo, sha)
            latest = runs[-1] if runs else None
            return latest if latest and latest.status == "completed" and latest.conclusion in conclusions \
                else None

        return wait_for(done, f"a check run completed {'/'.join(conclusions)} on {sha[:7]}", timeout)

    def bot_comments(self, repo: Repo, number: int) -> list[IssueComment]:
        with self.hub.lock:
            return self.hub.bot_comments(repo, number)

    def check_runs_created(self, sha: str) -> int:
        """``POST …/check-runs`` requests the fake accepted for *sha*."""
        return sum(1 for r in self._requests("checks/create", "POST")
                   if r.status == 201 and isinstance(r.body, dict) and r.body.get("head_sha") == sha)

    def comments_posted(self, repo: Repo, number: int) -> int:
        suffix = f"/repos/{repo.full_name}/issues/{number}/comments"
        return sum(1 for r in self._requests("issues/create-comment", "POST") if r.path.endswith(suffix))

    def requests_for(self, operation_id: str, path_suffix: str = "") -> int:
        """Requests the fake answered for *operation_id* (whose path ends with *path_suffix*)."""
        return sum(1 for r in self._requests(operation_id, None) if r.path.endswith(path_suffix))

    def request_count(self) -> int:
        with self.hub.lock:
            return len(self.hub.requests)

    def tokens(self) -> list[str]:
        """Every installation token the fake handed out."""
        with self.hub.lock:
            return list(self.hub.tokens)

    def _requests(self, operation_id: str, method: str | None) -> list[Any]:
        with self.hub.lock:
            return [r for r in self.hub.requests
                    if r.operation_id == operation_id and (method is None or r.method == method)]


@functools.cache
def _quiet_uvicorn() -> None:
    import logging

    logging.getLogger("uvicorn.error").setLevel(logging.WARNING)


@contextlib.contextmanager
def serve_fake() -> Iterator[Fake]:
    """Run a fresh fake GitHub (knowing the App's public key) in a thread until the generator ends."""
    _quiet_uvicorn()
    hub = FakeGitHub(app_public_key=app_keys().public_pem)
    latency = Latency(create_app(hub))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(latency, log_level="warning", lifespan="off", access_log=False,
                            timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True,
                              name="fake-github")
    thread.start()
    wait_for(lambda: server.started or not thread.is_alive(), "the fake GitHub to start", 10)
    assert thread.is_alive(), "the fake GitHub did not start"
    try:
        yield Fake(hub, f"http://127.0.0.1:{port}", latency)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


# -- processes -------------------------------------------------------------------------------------


@dataclass
class Proc:
    """One child process; its stdout and stderr go to ``log``."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def lines(self) -> list[dict[str, Any]]:
        """The JSON log lines (anything else, such as a traceback printed by Python, is skipped)."""
        found = []
        for line in self.text().splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict):
                found.append(entry)
        return found

    def logged(self, fragment: str, **fields: object) -> bool:
        """A JSON line whose message contains *fragment* and whose bound *fields* match was logged."""
        return any(fragment in str(entry.get("msg", "")) and all(entry.get(k) == v for k, v in fields.items())
                   for entry in self.lines())

    def kill(self) -> None:
        """kill -9: no handler runs, nothing is flushed or released."""
        if self.alive():
            self.popen.send_signal(signal.SIGKILL)
        self.popen.wait(timeout=10)

    def terminate(self, timeout: float = 40.0) -> int:
        """SIGTERM, then wait for the exit code (SIGKILL after *timeout* s, and fail)."""
        if self.alive():
            self.popen.send_signal(signal.SIGTERM)
        try:
            return self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"{self.name} did not exit within {timeout} s of SIGTERM:\n"
                                 f"{self.text()[-3000:]}") from None


class Processes:
    """Starts children into *folder*; :meth:`close` kills (-9) whatever is still running."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.started: list[Proc] = []

    def start(self, name: str, command: list[str], env: dict[str, str] | None = None) -> Proc:
        log = self.folder / f"{name}.log"
        with log.open("ab") as sink:
            popen = subprocess.Popen(command, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        proc = Proc(name, popen, log)
        self.started.append(proc)
        return proc

    def bot(self, name: str, arguments: list[str], env: dict[str, str]) -> Proc:
        return self.start(name, [sys.executable, "-m", "bot", *arguments], env)

    def worker(self, env: dict[str, str], name: str = "worker") -> Proc:
        return self.bot(name, ["worker"], env)

    def web(self, env: dict[str, str], *, worker: bool = False, name: str = "web") -> Web:
        port = free_port()
        arguments = ["serve", "--host", "127.0.0.1", "--port", str(port)]
        arguments += [] if worker else ["--no-worker"]
        web = Web(self.bot(name, arguments, env), f"http://127.0.0.1:{port}")
        wait_for(web.ready, f"{name} to be ready", 30)
        return web

    def logs(self) -> str:
        return "\n".join(proc.text() for proc in self.started)

    def close(self) -> None:
        """kill -9 whatever still runs: a test that needs a graceful stop asks for one itself
        (:meth:`Proc.terminate`), and every test waits for the queue to drain before it ends."""
        for proc in self.started:
            if proc.alive():
                proc.kill()


def app_env(fake: Fake, queue_url: str, **settings: str | float) -> dict[str, str]:
    """The process environment for ``python -m bot``: no inherited ``DEVDOCS_*``, the fake as GitHub.

    *settings*: further ``DEVDOCS_<NAME>`` values by lower-case name (``worker_lease_seconds=5``).
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEVDOCS_")}
    env.update({
        "DEVDOCS_APP_ID": str(fake.hub.app_id),
        "DEVDOCS_PRIVATE_KEY": app_keys().private_pem,
        "DEVDOCS_WEBHOOK_SECRET": ws.SECRET,
        "DEVDOCS_GITHUB_API_URL": fake.api_url,
        "DEVDOCS_QUEUE_URL": queue_url,
        "DEVDOCS_LOG_LEVEL": "INFO",
    })
    env.update({f"DEVDOCS_{name.upper()}": str(value) for name, value in settings.items()})
    return env


@dataclass
class Web:
    """A running ``devdocs-review serve``."""

    proc: Proc
    url: str
    _ids: Iterator[int] = field(default_factory=lambda: iter(range(1, 1_000_000)))

    def ready(self) -> bool:
        if not self.proc.alive():
            raise AssertionError(f"{self.proc.name} exited with {self.proc.popen.returncode}:\n"
                                 f"{self.proc.text()[-3000:]}")
        try:
            return httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    def new_delivery_id(self) -> str:
        return f"{self.proc.name}-{os.getpid()}-{time.monotonic_ns()}-{next(self._ids)}"

    def post(self, body: bytes, headers: dict[str, str], timeout: float = 10.0,
             client: httpx.Client | None = None) -> httpx.Response:
        """POST to the webhook route (on *client*'s kept-alive connection, if given)."""
        url = f"{self.url}/webhooks/github"
        if client is not None:
            return client.post(url, content=body, headers=headers, timeout=timeout)
        return httpx.post(url, content=body, headers=headers, timeout=timeout)

    def deliver(self, event: str, payload: dict[str, Any], *, delivery: str | None = None,
                client: httpx.Client | None = None) -> httpx.Response:
        body = ws.encode(payload)
        headers = ws.signed_headers(body, event, delivery or self.new_delivery_id())
        return self.post(body, headers, client=client)

    def queue_depth(self) -> int | None:
        """The queue depth /readyz reports, or None while its probe cannot reach the queue
        (e.g. just after Redis restarted): unknown, which is never "drained"."""
        data = httpx.get(f"{self.url}/readyz", timeout=5).json()
        return int(data["queue_depth"]) if "queue_depth" in data else None

    def wait_until_drained(self, timeout: float = 30.0) -> None:
        """Wait until no delivery is queued, leased or waiting for a retry."""
        wait_for(lambda: self.queue_depth() == 0, "the queue to drain", timeout, interval=0.1)

    def metrics(self) -> str:
        return httpx.get(f"{self.url}/metrics", timeout=5).text


# -- redis-server ------------------------------------------------------------------------------------


@dataclass
class RedisServer:
    """redis-server on loopback with AOF (``appendfsync always``); ``kill`` + ``start`` keep port and data."""

    directory: Path
    binary: str = field(default_factory=redis_server_binary)
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    def url(self, **options: str | float) -> str:
        query = "&".join(f"{k}={v}" for k, v in options.items())
        return f"redis://127.0.0.1:{self.port}/0" + (f"?{query}" if query else "")

    def start(self) -> None:
        self.proc = spawn_redis(self.binary, self.port, self.directory)
        wait_for(self._pong, f"redis-server on port {self.port}", 10, interval=0.02)

    def kill(self) -> None:
        kill_process(self.proc)

    def stop(self) -> None:
        stop_process(self.proc)

    def _pong(self) -> bool:
        assert self.proc is not None
        if self.proc.poll() is not None:
            raise AssertionError(f"redis-server exited with {self.proc.returncode}: {redis_log_tail(self.directory)}")
        return redis_pong(self.port)


# -- payloads matching the fake's state --------------------------------------------------------------


def repository_json(repo: Repo) -> dict[str, Any]:
    data: dict[str, Any] = ws.payload("pull_request.opened")["repository"]
    data.update(name=repo.name, full_name=repo.full_name, owner={**data["owner"], "login": repo.owner})
    return data


def pull_request_payload(pr: PullRequest, action: str) -> dict[str, Any]:
    """A ``pull_request`` delivery for *pr* as it is in the fake now (its current head)."""
    data = ws.payload("pull_request.opened")
    data["action"] = action
    data["number"] = pr.number
    data["repository"] = repository_json(pr.repo)
    data["installation"] = {"id": pr.repo.installation_id}
    head_repo = dict(data["repository"])
    if pr.head_repo != pr.repo.full_name:
        owner, name = (pr.head_repo or "gone/gone").split("/")
        head_repo.update(name=name, full_name=pr.head_repo, owner={**head_repo["owner"], "login": owner})
    data["pull_request"].update(
        number=pr.number, state=pr.state, draft=pr.draft, html_url=pr.html_url,
        head={"ref": pr.head_ref, "sha": pr.head_sha, "repo": head_repo},
        base={"ref": pr.base_ref, "sha": pr.base_sha, "repo": data["repository"]},
    )
    return data


def check_suite_payload(repo: Repo, head_sha: str, action: str = "rerequested") -> dict[str, Any]:
    data = ws.payload(f"check_suite.{action}")
    data["repository"] = repository_json(repo)
    data["installation"] = {"id": repo.installation_id}
    data["check_suite"].update(head_sha=head_sha, pull_requests=[])  # as GitHub sends for forks
    return data


def comment_payload(repo: Repo, comment: IssueComment) -> dict[str, Any]:
    data = ws.comment_on_pull_request(comment.body, login=comment.login)
    data["repository"] = repository_json(repo)
    data["installation"] = {"id": repo.installation_id}
    data["issue"]["number"] = comment.issue_number
    data["comment"]["id"] = comment.id
    data["comment"]["created_at"] = comment.created_at  # as GitHub sends it (approvals bind to it)
    return data
