"""``action.yml``: its composite steps, inputs and outputs agree with what ``devdocs-review
action`` reads and writes, it never installs or runs anything from the pull request, no workflow
expression is pasted into a shell script, and its review step, run by bash as the runner would,
reviews a pull request on the fake GitHub."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.action.env import DEFAULT_CHECK_NAME, INPUT_ENV
from bot.action.report import OUTPUT_NAMES
from tests.action.steps import parse_outputs
from tests.action.test_action_e2e import WEAK_TASK, pr_event
from tests.bot.support import task_files
from tests.fakegithub import FakeGitHub, Repo

ROOT = Path(__file__).parents[2]
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


@pytest.fixture(scope="module")
def action() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    return data


def steps_by_id(action: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {step["id"]: step for step in action["runs"]["steps"]}


def test_it_is_a_composite_action_that_installs_itself_and_runs_the_command(action: dict[str, Any]) -> None:
    assert action["runs"]["using"] == "composite"
    steps = steps_by_id(action)
    assert list(steps) == ["python", "install", "review"]
    assert steps["python"]["uses"].startswith("actions/setup-python@")
    assert steps["python"]["with"]["update-environment"] is False  # the job's Python stays the job's
    install = steps["install"]["run"]
    assert '"$GITHUB_ACTION_PATH"' in install and "requirements.lock" in install  # this action's folder
    assert "GITHUB_WORKSPACE" not in install and " . " not in install and "github.workspace" not in install
    assert steps["review"]["run"].strip().strip("'") == '"$RUNNER_TEMP/devdocs-review/bin/devdocs-review" action'


def test_no_expression_is_pasted_into_a_shell_script(action: dict[str, Any]) -> None:
    for step in action["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step["id"]  # inputs reach scripts as variables only


def test_every_input_reaches_the_command_under_the_name_it_reads(action: dict[str, Any]) -> None:
    review = steps_by_id(action)["review"]
    passed = {EXPRESSION.fullmatch(value)[1]: name for name, value in review["env"].items()}  # type: ignore[index]

    assert set(action["inputs"]) == {*INPUT_ENV, "python-version"}
    for input_name, variable in INPUT_ENV.items():
        assert passed[f"inputs.{input_name}"] == variable
    assert action["inputs"]["github-token"]["default"] == "${{ github.token }}"
    assert action["inputs"]["check-name"]["default"] == DEFAULT_CHECK_NAME


def test_every_output_is_one_the_command_writes(action: dict[str, Any]) -> None:
    assert tuple(action["outputs"]) == OUTPUT_NAMES
    for name, spec in action["outputs"].items():
        assert spec["value"] == f"${{{{ steps.review.outputs.{name} }}}}"
        assert spec["description"]


def test_the_review_step_runs_as_the_runner_would_run_it(action: dict[str, Any], hub: FakeGitHub, repo: Repo,
                                                         api: str, tmp_path: Path) -> None:
    """The step's own script and environment (inputs at their defaults), by bash, against the
    fake GitHub; ``$RUNNER_TEMP/devdocs-review`` is this test environment's install."""
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed")
    pr = hub.open_pull_request(repo, task_files(WEAK_TASK))
    token = hub.issue_workflow_token()
    runner_temp = tmp_path / "runner-temp"
    (runner_temp / "devdocs-review").mkdir(parents=True)
    (runner_temp / "devdocs-review" / "bin").symlink_to(Path(sys.executable).parent)
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    (tmp_path / "event.json").write_text(json.dumps(pr_event(pr)), encoding="utf-8")
    output = tmp_path / "output.txt"
    output.touch()
    inputs = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    inputs["github-token"] = token  # what ${{ github.token }} is in a run
    review = steps_by_id(action)["review"]
    step_env = {name: EXPRESSION.sub(lambda m: inputs[m[1].removeprefix("inputs.")], value)
                for name, value in review["env"].items()}

    done = subprocess.run(
        [bash, "-e", "-c", review["run"]], cwd=workspace, capture_output=True, text=True, timeout=120,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "RUNNER_TEMP": str(runner_temp),
             "PYTHONPATH": str(ROOT), "GITHUB_EVENT_NAME": "pull_request",
             "GITHUB_EVENT_PATH": str(tmp_path / "event.json"), "GITHUB_REPOSITORY": "octo-org/docs",
             "GITHUB_API_URL": api, "GITHUB_OUTPUT": str(output), **step_env},
        check=False)

    assert done.returncode == 1, done.stderr  # the weak task fails the gate
    outputs = parse_outputs(output.read_text(encoding="utf-8"))
    assert outputs["gate"] == "failed"
    assert outputs["sarif-file"] == "devdocs-review.sarif" and (workspace / "devdocs-review.sarif").is_file()
    assert outputs["html-report"] == "devdocs-review.html" and (workspace / "devdocs-review.html").is_file()
    [run] = hub.runs_for(repo, pr.head_sha)
    assert (run.name, run.app_slug) == (DEFAULT_CHECK_NAME, "github-actions")
