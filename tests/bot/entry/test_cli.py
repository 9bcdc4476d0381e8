"""The command line: exit codes, formats, targets, config errors, bad input on disk."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.entry.cli import main

ROOT = Path(__file__).resolve().parents[3]
DEMO = ROOT / "examples" / "demo-repo"
TODAY = ["--today", "2026-11-21"]


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object]]:
    code = main(["check", *args, "--format", "json", *TODAY])
    return code, json.loads(capsys.readouterr().out)


def test_demo_repo_fails_the_gate_because_of_the_weak_task(capsys: pytest.CaptureFixture[str]) -> None:
    code, report = _json(capsys, str(DEMO))

    assert code == 1
    tasks = {t["name"]: t for t in report["tasks"]}  # type: ignore[union-attr]
    assert set(tasks) == {"search-indexing", "payment-retries"}
    assert tasks["search-indexing"]["score"] > tasks["payment-retries"]["score"]
    assert report["gate"]["passed"] is False  # type: ignore[index]


def test_one_task_folder_is_reviewed_alone(capsys: pytest.CaptureFixture[str]) -> None:
    code, report = _json(capsys, str(DEMO / "dev" / "active" / "search-indexing"))

    assert [t["name"] for t in report["tasks"]] == ["search-indexing"]  # type: ignore[union-attr]
    assert code == (0 if report["gate"]["passed"] else 1)  # type: ignore[index]


def test_one_file_of_a_task_folder_reviews_its_task(capsys: pytest.CaptureFixture[str]) -> None:
    _code, report = _json(capsys, str(DEMO / "dev" / "active" / "search-indexing" / "search-indexing-plan.md"))

    assert [t["path"] for t in report["tasks"]] == ["dev/active/search-indexing"]  # type: ignore[union-attr]


def test_exit_zero_and_min_score_override(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(DEMO), "--exit-zero", "--format", "json", *TODAY]) == 0
    capsys.readouterr()
    code, report = _json(capsys, str(DEMO / "dev" / "active" / "search-indexing"), "--min-score", "0")
    assert report["gate"]["min_score"] == 0  # type: ignore[index]
    assert code == 0  # a single task with no blocking findings passes a gate of 0


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "sarif", "html"])
def test_every_format_writes_to_output_file(tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / f"report.{fmt}"

    code = main(["check", str(DEMO), "--format", fmt, "--output", str(out), *TODAY])

    assert code == 1
    assert capsys.readouterr().out == ""
    text = out.read_text(encoding="utf-8")
    assert "Hunter2Secret" not in text  # the password in the demo's session log is redacted
    if fmt in ("json", "sarif"):
        json.loads(text)


def test_html_without_output_goes_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(DEMO), "--format", "html", *TODAY])

    page = capsys.readouterr().out
    assert code == 1
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n")
    assert "Gate failed" in page and "payment-retries" in page and "Hunter2Secret" not in page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "/no/such/dir"], "no such file or directory"),
        (["check", str(DEMO / "README.md")], "not a directory"),
        (["check", str(DEMO), "--today", "tomorrow"], "--today must be YYYY-MM-DD"),
        (["check", str(DEMO), "--min-score", "101"], "between 0 and 100"),
        (["check", str(DEMO), "--format", "pdf"], "invalid choice"),
        (["explain", "NOPE42"], "unknown rule code"),
    ],
)
def test_usage_and_input_errors_exit_2_with_one_line(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        raise SystemExit(main(args))

    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_bad_repo_config_names_the_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(DEMO, repo)
    (repo / ".github").mkdir()
    (repo / ".github" / "devdocs-review.yml").write_text("gate:\n  min_scor: 70\n", encoding="utf-8")

    code = main(["check", str(repo), *TODAY])

    assert code == 2
    err = capsys.readouterr().err
    assert "gate.min_scor" in err and err.count("\n") == 1


def test_repo_config_is_applied(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(DEMO, repo)
    (repo / ".github").mkdir()
    (repo / ".github" / "devdocs-review.yml").write_text("gate: {min_score: 55}\n", encoding="utf-8")

    _code, report = _json(capsys, str(repo))

    assert report["gate"]["min_score"] == 55  # type: ignore[index]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_leaving_the_repo_is_reported_and_the_review_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(DEMO, repo)
    secret = tmp_path / "outside.md"
    secret.write_text("# not yours\n", encoding="utf-8")
    task = repo / "dev" / "active" / "search-indexing"
    (task / "search-indexing-notes.md").symlink_to(secret)

    _code, report = _json(capsys, str(repo))

    findings = [f for t in report["tasks"] for f in t["findings"]]  # type: ignore[union-attr]
    hits = [f for f in findings if f["path"].endswith("search-indexing-notes.md")]
    assert hits and "outside the repository" in hits[0]["message"]
    assert len(report["tasks"]) == 2  # type: ignore[arg-type]


def test_rules_explain_and_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--format", "json"]) == 0
    rules = json.loads(capsys.readouterr().out)
    assert {"STR001", "SEC001", "CTX002"} <= {r["code"] for r in rules}

    assert main(["explain", "ctx002"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("# CTX002") and "Bad:" in text and "Good:" in text

    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "gate" in schema["properties"] and schema["additionalProperties"] is False


def test_rules_and_explain_say_which_rules_are_off_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--format", "json"]) == 0
    rows = {r["code"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["DOC014"]["enabled_by_default"] is False and rows["STR001"]["enabled_by_default"] is True

    assert main(["rules"]) == 0
    listing = capsys.readouterr().out.splitlines()
    off = [line for line in listing if "  (off by default) " in line]
    assert [line.split()[0] for line in off] == [c for c, r in rows.items() if not r["enabled_by_default"]]
    assert "rules: {CODE: on}" in listing[-1]

    assert main(["explain", "DOC014"]) == 0
    text = capsys.readouterr().out
    assert "- Off by default: turn it on with `rules: {DOC014: on}`" in text
    summary = text.splitlines()[2]  # a summary that wraps in the docstring is one paragraph here
    assert summary.startswith("None of the task's") and summary.endswith("(``plan.md``).")


def test_installed_entry_point_runs() -> None:
    exe = Path(sys.executable).with_name("devdocs-review")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "bot"]

    done = subprocess.run([*command, "check", str(DEMO), *TODAY], capture_output=True, text=True, timeout=120)

    assert done.returncode == 1, done.stderr
    assert "payment-retries" in done.stdout


def _loose_repo(root: Path) -> Path:
    """A repository whose team keeps its task files loose in dev/, beside files that are no task."""
    docs = {
        "dev/billing-export-plan.md": "# Billing export - Plan\n\n**Last Updated:** 2026-11-20\n\n## Goal\n\n"
                                      "Finance downloads each month's invoices as one CSV file.\n",
        "dev/billing-export-context.md": "# Billing export - Context\n\n**Last Updated:** 2026-11-20\n\n"
                                         "## Current state\n\nThe query is written; the button is not.\n",
        "dev/billing-export-tasks.md": "# Billing export - Tasks\n\n**Last Updated:** 2026-11-20\n\n"
                                       "## Phase 1: Query\n\n- [x] Write the invoice query\n- [ ] Add the button\n",
        "dev/search-tuning-plan.md": "# Search tuning - Plan\n\n## Goal\n\nFaster search.\n",
        "dev/README.md": "# Developer notes\n\n- [ ] tidy the scripts\n",
        "dev/setup-guide.md": "# Setup\n\nRun the scripts.\n",
        "dev/scripts/deploy-plan.md": "# Deploy\n\n- [ ] push\n",
    }
    repo = root / "repo"
    for path, text in docs.items():
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text(text, encoding="utf-8")
    (repo / ".git").mkdir()
    return repo


def test_task_files_loose_in_dev_are_reviewed_and_other_dev_files_are_not(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = _loose_repo(tmp_path)

    _code, whole = _json(capsys, str(repo))
    _code, folder = _json(capsys, str(repo / "dev"))

    paths = [t["path"] for t in whole["tasks"]]  # type: ignore[union-attr]
    assert paths == ["dev/billing-export", "dev/search-tuning"]
    billing = whole["tasks"][0]  # type: ignore[index]
    assert (billing["root"], billing["loose"]) == ("dev", True)
    assert [t["path"] for t in folder["tasks"]] == paths  # type: ignore[union-attr]
    files = {f["path"] for t in whole["tasks"] for f in t["findings"]}  # type: ignore[union-attr]
    assert files <= {"dev/billing-export-plan.md", "dev/billing-export-context.md", "dev/billing-export-tasks.md",
                     "dev/search-tuning-plan.md"}


def test_one_loose_task_file_in_dev_reviews_its_task_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = _loose_repo(tmp_path)

    _code, report = _json(capsys, str(repo / "dev" / "billing-export-tasks.md"))

    assert [t["path"] for t in report["tasks"]] == ["dev/billing-export"]  # type: ignore[union-attr]


@pytest.mark.parametrize("target", ["dev/README.md", "dev/setup-guide.md", "dev/scripts/deploy-plan.md"])
def test_a_file_in_dev_that_is_no_task_is_refused_as_a_target(
        tmp_path: Path, target: str, capsys: pytest.CaptureFixture[str]) -> None:
    repo = _loose_repo(tmp_path)

    code = main(["check", str(repo / target), *TODAY])

    err = capsys.readouterr().err
    assert code == 2
    assert "not a directory or a planning doc" in err and err.count("\n") == 1


def test_a_repo_config_can_turn_loose_task_files_off(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = _loose_repo(tmp_path)
    (repo / ".github").mkdir()
    (repo / ".github" / "devdocs-review.yml").write_text("loose_roots: []\n", encoding="utf-8")

    code, report = _json(capsys, str(repo))

    assert code == 0
    assert (report["status"], report["tasks"]) == ("nothing_to_review", [])


def _claude_docs_repo(root: Path) -> Path:
    """A git checkout whose team keeps its dev docs under .claude/dev-docs/active and says so in its config."""
    repo = root / "repo"
    task = repo / ".claude" / "dev-docs" / "active" / "auth"
    task.mkdir(parents=True)
    (repo / ".git").mkdir()
    (repo / ".github").mkdir()
    (repo / ".github" / "devdocs-review.yml").write_text("roots: [.claude/dev-docs/active]\n", encoding="utf-8")
    (task / "auth-plan.md").write_text("# Auth - Plan\n\n## Goal\n\nSign in with a magic link.\n", encoding="utf-8")
    (task / "auth-tasks.md").write_text("# Auth - Tasks\n\n- [ ] Send the link\n", encoding="utf-8")
    return repo


@pytest.mark.parametrize("target", [".", ".claude/dev-docs/active", ".claude/dev-docs/active/auth",
                                    ".claude/dev-docs/active/auth/auth-plan.md"])
def test_a_path_under_the_repositorys_own_roots_resolves_with_its_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    repo = _claude_docs_repo(tmp_path)

    _code, report = _json(capsys, str(repo / target))

    assert [t["path"] for t in report["tasks"]] == [".claude/dev-docs/active/auth"]  # type: ignore[index, union-attr]


def test_without_the_config_a_named_task_folder_or_file_outside_the_roots_is_still_reviewed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The user named it: its parent stands as a doc root for this run (a whole-repository check
    instead says where the task folders are, see test_discovery)."""
    repo = _claude_docs_repo(tmp_path)
    (repo / ".github" / "devdocs-review.yml").unlink()

    for target in (".claude/dev-docs/active/auth", ".claude/dev-docs/active/auth/auth-plan.md",
                   ".claude/dev-docs/active"):
        _code, report = _json(capsys, str(repo / target))
        assert [t["path"] for t in report["tasks"]] == [".claude/dev-docs/active/auth"]  # type: ignore[index, union-attr]

    _code, report = _json(capsys, str(repo))
    assert report["status"] == "nothing_to_review"


def test_a_task_folder_outside_any_checkout_is_reviewed_from_its_parent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    task = tmp_path / "handoff" / "auth"
    task.mkdir(parents=True)
    (task / "auth-plan.md").write_text("# Auth - Plan\n\n## Goal\n\nMagic links.\n", encoding="utf-8")

    _code, report = _json(capsys, str(task))

    assert [t["path"] for t in report["tasks"]] == ["handoff/auth"]  # type: ignore[index, union-attr]
