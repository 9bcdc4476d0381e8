"""Shared plumbing for the benchmarks: loopback-only processes that always end.

* :func:`free_port` — a free TCP port on 127.0.0.1;
* :func:`redis_server` — our own ``redis-server`` (Debian package) on a free loopback port, AOF in a
  temporary directory, no RDB snapshots; stopped (then killed) on exit;
* :func:`app_env` — the ``DEVDOCS_*`` environment for ``devdocs-review serve`` / ``worker`` with a
  throwaway App key;
* :func:`process` — a child process whose output goes to a temporary log, SIGTERM then SIGKILL
  on exit;
* :func:`wait_http` — poll a loopback URL until it answers 200.

Nothing here contacts anything but 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def throwaway_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_pem(key: rsa.RSAPrivateKey) -> str:
    pkcs1 = serialization.PrivateFormat.TraditionalOpenSSL
    return key.private_bytes(serialization.Encoding.PEM, pkcs1, serialization.NoEncryption()).decode()


def public_pem(key: rsa.RSAPrivateKey) -> str:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def app_env(*, secret: str, queue_url: str, key_pem: str, api_url: str = "http://127.0.0.1:9",
            app_id: int = 1, log_level: str = "INFO", extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for ``python -m bot serve|worker``; the default API URL is the discard port."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEVDOCS_")}
    env.update({
        "DEVDOCS_APP_ID": str(app_id),
        "DEVDOCS_PRIVATE_KEY": key_pem,
        "DEVDOCS_WEBHOOK_SECRET": secret,
        "DEVDOCS_GITHUB_API_URL": api_url,
        "DEVDOCS_QUEUE_URL": queue_url,
        "DEVDOCS_LOG_LEVEL": log_level,
        "PYTHONUNBUFFERED": "1",
    })
    env.update(extra or {})
    return env


@contextlib.contextmanager
def process(command: Sequence[str], *, env: Mapping[str, str] | None = None, name: str = "child",
            keep_log: Path | None = None, stop_timeout: float = 30.0,
            cwd: Path = ROOT) -> Iterator[subprocess.Popen[bytes]]:
    """Run *command* (in *cwd*, the repository by default); SIGTERM on exit, SIGKILL after *stop_timeout* s."""
    log: IO[bytes]
    with (keep_log.open("wb") if keep_log else tempfile.TemporaryFile(prefix=f"bench-{name}-")) as log:
        child = subprocess.Popen(list(command), cwd=cwd, env=dict(env) if env else None,
                                 stdout=log, stderr=subprocess.STDOUT)
        try:
            yield child
        finally:
            stop(child, stop_timeout)
            if child.returncode not in (0, -signal.SIGTERM, None) and not keep_log:
                log.seek(0)
                tail = log.read()[-1500:].decode(errors="replace")
                sys.stderr.write(f"[{name} exited with {child.returncode}]\n{tail}\n")


def stop(child: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    if child.poll() is None:
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait(timeout=10)


def wait_http(url: str, child: subprocess.Popen[bytes] | None = None, timeout: float = 30.0) -> None:
    """Poll *url* until it answers 200 (or fail if *child* exits or *timeout* passes)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child is not None and child.poll() is not None:
            raise SystemExit(f"{child.args!r} exited with {child.returncode} before {url} answered")
        with contextlib.suppress(OSError, urllib.error.URLError), urllib.request.urlopen(url, timeout=1) as answer:
            if answer.status == 200:
                return
        time.sleep(0.05)
    raise SystemExit(f"{url} did not answer within {timeout:g} s")


@dataclass(frozen=True)
class Redis:
    url: str
    pid: int


@contextlib.contextmanager
def redis_server(fsync: str = "everysec") -> Iterator[Redis]:
    """A private redis-server (AOF on, ``appendfsync`` *fsync*) on loopback."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-redis-") as directory:
        command = [binary, "--port", str(port), "--bind", HOST, "--save", "", "--appendonly", "yes",
                   "--appendfsync", fsync, "--dir", directory, "--protected-mode", "yes"]
        with process(command, name="redis-server", stop_timeout=10) as child:
            deadline = time.monotonic() + 10
            while not _pong(port):
                if child.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("redis-server did not start")
                time.sleep(0.02)
            yield Redis(f"redis://{HOST}:{port}/0", child.pid)


def _pong(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=0.2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of *values* (seconds) in milliseconds; NaN when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, int(q * len(ordered) + 0.999999) - 1))
    return ordered[rank] * 1000


# -- CPU accounting (Linux /proc) ------------------------------------------------------------------

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def process_tree(pid: int) -> list[int]:
    """*pid* and its descendants (e.g. uvicorn's worker processes)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, ()))
    return tree


def cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU seconds used so far by *pids* (all their threads)."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / _TICK


def machine_busy_seconds() -> float:
    """CPU seconds all CPUs spent busy since boot (everything but idle and iowait)."""
    with contextlib.suppress(OSError, ValueError):
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        return (sum(values[:8]) - values[3] - values[4]) / _TICK
    return 0.0
