"""The Action in-process: ``bot.action.run.main`` with an Actions environment in a temporary
folder, against the fake GitHub over ``httpx.ASGITransport`` (the same validating fake the
end-to-end tests serve over HTTP)."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.action.run import main
from tests.action.steps import Step, parse_outputs
from tests.bot.support import GOOD_TASK, demo_files
from tests.fakegithub import FakeGitHub, Repo, create_app

API = "https://api.github.test"


@dataclass
class InProcess:
    hub: FakeGitHub
    folder: Path

    def run(self, event: str, payload: dict[str, Any] | str, *, token: str | None = None,
            environ: dict[str, str] | None = None, **options: str) -> Step:
        self.folder.mkdir(parents=True, exist_ok=True)
        event_path = self.folder / "event.json"
        event_path.write_text(payload if isinstance(payload, str) else json.dumps(payload), encoding="utf-8")
        output, summary = self.folder / "output.txt", self.folder / "summary.md"
        output.write_text("", encoding="utf-8")
        summary.write_text("", encoding="utf-8")
        env = {
            "GITHUB_EVENT_NAME": event,
            "GITHUB_EVENT_PATH": str(event_path),
            "GITHUB_REPOSITORY": "octo-org/docs",
            "GITHUB_API_URL": API,
            "GITHUB_TOKEN": token if token is not None else self.hub.issue_workflow_token(),
            "GITHUB_OUTPUT": str(output),
            "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_RUN_ID": "77",
            **(environ or {}),
        }
        stdout, stderr = io.StringIO(), io.StringIO()
        code = main({k: v for k, v in env.items() if v is not None}, stdout=stdout, stderr=stderr,
                    transport=httpx.ASGITransport(app=create_app(self.hub)), **options)
        return Step(code, stdout.getvalue(), stderr.getvalue(), parse_outputs(output.read_text(encoding="utf-8")),
                    summary.read_text(encoding="utf-8"), self.folder)


@pytest.fixture
def hub() -> FakeGitHub:
    return FakeGitHub()


@pytest.fixture
def repo(hub: FakeGitHub) -> Repo:
    return hub.add_repo("octo-org", "docs", files=demo_files(GOOD_TASK))


@pytest.fixture
def action(hub: FakeGitHub, tmp_path: Path) -> InProcess:
    return InProcess(hub, tmp_path)
