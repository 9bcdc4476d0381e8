"""The container image of deploy/Dockerfile, built by .ci/container.sh with buildah, really runs.

The image (``localhost/devdocs-review:ci``) is run with ``buildah run`` (chroot isolation, the
host's network), so its own entry point — the image's ``CMD`` with another port — serves the App on
loopback against the fake GitHub, reviews a pull request and posts the sticky comment; its
``HEALTHCHECK`` command passes; it runs as the unprivileged user the Dockerfile names; and the CLI
inside it reviews the bundled example. Skipped locally when buildah or the image is missing
(``bash .ci/container.sh`` builds it); under ``CI`` a missing image fails instead.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.bot import websupport as ws
from tests.bot.support import GOOD_TASK, demo_files, new_app_keys, task_files
from tests.fakegithub import CheckRun, FakeGitHub, Repo, serve_in_thread
from tests.integration.procs import free_port, pull_request_payload, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROOT = Path(__file__).parents[2]
IMAGE = os.environ.get("DEVDOCS_TEST_IMAGE", "localhost/devdocs-review:ci")
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
BUILDAH_ENV = {**os.environ, "STORAGE_DRIVER": "vfs"}


def _buildah(*arguments: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["buildah", *arguments], env=BUILDAH_ENV, capture_output=True, text=True,
                          check=check, timeout=timeout)


@pytest.fixture(scope="module")
def image() -> dict[str, Any]:
    """The built image's OCI config, or skip (locally) / fail (CI) when there is none."""
    reason = None
    if shutil.which("buildah") is None:
        reason = "buildah is not installed"
    elif _buildah("inspect", "--type", "image", IMAGE, check=False).returncode != 0:
        reason = f"image {IMAGE} is not built"
    if reason is not None:
        message = f"{reason} (bash .ci/container.sh builds it)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must build and run the container image")
        pytest.skip(message)
    # Docker format, as `docker build` makes it: OCI image configs have no HEALTHCHECK
    config: dict[str, Any] = json.loads(_buildah("inspect", "--type", "image", IMAGE).stdout)["Docker"]["config"]
    return config


@pytest.fixture
def container(image: dict[str, Any]) -> Iterator[str]:
    name = _buildah("from", "--pull-never", IMAGE).stdout.strip()
    try:
        yield name
    finally:
        _buildah("rm", name, check=False)


def run_in(container: str, *command: str, env: dict[str, str] | None = None,
           volumes: tuple[str, ...] = ()) -> list[str]:
    """The ``buildah run`` command line: chroot isolation, the image's user, extra env and volumes."""
    line = ["buildah", "run", "--isolation", "chroot"]
    for key, value in (env or {}).items():
        line += ["--env", f"{key}={value}"]
    for volume in volumes:
        line += ["--volume", volume]
    return [*line, container, "--", *command]


def test_the_image_runs_the_documented_command_as_an_unprivileged_user(image: dict[str, Any],
                                                                       container: str) -> None:
    uid = subprocess.run(run_in(container, "id", "-u"), env=BUILDAH_ENV, capture_output=True, text=True,
                         check=True, timeout=60).stdout.strip()

    assert image["User"] == "10001:10001"
    assert uid == "10001"
    assert image["Cmd"] == ["devdocs-review", "serve", "--host", "0.0.0.0", "--port", "8080"]
    assert "8080/tcp" in image["ExposedPorts"]


def test_the_cli_in_the_image_reviews_the_bundled_example(container: str) -> None:
    demo = ROOT / "examples" / "demo-repo"

    result = subprocess.run(run_in(container, "devdocs-review", "check", "/demo", "--format", "json",
                                   "--today", "2026-12-01", volumes=(f"{demo}:/demo:ro",)),
                            env=BUILDAH_ENV, capture_output=True, text=True, timeout=120)

    assert result.returncode == 1, result.stderr  # the demo's weak task fails the gate
    review = json.loads(result.stdout)
    assert {task["path"] for task in review["tasks"]} == {"dev/active/payment-retries", "dev/active/search-indexing"}


def test_the_image_entry_point_serves_the_app_and_reviews_a_pull_request(image: dict[str, Any],
                                                                        container: str, tmp_path: Path) -> None:
    keys = new_app_keys()
    hub = FakeGitHub(app_public_key=keys.public_pem)
    repo = hub.add_repo("octo", "docs", files=demo_files(GOOD_TASK))
    pr = hub.open_pull_request(repo, task_files("dev/active/in-a-container"), head_ref="in-a-container")
    port = free_port()
    command = [str(part) for part in image["Cmd"]]
    command[command.index("--port") + 1] = str(port)
    command[command.index("--host") + 1] = "127.0.0.1"

    with serve_in_thread(hub) as github_url:
        env = {
            "DEVDOCS_APP_ID": str(hub.app_id),
            "DEVDOCS_PRIVATE_KEY": keys.private_pem,
            "DEVDOCS_WEBHOOK_SECRET": ws.SECRET,
            "DEVDOCS_GITHUB_API_URL": github_url,
            "DEVDOCS_QUEUE_URL": "sqlite:////var/lib/devdocs/queue.db",
        }
        with _running(run_in(container, *command, env=env), tmp_path / "app.log") as logs:
            url = f"http://127.0.0.1:{port}"
            wait_for(lambda: _answers(f"{url}/readyz", logs), "the App in the image to be ready", 60)
            health = subprocess.run(run_in(container, *_healthcheck(image, port)), env=BUILDAH_ENV,
                                    capture_output=True, text=True, timeout=60)
            body = ws.encode(pull_request_payload(pr, "opened"))
            response = httpx.post(f"{url}/webhooks/github", content=body,
                                  headers=ws.signed_headers(body, "pull_request", "container-1"), timeout=10)
            run = wait_for(lambda: _completed_run(hub, repo, pr.head_sha), "a completed check run", 60)
            comments = hub.bot_comments(repo, pr.number)

    assert health.returncode == 0, health.stderr
    assert response.status_code == 202
    assert run.conclusion in ("success", "failure")
    assert len(comments) == 1
    assert comments[0].body.startswith("<!-- devdocs-review:sticky -->")


def _completed_run(hub: FakeGitHub, repo: Repo, sha: str) -> CheckRun | None:
    runs = hub.runs_for(repo, sha, "devdocs-review")
    return runs[-1] if runs and runs[-1].status == "completed" else None


def _healthcheck(image: dict[str, Any], port: int) -> list[str]:
    """The image's HEALTHCHECK command (``CMD`` form), pointed at *port*."""
    test = image["Healthcheck"]["Test"]
    assert test[0] == "CMD"
    return [part.replace(":8080/", f":{port}/") for part in test[1:]]


def _answers(url: str, logs: Path) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.TransportError:
        return False


@contextlib.contextmanager
def _running(command: list[str], log: Path) -> Iterator[Path]:
    with log.open("ab") as sink:
        process = subprocess.Popen(command, env=BUILDAH_ENV, stdout=sink, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        yield log
    except BaseException:
        print(log.read_text(errors="replace")[-3000:])
        raise
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
