"""Bar test for issue 8, item 3: "Config cannot blow up, and bad config is exit code 2".

Every example of the item, from the issue's text, through the CLI and through the App's
config-loading path (bytes read from the base branch → ConfigOutcome → an ``action_required``
check run against the fake GitHub). Whatever parses a hostile config runs in a subprocess with a
timeout and an address-space limit, so a regression fails instead of hanging or swapping the suite.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.github.connect import github_for_installation
from bot.github.retry import RetryPolicy
from bot.review.config import parse_config_bytes
from bot.review.context import AppContext, build_context
from bot.review.flow import review_pull_request
from tests.bot.support import DEMO, GHES_URL, GOOD_TASK, Clock, Sleeps, demo_files, make_settings, new_app_keys, ref
from tests.fakegithub import FakeGitHub, Repo, create_app

ROOT = Path(__file__).parents[2]
CONFIG = ".github/devdocs-review.yml"
TIMEOUT_S = 60
MEMORY_LIMIT = 1 << 30  # 1 GiB of address space: the alias bomb took 5.9 GB before the fix
CHECK = "devdocs-review"


def alias_bomb() -> str:
    """Anchors nested under ``roots:``: nine levels of nine aliases (9**9 strings once expanded)."""
    lines = ["roots:", "  - &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"  - &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


# (config text, the one line the CLI prints on stderr after "invalid config <path>: ")
BAD_CONFIGS = {
    "alias bomb": (alias_bomb(), "line 2, column 5: YAML anchors (&a) are not allowed in the config"),
    "deep nesting": ("[" * 20_000, "line 1, column 21: nested deeper than 20 levels"),
    "5 000-digit integer": ("gate:\n  min_score: " + "7" * 5000 + "\n",
                            "gate.min_score: a number of 5,000 characters is not allowed (at most 32)"),
    "min_score: true": ("gate:\n  min_score: true\n", "gate.min_score: Input should be a valid integer, got true"),
    "duplicate keys": ("gate:\n  min_score: 90\n  min_score: 10\n",
                       "gate.min_score: duplicate key (line 3, column 3) (first at line 2)"),
    "roots: []": ("roots: []\n", "roots: no doc root is listed, so nothing would be reviewed"),
    "roots: [null]": ("roots: [null]\n", "roots.0: Input should be a valid string, got null"),
    "not a mapping": ("- dev/active\n", "(top level): the top level must be a mapping"),
    "two documents": ("gate: {min_score: 80}\n---\ngate: {min_score: 0}\n",
                      "line 2, column 1: a second YAML document starts here"),
}
BAD_BYTES = {
    "not UTF-8": (b"roots: [d\xe9v/active]\n", "line 1: the file is not valid UTF-8 (byte 0xe9)"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "the file is binary (it contains NUL bytes)"),
    "over 64 KiB": (b"# padding\n" * 7000, "the file is 70,000 bytes, over the 64 KiB limit for the config"),
}


def _limits() -> None:  # runs in the child before exec
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CPU, (TIMEOUT_S, TIMEOUT_S))


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True,
                          timeout=TIMEOUT_S, preexec_fn=_limits, check=False)


def run_bounded(function: str, *args: object) -> object:
    """``function(*args)`` from this module, in a bounded subprocess; returns what it returned."""
    code = (f"import asyncio, json, sys; from tests.bar.test_issue8_config import {function}; "
            f"print(json.dumps(asyncio.run({function}(*json.loads(sys.argv[1])))))")
    result = subprocess.run([sys.executable, "-c", code, json.dumps(args)], capture_output=True, text=True,
                            timeout=TIMEOUT_S, preexec_fn=_limits, check=False, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A checkout of the demo repository (two active tasks)."""
    target = tmp_path / "repo"
    shutil.copytree(DEMO, target)
    return target


def with_config(repo: Path, data: bytes) -> Path:
    (repo / ".github").mkdir(exist_ok=True)
    (repo / CONFIG).write_bytes(data)
    return repo


CASES = {**{name: (text.encode(), line) for name, (text, line) in BAD_CONFIGS.items()}, **BAD_BYTES}


@pytest.mark.parametrize("name", CASES)
def test_cli_bad_config_is_exit_2_with_one_line_naming_the_key_or_position(repo: Path, name: str) -> None:
    data, line = CASES[name]

    result = run_cli("check", str(with_config(repo, data)), "--today", "2026-01-15")

    assert result.returncode == 2, result.stderr[-2000:]
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"devdocs-review: error: invalid config {repo / CONFIG}: ")
    assert line in result.stderr


async def config_outcomes() -> dict[str, object]:
    """What the App makes of each bad config file's bytes (run in a bounded subprocess)."""
    outcomes = {name: parse_config_bytes(data, f"octo/docs@abc1234:{CONFIG}") for name, (data, _) in CASES.items()}
    return {name: {"config": o.config is not None, "errors": list(o.errors)} for name, o in outcomes.items()}


@pytest.fixture(scope="module")
def app_outcomes() -> dict[str, Any]:
    outcomes = run_bounded("config_outcomes")
    assert isinstance(outcomes, dict)
    return outcomes


@pytest.mark.parametrize("name", CASES)
def test_app_bad_config_becomes_the_errors_of_an_action_required_check(
        app_outcomes: dict[str, Any], name: str) -> None:
    outcome = app_outcomes[name]

    assert outcome["config"] is False
    assert len(outcome["errors"]) == 1 and CASES[name][1] in outcome["errors"][0]


def test_alias_bomb_is_exactly_the_small_file_of_the_issue() -> None:
    assert 300 < len(alias_bomb()) < 500  # the issue's was 421 bytes


def test_an_empty_config_file_means_the_defaults(repo: Path) -> None:
    result = run_cli("check", str(with_config(repo, b"")), "--today", "2026-01-15", "--format", "json")

    assert result.returncode == 1 and result.stderr == ""  # the demo's weak task fails the default gate
    assert json.loads(result.stdout)["gate"]["min_score"] == 80


def test_a_symlinked_doc_root_is_a_finding_not_a_perfect_score(repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    shutil.move(repo / "dev" / "active", outside)
    (repo / "dev" / "active").symlink_to(outside, target_is_directory=True)

    result = run_cli("check", str(repo), "--today", "2026-01-15", "--format", "json")

    data = json.loads(result.stdout)
    assert result.returncode == 1  # gate failed: STR011 is critical
    assert data["status"] == "reviewed" and data["score"] < 80 and data["grade"] != "A+"
    findings = [f for task in data["tasks"] for f in task["findings"]]
    str011 = [f for f in findings if f["rule"] == "STR011"]
    assert [(f["path"], f["severity"]) for f in str011] == [("dev/active", "critical")]
    assert "symlink points outside the repository" in str011[0]["message"]


def test_no_active_task_is_a_neutral_nothing_to_review_in_every_output(repo: Path) -> None:
    shutil.rmtree(repo / "dev" / "active")
    args = ("check", str(repo), "--today", "2026-01-15")

    outputs = {fmt: run_cli(*args, "--format", fmt) for fmt in ("text", "markdown", "json", "sarif")}

    assert {fmt: r.returncode for fmt, r in outputs.items()} == dict.fromkeys(outputs, 0)
    assert all("100/100" not in r.stdout and "A+" not in r.stdout for r in outputs.values())
    assert outputs["text"].stdout.startswith("devdocs-review: nothing to review")
    assert "## 📋 devdocs-review: nothing to review" in outputs["markdown"].stdout
    data = json.loads(outputs["json"].stdout)
    assert (data["status"], data["score"], data["grade"], data["tasks"]) == ("nothing_to_review", None, None, [])
    assert data["notes"] == ["no planning task found under dev/active"]
    sarif = json.loads(outputs["sarif"].stdout)
    assert sarif["runs"][0]["results"] == [] and sarif["runs"][0]["properties"]["status"] == "nothing_to_review"


# --- the App, against the fake GitHub -----------------------------------------------------------


def fake_app() -> tuple[FakeGitHub, AppContext, Repo]:
    """The fake GitHub with octo/docs (the demo's good task on main) and an App context on it."""
    keys = new_app_keys()
    hub = FakeGitHub(app_public_key=keys.public_pem)
    settings = make_settings(keys, hub, GHES_URL)
    factory = github_for_installation(settings, transport=httpx.ASGITransport(app=create_app(hub)),
                                      sleep=Sleeps(), policy=RetryPolicy(attempts=3))
    repo = hub.add_repo("octo", "docs", files=demo_files(GOOD_TASK))
    return hub, build_context(settings, github=factory, clock=Clock()), repo


async def app_check_run(hub: FakeGitHub, ctx: AppContext, repo: Repo, config: str | None,
                        pr_files: dict[str, bytes | str], remove: tuple[str, ...] = ()) -> dict[str, Any]:
    """Open a PR under *config* (on the base branch) and review it; the check run it ends with."""
    repo.commit({CONFIG: config if config is not None else ""}, branch="main")
    pr = hub.open_pull_request(repo, pr_files, remove=remove)

    await review_pull_request(ctx, ref(pr), reason="test")

    run = hub.runs_for(repo, pr.head_sha, CHECK)[-1]
    return {"status": run.status, "conclusion": run.conclusion, "output": run.output}


async def app_check_runs() -> dict[str, Any]:
    """Every bad config, then a PR whose task is gone, through the App (run in a bounded subprocess)."""
    hub, ctx, repo = fake_app()
    runs = {name: await app_check_run(hub, ctx, repo, text, {f"{GOOD_TASK}/notes-{index}.md": "# Notes\n"})
            for index, (name, (text, _)) in enumerate(BAD_CONFIGS.items())}
    gone = tuple(path for path in demo_files(GOOD_TASK) if path.startswith(GOOD_TASK + "/"))
    runs["task gone"] = await app_check_run(hub, ctx, repo, None, {"README.md": "# Docs\n"}, gone)
    runs["refused"] = [(r.method, r.path) for r in hub.requests if r.status in (400, 401, 422)]
    return runs


@pytest.fixture(scope="module")
def app_runs() -> dict[str, Any]:
    runs = run_bounded("app_check_runs")
    assert isinstance(runs, dict) and runs["refused"] == []
    return runs


@pytest.mark.parametrize("name", BAD_CONFIGS)
def test_app_check_requires_action_naming_the_problem(app_runs: dict[str, Any], name: str) -> None:
    run = app_runs[name]

    assert (run["status"], run["conclusion"]) == ("completed", "action_required")
    assert run["output"]["title"] == "Invalid devdocs-review configuration"
    assert BAD_CONFIGS[name][1] in run["output"]["summary"]


def test_app_check_succeeds_with_nothing_to_review_when_the_task_is_gone(app_runs: dict[str, Any]) -> None:
    run = app_runs["task gone"]

    assert (run["conclusion"], run["output"]["title"]) == ("success", "Nothing to review")
    assert f"no planning task at {GOOD_TASK}" in run["output"]["summary"]
    assert "/100" not in run["output"]["summary"]
