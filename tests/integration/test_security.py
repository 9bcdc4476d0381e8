"""Security against the running App (issue 4, "Security"): ``python -m bot serve`` (web and
embedded worker, SQLite queue) under uvicorn, the fake GitHub on loopback.

- A flood of 1 000 forged, truncated, re-signed and replayed deliveries is accepted 0 times and
  creates 0 jobs; a replay under a new ``X-GitHub-Delivery`` is a duplicate (body digest).
- Bodies over the cap are refused with 413 while the client is still sending.
- The webhook secret, the App's private key, installation tokens and secrets found in the docs
  never reach a log line (the process's stderr), an error message or ``/metrics``.
"""

from __future__ import annotations

import http.client
import json
import random
import select
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.bot import websupport as ws
from tests.fakegithub import Repo
from tests.integration.procs import (
    Fake,
    Processes,
    Web,
    app_env,
    app_keys,
    pull_request_payload,
    serve_fake,
    wait_for,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

MAX_BODY_BYTES = 64 * 1024  # a pull_request payload is ~20-30 KB
FLOOD = 1000
DB_PASSWORD = "S3cr3tPassw0rd"
DOC_DATABASE_URL = f"postgresql://u:{DB_PASSWORD}@db.example.org/x"
DOC_TOKEN = "ghp_" + "R4nd0mL00k1ngT0k3nV4lu3Abcd3fGh1jKl"  # shaped like a GitHub token, not one


@dataclass
class Running:
    web: Web
    fake: Fake
    repo: Repo


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    folder = tmp_path_factory.mktemp("security")
    procs = Processes(folder)
    with serve_fake() as fake:
        env = app_env(fake, f"sqlite:///{folder / 'queue.db'}", max_body_bytes=MAX_BODY_BYTES,
                      log_level="DEBUG",  # the most a process ever logs
                      recovery_interval=0)  # no background GitHub requests: every one is a review's
        try:
            yield Running(procs.web(env, worker=True, name="app"), fake, fake.add_repo("guarded"))
        finally:
            procs.close()
            print(procs.logs()[-6000:])


# -- 8. the flood ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attempt:
    kind: str
    body: bytes
    headers: dict[str, str]


def flood(captured: Attempt, other_bodies: list[bytes], rng: random.Random) -> list[Attempt]:
    """:data:`FLOOD` hostile deliveries built from one captured real delivery and other payloads."""
    event = captured.headers["X-GitHub-Event"]
    signature = captured.headers["X-Hub-Signature-256"]
    attempts: list[Attempt] = []
    for n in range(FLOOD):
        guid = f"hostile-{n}"
        body = other_bodies[n % len(other_bodies)]
        match n % 5:
            case 0:  # forged: a plausible signature that is not the body's
                forged = "sha256=" + rng.randbytes(32).hex()
                attempts.append(Attempt("forged", body, {**ws.signed_headers(body, event, guid),
                                                         "X-Hub-Signature-256": forged}))
            case 1:  # truncated: the captured body cut short, its real signature kept
                cut = captured.body[: rng.randrange(1, len(captured.body))]
                attempts.append(Attempt("truncated", cut, {**captured.headers, "X-GitHub-Delivery": guid,
                                                           "X-Hub-Signature-256": signature}))
            case 2:  # re-signed with a secret that is not the App's
                headers = ws.signed_headers(body, event, guid, secret="guessed-" + str(n))
                attempts.append(Attempt("other_secret", body, headers))
            case 3:  # an exact replay: same GUID, same bytes, same signature
                attempts.append(Attempt("replay", captured.body, dict(captured.headers)))
            case _:  # the captured signed bytes under a new GUID (the signature does not cover it)
                attempts.append(Attempt("replay_new_guid", captured.body,
                                        {**captured.headers, "X-GitHub-Delivery": guid}))
    return attempts


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, str]


def send_all(web: Web, attempts: list[Attempt], concurrency: int = 8) -> list[Answer]:
    """POST every attempt, *concurrency* at a time, each thread on its own kept-alive connection."""
    host, port = web.url.removeprefix("http://").split(":")
    local = threading.local()

    def send(attempt: Attempt) -> Answer:
        if not hasattr(local, "connection"):
            local.connection = http.client.HTTPConnection(host, int(port), timeout=30)
        local.connection.request("POST", "/webhooks/github", body=attempt.body, headers=attempt.headers)
        response = local.connection.getresponse()
        return Answer(response.status, json.loads(response.read()))

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        return list(pool.map(send, attempts))


def accepted_total(metrics: str) -> float:
    return sum(float(line.rsplit(" ", 1)[1]) for line in metrics.splitlines()
               if line.startswith("devdocs_deliveries_accepted_total"))


def test_a_flood_of_forged_truncated_resigned_and_replayed_deliveries_creates_no_job(app: Running) -> None:
    fake, repo = app.fake, app.repo
    pr = fake.open_pr(repo, "captured")
    body = ws.encode(pull_request_payload(pr, "opened"))
    captured = Attempt("real", body, ws.signed_headers(body, "pull_request", "captured-guid"))
    assert app.web.post(captured.body, captured.headers).json() == {"status": "queued"}
    fake.completed_run(repo, pr.head_sha)
    app.web.wait_until_drained()
    others = [ws.encode(pull_request_payload(fake.open_pr(repo, f"target-{n}"), "opened")) for n in range(5)]
    attempts = flood(captured, others, random.Random(4))
    requests_before, accepted_before = fake.request_count(), accepted_total(app.web.metrics())

    answers = send_all(app.web, attempts)

    outcome = Counter((a.kind, r.status, r.body.get("status", "refused"))
                      for a, r in zip(attempts, answers, strict=True))
    assert outcome == {
        ("forged", 401, "refused"): FLOOD // 5,
        ("truncated", 401, "refused"): FLOOD // 5,
        ("other_secret", 401, "refused"): FLOOD // 5,
        ("replay", 202, "duplicate"): FLOOD // 5,
        ("replay_new_guid", 202, "duplicate"): FLOOD // 5,
    }
    assert app.web.queue_depth() == 0
    assert accepted_total(app.web.metrics()) == accepted_before
    time.sleep(1.0)  # nothing to wait for, by design: give a wrongly queued job the time to show
    assert fake.request_count() == requests_before  # GitHub saw no review, no token request
    assert fake.check_runs_created(pr.head_sha) == 1


# -- bodies over the cap -------------------------------------------------------------------------------


def open_request(web: Web, headers: dict[str, str]) -> socket.socket:
    host, port = web.url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=10)
    lines = ["POST /webhooks/github HTTP/1.1", f"Host: {host}:{port}", "Content-Type: application/json",
             "X-GitHub-Event: pull_request", "X-GitHub-Delivery: too-large",
             "X-Hub-Signature-256: sha256=" + "0" * 64, *(f"{k}: {v}" for k, v in headers.items())]
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    return sock


def answered(sock: socket.socket) -> bool:
    return bool(select.select([sock], [], [], 0)[0])


def status_line(sock: socket.socket) -> str:
    sock.settimeout(10)
    return sock.recv(4096).split(b"\r\n", 1)[0].decode()


def test_a_declared_length_over_the_cap_is_refused_before_the_body_is_sent(app: Running) -> None:
    declared = 1024 * 1024 * 1024  # 1 GiB announced; only 1 KiB is ever sent
    with open_request(app.web, {"Content-Length": str(declared)}) as sock:
        sock.sendall(b"{" + b" " * 1023)
        wait_for(lambda: answered(sock), "the server to answer", 10)
        assert status_line(sock) == "HTTP/1.1 413 Request Entity Too Large"


def test_a_streamed_body_growing_past_the_cap_is_refused_while_it_is_still_being_sent(app: Running) -> None:
    chunk, planned = 8 * 1024, 16 * MAX_BODY_BYTES
    sent = 0
    with open_request(app.web, {"Transfer-Encoding": "chunked"}) as sock:
        while sent < planned and not answered(sock):
            sock.sendall(f"{chunk:x}\r\n".encode() + b" " * chunk + b"\r\n")
            sent += chunk
            time.sleep(0.002)  # a slow client
        wait_for(lambda: answered(sock), "the server to answer", 10)
        assert status_line(sock) == "HTTP/1.1 413 Request Entity Too Large"
    assert sent < planned / 2, f"the server read {sent} bytes before refusing"


# -- 9. nothing secret reaches a log line, an error message or /metrics ---------------------------------


def secrets(fake: Fake) -> dict[str, str]:
    """Every secret value, by what it is (PEM lines: each base64 line of the key body)."""
    found = {"webhook secret": ws.SECRET, "database password": DB_PASSWORD, "doc token": DOC_TOKEN,
             "doc database URL": DOC_DATABASE_URL}
    key_lines = [line for line in app_keys().private_pem.splitlines() if line and "-----" not in line]
    found.update({f"private key line {n}": line for n, line in enumerate(key_lines)})
    found.update({f"installation token {n}": token for n, token in enumerate(fake.tokens())})
    return found


def leaks(text: str, values: dict[str, str]) -> list[str]:
    return [name for name, value in values.items() if value in text]


def test_secrets_never_reach_logs_error_messages_or_metrics(app: Running, tmp_path: Path) -> None:
    fake, repo = app.fake, app.repo
    leaky_doc = (f"# Context\n\nThe staging database: `{DOC_DATABASE_URL}`.\n"
                 f"Deploy with `GITHUB_TOKEN={DOC_TOKEN}` for now.\n")
    reviewed = fake.open_pr(repo, "leaky", {"dev/active/leaky/notes.md": leaky_doc})
    failing = fake.open_pr(repo, "leaky-failing", {"dev/active/leaky-failing/notes.md": leaky_doc})
    echo = f"Validation failed: {DOC_DATABASE_URL} {DOC_TOKEN} {ws.SECRET}"  # GitHub echoing secrets back
    fake.hub.fail(422, operation_id="issues/create-comment", body={"message": echo})

    bad_signature = {**ws.signed_headers(b"{}", "pull_request", "x"), "X-Hub-Signature-256": "sha256=0"}
    refused = [app.web.post(b"{}", bad_signature),
               app.web.post(b"not json", ws.signed_headers(b"not json", "pull_request", "y"))]
    for pr in (failing, reviewed):  # the failing one takes the fault: its comment is refused
        assert app.web.deliver("pull_request", pull_request_payload(pr, "opened")).status_code == 202
        fake.completed_run(repo, pr.head_sha, conclusions=("success", "failure"))
    app.web.wait_until_drained()
    error_run = fake.runs(repo, failing.head_sha)[-1]
    assert error_run.output["title"] == "Review failed: GitHub refused a request"  # the error path ran

    values = secrets(fake)
    assert any(name.startswith("installation token") for name in values)
    published = [c.body for pr in (reviewed, failing) for c in fake.bot_comments(repo, pr.number)]
    published += [str(run.output) + str(run.annotations) for pr in (reviewed, failing)
                  for run in fake.runs(repo, pr.head_sha)]
    assert published and all("****" in text or DB_PASSWORD not in text for text in published)
    assert leaks(app.web.proc.text(), values) == []  # every log line of the process (stdout + stderr)
    assert leaks(app.web.metrics(), values) == []
    assert leaks("\n".join(published), values) == []  # comments and check runs (the error one too)
    assert leaks("\n".join(r.text for r in refused), values) == []  # the App's own error answers
    assert "****" in app.web.proc.text()  # the scrubber did mask something: the secrets were there
