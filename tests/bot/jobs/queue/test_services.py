"""The Redis tests never skip silently under CI."""

from __future__ import annotations

import shutil

import pytest

from tests.redisproc import redis_server_binary


def test_a_missing_redis_server_fails_the_redis_tests_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setenv("CI", "true")

    with pytest.raises(pytest.fail.Exception, match="CI must not skip"):
        redis_server_binary()


def test_a_missing_redis_server_skips_the_redis_tests_locally(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.delenv("CI", raising=False)

    with pytest.raises(pytest.skip.Exception, match=r"services\.sh installs it"):
        redis_server_binary()
