"""POST /webhooks/github: verify, persist, acknowledge; and the probes and /metrics beside it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from bot.entry.app import create_app
from bot.intake.signature import signature_for, verify_signature
from bot.jobs.memory import MemoryQueue
from bot.jobs.queue import Delivery, Submitted
from bot.jobs.worker import WorkerConfig
from bot.metrics import Metrics
from tests.bot import websupport as ws
from tests.bot.test_metrics import samples

URL = "/webhooks/github"
OPENED = ws.encode(ws.payload("pull_request.opened"))


class Harness:
    def __init__(self, app: FastAPI, client: httpx.AsyncClient, queue: MemoryQueue,
                 actions: ws.RecordingActions, metrics: Metrics) -> None:
        self.app, self.client, self.queue, self.actions, self.metrics = app, client, queue, actions, metrics

    async def post(self, body: bytes, headers: dict[str, str]) -> httpx.Response:
        return await self.client.post(URL, content=body, headers=headers)

    async def deliver(self, body: bytes, event: str, delivery: str = "d-1") -> httpx.Response:
        return await self.post(body, ws.signed_headers(body, event, delivery))

    async def queued(self) -> list[Delivery]:
        found = []
        while (claimed := await self.queue.claim("test", lease_seconds=60)) is not None:
            found.append(claimed)
        return found


@contextlib.asynccontextmanager
async def start(queue: Any = None, *, worker: bool = False, **settings: Any) -> AsyncIterator[Harness]:
    memory = queue or MemoryQueue()
    actions = ws.RecordingActions()
    metrics = Metrics()
    app = create_app(ws.make_settings(**settings), queue=memory, actions=actions, worker=worker,
                     metrics=metrics, worker_config=WorkerConfig(name="t", poll_seconds=0.01))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield Harness(app, client, memory, actions, metrics)


@pytest.fixture
async def web() -> AsyncIterator[Harness]:
    async with start() as harness:
        yield harness


# -- signature -------------------------------------------------------------------------------


def test_signature_matches_githubs_test_vector() -> None:
    expected = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"

    assert signature_for(ws.SECRET.encode(), b"Hello, World!") == expected
    assert verify_signature(ws.SECRET.encode(), b"Hello, World!", expected)


def test_a_bare_digest_without_the_prefix_is_refused() -> None:
    bare = signature_for(ws.SECRET.encode(), b"Hello, World!").removeprefix("sha256=")

    assert not verify_signature(ws.SECRET.encode(), b"Hello, World!", bare)


async def test_a_valid_delivery_is_queued_before_the_202(web: Harness) -> None:
    response = await web.deliver(OPENED, "pull_request", "72d3162e-cc78-11e3-81ab-4c9367dc0958")

    assert (response.status_code, response.json()) == (202, {"status": "queued"})
    (delivery,) = await web.queued()
    assert delivery.id == "72d3162e-cc78-11e3-81ab-4c9367dc0958"
    assert delivery.event == "pull_request"
    assert delivery.body == OPENED  # the raw, verified bytes
    assert delivery.coalesce_key == "Codertocat/Hello-World#2"


def forgeries() -> dict[str, Callable[[bytes], dict[str, str]]]:
    def with_signature(value: str) -> Callable[[bytes], dict[str, str]]:
        return lambda body: {**ws.signed_headers(body, "pull_request"), "X-Hub-Signature-256": value}

    good = ws.sign(OPENED)
    return {
        "missing": lambda body: {k: v for k, v in ws.signed_headers(body, "pull_request").items()
                                 if k != "X-Hub-Signature-256"},
        "empty": with_signature(""),
        "no-prefix": with_signature(good.removeprefix("sha256=")),
        "sha1-prefix": with_signature("sha1=" + good.removeprefix("sha256=")),
        "forged": with_signature("sha256=" + "0" * 64),
        "truncated-signature": with_signature(good[:-2]),
        "uppercase": with_signature("sha256=" + good.removeprefix("sha256=").upper()),
        "another-secret": lambda body: ws.signed_headers(body, "pull_request", secret="not the secret"),
        "signed-other-body": lambda body: ws.signed_headers(body + b" ", "pull_request"),
    }


@pytest.mark.parametrize("forgery", list(forgeries()))
async def test_a_bad_signature_gets_401_and_nothing_is_queued(web: Harness, forgery: str) -> None:
    headers = forgeries()[forgery](OPENED)

    response = await web.post(OPENED, headers)

    assert response.status_code == 401
    assert await web.queue.depth() == 0
    assert samples(web.metrics)[("devdocs_deliveries_rejected_total", (("reason", "signature"),))] == 1


async def test_a_non_ascii_signature_is_refused_not_crashed_on(web: Harness) -> None:
    headers: dict[str, Any] = {**ws.signed_headers(OPENED, "pull_request"),
                               "X-Hub-Signature-256": ("sha256=ü" + "0" * 63).encode("latin-1")}

    response = await web.client.post(URL, content=OPENED, headers=headers)

    assert response.status_code == 401
    assert not verify_signature(ws.SECRET.encode(), OPENED, "sha256=ü" + "0" * 63)


async def test_a_truncated_body_no_longer_matches_its_signature(web: Harness) -> None:
    headers = ws.signed_headers(OPENED, "pull_request")

    response = await web.post(OPENED[: len(OPENED) // 2], headers)

    assert response.status_code == 401
    assert await web.queue.depth() == 0


async def test_a_replayed_delivery_is_accepted_once(web: Harness) -> None:
    first = await web.deliver(OPENED, "pull_request", "same-guid")
    second = await web.deliver(OPENED, "pull_request", "same-guid")

    assert (first.status_code, second.status_code) == (202, 202)
    assert second.json() == {"status": "duplicate"}
    assert len(await web.queued()) == 1


# -- size cap --------------------------------------------------------------------------------


async def test_a_declared_length_over_the_cap_gets_413_unread() -> None:
    async with start(max_body_bytes=1024) as web:
        body = b"x" * 2048
        response = await web.post(body, ws.signed_headers(body, "pull_request"))

        assert response.status_code == 413
        assert await web.queue.depth() == 0


async def test_a_streamed_body_over_the_cap_is_refused_before_it_is_read_whole() -> None:
    async with start(max_body_bytes=1024) as web:
        chunks_sent = 0
        total_chunks = 100

        async def receive() -> dict[str, Any]:
            nonlocal chunks_sent
            chunks_sent += 1
            return {"type": "http.request", "body": b"x" * 512, "more_body": chunks_sent < total_chunks}

        messages: list[dict[str, Any]] = []

        async def send(message: dict[str, Any]) -> None:
            messages.append(message)

        headers = [(b"x-hub-signature-256", b"sha256=" + b"0" * 64), (b"x-github-event", b"pull_request"),
                   (b"x-github-delivery", b"d-1"), (b"transfer-encoding", b"chunked")]
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
                 "scheme": "http", "path": URL, "raw_path": URL.encode(), "query_string": b"",
                 "headers": headers, "client": ("127.0.0.1", 1), "server": ("testserver", 80),
                 "root_path": ""}

        await web.app(scope, receive, send)

        assert messages[0]["status"] == 413
        assert chunks_sent == 3  # 1536 bytes read, then refused: never the whole 51 200
        assert await web.queue.depth() == 0


async def test_a_body_exactly_at_the_cap_is_accepted() -> None:
    body = ws.encode(ws.payload("pull_request.opened"))
    async with start(max_body_bytes=len(body)) as web:
        assert (await web.deliver(body, "pull_request")).status_code == 202


# -- malformed requests ----------------------------------------------------------------------


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b"\xff\xfe", b"" , b"[" * 100_000])
async def test_a_signed_body_that_is_not_a_json_object_gets_400(web: Harness, body: bytes) -> None:
    response = await web.deliver(body, "pull_request")

    assert response.status_code == 400
    assert await web.queue.depth() == 0


async def test_json_that_only_the_standard_library_parser_accepts_is_still_queued(web: Harness) -> None:
    # a lone surrogate escape (a title cut inside an emoji; json.dumps writes it as \\ud83d) and a
    # UTF-8 byte order mark: the fast parser refuses both, json.loads takes them
    data = ws.payload("pull_request.opened")
    data["pull_request"]["title"] = "cut \ud83d"
    data["number"] = data["pull_request"]["number"] = 77
    bodies = [ws.encode(data), b"\xef\xbb\xbf" + OPENED]

    statuses = [(await web.deliver(b, "pull_request", f"d-{n}")).status_code for n, b in enumerate(bodies)]

    assert b"\\ud83d" in bodies[0]
    assert statuses == [202, 202]
    assert sorted(d.body for d in await web.queued()) == sorted(bodies)


@pytest.mark.parametrize("header", ["X-GitHub-Event", "X-GitHub-Delivery"])
async def test_a_missing_github_header_gets_400(web: Harness, header: str) -> None:
    headers = {k: v for k, v in ws.signed_headers(OPENED, "pull_request").items() if k != header}

    response = await web.post(OPENED, headers)

    assert response.status_code == 400
    assert header in response.json()["error"]


async def test_a_malformed_content_length_gets_400(web: Harness) -> None:
    headers = {**ws.signed_headers(OPENED, "pull_request"), "Content-Length": "12abc"}

    transport = httpx.ASGITransport(app=web.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        request = client.build_request("POST", URL, content=OPENED, headers=headers)
        response = await client.send(request)

    assert response.status_code == 400


async def test_a_payload_missing_a_needed_field_gets_400(web: Harness) -> None:
    data = ws.payload("pull_request.opened")
    del data["pull_request"]["head"]

    response = await web.deliver(ws.encode(data), "pull_request")

    assert response.status_code == 400
    assert await web.queue.depth() == 0


# -- ping, ignored, queue failures -----------------------------------------------------------


async def test_ping_gets_200(web: Harness) -> None:
    response = await web.deliver(ws.encode(ws.payload("ping")), "ping")

    assert (response.status_code, response.json()) == (200, {"status": "pong"})
    assert await web.queue.depth() == 0


@pytest.mark.parametrize(
    ("event", "data"),
    [
        ("pull_request", ws.payload("pull_request.closed")),
        ("pull_request", ws.pull_request_edited(base_changed=False)),
        ("issue_comment", ws.comment_on_pull_request("/review", user_type="Bot")),
        ("issue_comment", ws.comment_on_issue("/review")),
        ("check_run", ws.payload("check_run.created")),
        ("installation", ws.payload("installation.created")),
        ("push", {"ref": "refs/heads/main"}),
    ],
)
async def test_deliveries_the_app_does_not_handle_get_202_and_are_not_queued(
    web: Harness, event: str, data: dict[str, Any]
) -> None:
    response = await web.deliver(ws.encode(data), event)

    assert (response.status_code, response.json()) == (202, {"status": "ignored"})
    assert await web.queue.depth() == 0


class BrokenQueue(MemoryQueue):
    async def submit(self, delivery: Delivery) -> Submitted:
        raise ConnectionError("disk full")

    async def depth(self) -> int:
        raise ConnectionError("disk full")


async def test_a_queue_failure_gets_503_so_github_records_a_failed_delivery() -> None:
    async with start(BrokenQueue()) as web:
        response = await web.deliver(OPENED, "pull_request")

        assert response.status_code == 503
        assert (await web.client.get("/readyz")).status_code == 503


async def test_a_signed_body_replayed_under_a_new_delivery_id_is_a_duplicate(web: Harness) -> None:
    first = await web.deliver(OPENED, "pull_request", "original-guid")
    replay = await web.deliver(OPENED, "pull_request", "attacker-chosen-guid")  # same signed bytes

    assert (first.status_code, first.json()) == (202, {"status": "queued"})
    assert (replay.status_code, replay.json()) == (202, {"status": "duplicate"})
    assert [d.id for d in await web.queued()] == ["original-guid"]


async def test_a_full_queue_gets_503() -> None:
    reopened = ws.encode({**ws.payload("pull_request.opened"), "action": "reopened"})
    async with start(MemoryQueue(max_depth=1)) as web:
        assert (await web.deliver(OPENED, "pull_request", "a")).status_code == 202
        assert (await web.deliver(reopened, "pull_request", "b")).status_code == 503


# -- probes and metrics ----------------------------------------------------------------------


async def test_healthz_and_readyz(web: Harness) -> None:
    assert (await web.client.get("/healthz")).json() == {"status": "ok"}
    ready = await web.client.get("/readyz")
    assert (ready.status_code, ready.json()) == (200, {"status": "ready", "queue_depth": 0})


async def test_metrics_count_deliveries_and_show_queue_depth(web: Harness) -> None:
    await web.deliver(OPENED, "pull_request", "a")
    await web.deliver(OPENED, "pull_request", "a")
    await web.deliver(ws.encode(ws.payload("pull_request.closed")), "pull_request", "b")
    await web.post(OPENED, {**ws.signed_headers(OPENED, "pull_request"), "X-Hub-Signature-256": "sha256=00"})

    response = await web.client.get("/metrics")

    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert "devdocs_deliveries_received_total 4.0" in text
    assert 'devdocs_deliveries_accepted_total{event="pull_request"} 1.0' in text
    assert 'devdocs_deliveries_duplicate_total{event="pull_request"} 1.0' in text
    assert 'devdocs_deliveries_ignored_total{event="pull_request"} 1.0' in text
    assert 'devdocs_deliveries_rejected_total{reason="signature"} 1.0' in text
    assert "devdocs_queue_depth 1.0" in text
    assert ws.SECRET not in text


# -- with the embedded worker ----------------------------------------------------------------


async def test_the_embedded_worker_dispatches_what_the_webhook_queued() -> None:
    async with start(worker=True) as web:
        body = ws.encode(ws.comment_on_pull_request("/review"))
        assert (await web.deliver(body, "issue_comment")).status_code == 202

        async with asyncio.timeout(5):
            while not web.actions.calls:
                await asyncio.sleep(0.01)

        ((name, command, _),) = web.actions.calls
        assert (name, command.body) == ("handle_comment", "/review")
        assert (await web.client.get("/readyz")).status_code == 200


async def test_shutdown_stops_the_worker_and_leaves_an_injected_queue_open() -> None:
    queue = MemoryQueue()
    async with start(queue, worker=True) as web:
        task = web.app.state.worker_task
        assert not task.done()

    assert task.done()
    assert await queue.depth() == 0  # still usable: the caller owns an injected queue

