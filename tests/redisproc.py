"""redis-server on a free loopback port, shared by the queue tests and the fault tests.

The server runs with a temporary directory, no RDB snapshots and AOF on (``appendfsync always``,
the setting the durability tests rely on), its output in ``redis.log`` in that directory.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
from pathlib import Path

import pytest


def redis_server_binary() -> str:
    """The redis-server path, or skip (locally) / fail (under CI) the calling test."""
    binary = shutil.which("redis-server")
    if binary is None:
        message = "redis-server is not installed (.ci/services.sh installs it)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must not skip the Redis tests")
        pytest.skip(message)
    return binary


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def spawn_redis(binary: str, port: int, directory: Path) -> subprocess.Popen[bytes]:
    """Start redis-server on 127.0.0.1:*port* with AOF in *directory*; does not wait for it."""
    command = [
        binary,
        "--port", str(port),
        "--bind", "127.0.0.1",
        "--save", "",
        "--appendonly", "yes",
        "--appendfsync", "always",
        "--dir", str(directory),
    ]  # fmt: skip
    with (directory / "redis.log").open("ab") as log:
        return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


def redis_log_tail(directory: Path) -> str:
    return (directory / "redis.log").read_text(errors="replace")[-2000:]


def redis_pong(port: int) -> bool:
    """Whether a redis-server on 127.0.0.1:*port* answers PING."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def kill_process(process: subprocess.Popen[bytes] | None) -> None:
    """kill -9: no shutdown hook runs, only what reached the AOF survives."""
    if process is not None and process.poll() is None:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)


def stop_process(process: subprocess.Popen[bytes] | None) -> None:
    """SIGTERM, then kill -9 if it has not exited within 10 s."""
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            kill_process(process)
