"""Shared helpers for the web-side tests: keys, settings, signing, webhook payloads.

Payloads come from GitHub's published examples (``payloads/``, see ``payloads/NOTICE``); the
variants GitHub publishes no example for are derived here, from those files.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.entry.settings import Settings

SECRET = "It's a Secret to Everybody"
PAYLOADS = Path(__file__).parent / "payloads"


@functools.lru_cache(maxsize=1)
def rsa_pem() -> str:
    """A throwaway App private key (2048-bit RSA, PKCS#1 PEM like GitHub's)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pkcs1 = serialization.PrivateFormat.TraditionalOpenSSL
    return key.private_bytes(serialization.Encoding.PEM, pkcs1, serialization.NoEncryption()).decode()


def make_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {"app_id": 4242, "private_key": rsa_pem(), "webhook_secret": SECRET, **overrides}
    return Settings.model_validate(values)


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signed_headers(body: bytes, event: str, delivery: str = "d-1", secret: str = SECRET) -> dict[str, str]:
    return {
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery,
        "X-Hub-Signature-256": sign(body, secret),
        "Content-Type": "application/json",
    }


def payload(name: str) -> dict[str, Any]:
    """A vendored example, e.g. ``payload("pull_request.opened")`` (a fresh copy each call)."""
    data: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))
    return data


def encode(data: dict[str, Any]) -> bytes:
    return json.dumps(data).encode()


# --- variants GitHub publishes no example for ------------------------------------------------


def pull_request_edited(*, base_changed: bool) -> dict[str, Any]:
    """``pull_request.edited``; with ``base_changed`` the base branch was switched."""
    data = payload("pull_request.opened")
    data["action"] = "edited"
    data["changes"] = {"base": {"ref": {"from": "develop"}, "sha": {"from": "0" * 40}}} if base_changed else {
        "title": {"from": "Old title"}
    }
    return data


def pull_request_from_fork(action: str = "opened") -> dict[str, Any]:
    data = payload(f"pull_request.{action}")
    head_repo = copy.deepcopy(data["pull_request"]["head"]["repo"])
    head_repo.update(full_name="forker/Hello-World", owner={**head_repo["owner"], "login": "forker"})
    data["pull_request"]["head"]["repo"] = head_repo
    return data


def comment_on_pull_request(body: str, *, login: str = "Codertocat", user_type: str = "User",
                            action: str = "created") -> dict[str, Any]:
    """``issue_comment`` on a PR: GitHub's example is on an issue, so add ``issue.pull_request``."""
    data = payload("issue_comment.created")
    data["action"] = action
    number = data["issue"]["number"]
    data["issue"]["pull_request"] = {
        "url": f"https://api.github.com/repos/Codertocat/Hello-World/pulls/{number}",
        "html_url": f"https://github.com/Codertocat/Hello-World/pull/{number}",
    }
    data["comment"]["body"] = body
    data["comment"]["user"] = {**data["comment"]["user"], "login": login, "type": user_type}
    return data


def comment_on_issue(body: str) -> dict[str, Any]:
    data = payload("issue_comment.created")
    data["comment"]["body"] = body
    return data


def check_suite_with_pull_request(action: str = "requested") -> dict[str, Any]:
    data = payload(f"check_suite.{action}")
    data["check_suite"]["pull_requests"] = payload("check_suite.rerequested")["check_suite"]["pull_requests"]
    return data


# --- a fake of bot.intake.routes.ReviewActions ----------------------------------------------------


class RecordingActions:
    """Records what the handlers asked for, in order."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any, str | None]] = []

    async def review_pull_request(self, pr: Any, *, reason: str) -> None:
        self.calls.append(("review_pull_request", pr, reason))

    async def rerun_for_sha(self, repo: Any, head_sha: str, *, reason: str) -> None:
        self.calls.append(("rerun_for_sha", (repo, head_sha), reason))

    async def handle_comment(self, command: Any) -> None:
        self.calls.append(("handle_comment", command, None))
