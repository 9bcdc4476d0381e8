"""serve / worker entry points: a bad setting stops start-up with one line and exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.entry.server import run_worker, serve
from tests.bot.websupport import SECRET, rsa_pem


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("DEVDOCS_PRIVATE_KEY_FILE", "DEVDOCS_QUEUE_URL", "DEVDOCS_GITHUB_API_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DEVDOCS_APP_ID", "4242")
    monkeypatch.setenv("DEVDOCS_PRIVATE_KEY", rsa_pem())
    monkeypatch.setenv("DEVDOCS_WEBHOOK_SECRET", SECRET)
    return monkeypatch


def test_serve_without_a_webhook_secret_refuses_to_start(
    environment: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    environment.delenv("DEVDOCS_WEBHOOK_SECRET")

    code = serve(host="127.0.0.1", port=0)

    assert code == 2
    assert capsys.readouterr().err == "devdocs-review: error: DEVDOCS_WEBHOOK_SECRET is required\n"


def test_serve_with_a_malformed_setting_names_it_without_its_value(
    environment: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    environment.setenv("DEVDOCS_PRIVATE_KEY", "not-a-key-but-secret")

    assert serve(host="127.0.0.1", port=0) == 2
    err = capsys.readouterr().err
    assert err == "devdocs-review: error: DEVDOCS_PRIVATE_KEY is not a PEM private key\n"


def test_a_separate_worker_needs_a_durable_queue(
    environment: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    environment.setenv("DEVDOCS_QUEUE_URL", "memory://")

    assert run_worker() == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "DEVDOCS_QUEUE_URL is memory://" in err and "sqlite:///" in err


def test_a_queue_url_with_a_bad_option_is_named_before_serving(
    environment: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    environment.setenv("DEVDOCS_QUEUE_URL", f"sqlite:///{tmp_path / 'q.db'}?synchronus=full")

    assert serve(host="127.0.0.1", port=0) == 2
    err = capsys.readouterr().err
    assert err.startswith("devdocs-review: error: DEVDOCS_QUEUE_URL: ")
    assert "synchronus" in err and err.count("\n") == 1


def test_several_web_processes_are_web_only(environment: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                            tmp_path: Path) -> None:
    environment.setenv("DEVDOCS_QUEUE_URL", f"sqlite:///{tmp_path / 'q.db'}")

    assert serve(host="127.0.0.1", port=0, workers=2) == 2
    err = capsys.readouterr().err
    assert "--no-worker" in err and err.count("\n") == 1


def test_several_web_processes_need_a_queue_they_share(
    environment: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    environment.setenv("DEVDOCS_QUEUE_URL", "memory://")

    assert serve(host="127.0.0.1", port=0, worker=False, workers=2) == 2
    err = capsys.readouterr().err
    assert "sqlite or redis" in err and err.count("\n") == 1
