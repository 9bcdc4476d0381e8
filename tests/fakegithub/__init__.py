"""The one shared fake GitHub: an ASGI app over in-memory state that validates every request
against GitHub's REST OpenAPI description, authenticates like GitHub, and takes injected faults.

In-process::

    hub = FakeGitHub(app_public_key=public_pem)
    transport = httpx.ASGITransport(app=create_app(hub))

On loopback (uvicorn in a thread)::

    with serve_in_thread(hub) as base_url: ...

Or as a process: ``python -m tests.fakegithub --port 8765`` (drive it through ``/_fake/*``).
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from tests.fakegithub.server import create_app
from tests.fakegithub.state import (
    BOT_TYPE,
    USER_TYPE,
    CheckRun,
    FakeGitHub,
    IssueComment,
    PullRequest,
    Recorded,
    Repo,
    blob_sha,
)

__all__ = [
    "BOT_TYPE",
    "USER_TYPE",
    "CheckRun",
    "FakeGitHub",
    "IssueComment",
    "PullRequest",
    "Recorded",
    "Repo",
    "blob_sha",
    "create_app",
    "serve_in_thread",
]


@contextmanager
def serve_in_thread(hub: FakeGitHub, *, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve *hub* with uvicorn on loopback in a daemon thread; yields the base URL."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    actual_port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(hub), log_level="warning", lifespan="off", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True, name="fake-github"
    )
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the fake GitHub did not start")
        time.sleep(0.01)
    try:
        yield f"http://{host}:{actual_port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
