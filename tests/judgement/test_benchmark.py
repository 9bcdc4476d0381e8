"""bench/judgement.py end to end: the sample label against examples/demo-repo, served as an extra corpus."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bench.judgement import evaluate, labelled_task, main, repository_snapshot
from bench.judgement_labels import load_label
from rules.core.config import ReviewConfig
from rules.core.discovery import Snapshot, discover

HERE = Path(__file__).resolve().parent
SAMPLE = HERE / "sample"
DEMO_REPO = HERE.parents[1] / "examples" / "demo-repo"
DEMO_PASSWORD = "Hunter2Secret"  # written in the demo context on purpose


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """An extra corpus whose only repository is the demo repository."""
    (tmp_path / "devdocs-review__demo-repo").symlink_to(DEMO_REPO, target_is_directory=True)
    return tmp_path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code, out, _err = _run(capsys, *argv, "--json")
    assert code == 0
    return json.loads(out)


def test_the_sample_label_is_scored_against_a_review_of_the_whole_demo_repository(
        corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = _json(capsys, "--labels", str(SAMPLE), "--extra-corpus", str(corpus))

    [folder] = report["folders"]
    assert folder["task"] == "dev/active/payment-retries"
    assert folder["expected"] == 7
    assert "E1" not in {m["id"] for m in folder["missed"]}, "the credential URL is the engine's oldest catch"
    assert folder["recalled"] == folder["expected"] - len(folder["missed"])
    assert folder["false_alarms"] == len(folder["false_alarm_list"]) <= folder["findings"]
    assert folder["delta"] == abs(folder["engine_score"] - folder["expert_score"])
    assert set(report["splits"]) == {"tune", "holdout", "all"}
    assert report["splits"]["holdout"]["folders"] == 0
    assert report["splits"]["all"]["recalled"] == folder["recalled"]


def test_no_output_quotes_the_password_written_in_the_demo(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert DEMO_PASSWORD in (DEMO_REPO / "dev/active/payment-retries/payment-retries-context.md").read_text()

    for extra in (["--json"], ["--verbose"]):
        code, out, err = _run(capsys, "--labels", str(SAMPLE), "--extra-corpus", str(corpus), *extra)

        assert code == 0
        assert DEMO_PASSWORD not in out + err


def test_the_text_report_prints_each_split_then_all(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = _run(capsys, "--labels", str(SAMPLE), "--extra-corpus", str(corpus), "--verbose")

    titles = [line.split(":")[0] for line in out.splitlines() if line.startswith("== ")]
    assert code == 0
    assert titles == ["== tune", "== holdout", "== all"]
    assert out.count("demo-repo:dev/active/payment-retries") == 2  # under tune and under all


def test_a_split_can_be_chosen(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = _json(capsys, "--labels", str(SAMPLE), "--extra-corpus", str(corpus), "--split", "holdout")

    assert report["folders"] == []
    assert list(report["splits"]) == ["holdout"]


def test_a_folder_whose_corpus_is_absent_is_skipped_with_a_note(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DEVDOCS_EXTRA_CORPUS", raising=False)

    without = _json(capsys, "--labels", str(SAMPLE))
    elsewhere = _json(capsys, "--labels", str(SAMPLE), "--extra-corpus", str(tmp_path))

    assert without["folders"] == elsewhere["folders"] == []
    assert "no extra corpus given" in without["notes"][0]
    assert "not found; skipped" in elsewhere["notes"][0]


def test_an_unreadable_label_file_exits_2_and_names_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "o__r__t.yaml").write_text("repo: o/r\nsplit: train\n", encoding="utf-8")

    code, out, err = _run(capsys, "--labels", str(tmp_path))

    assert (code, out) == (2, "")
    assert "o__r__t.yaml" in err and "'commit' is a required property" in err


def test_a_missing_labels_directory_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = _run(capsys, "--labels", str(tmp_path / "nowhere"))

    assert code == 2
    assert "no such label directory" in err


def test_loose_files_are_found_through_their_directory_and_prefix() -> None:
    label = load_label(next(SAMPLE.glob("*.yaml")))
    snapshot = Snapshot({
        "dev/active/payment-retries-context.md": b"# c\n",
        "dev/active/payment-retries-tasks.md": b"# t\n- [ ] a\n",
        "dev/active/other-context.md": b"# c\n",
    })
    tasks = discover(snapshot)

    by_prefix = labelled_task(tasks, replace(label, folder="dev/active", task="payment-retries"))
    by_files = labelled_task(tasks, replace(label, folder="dev/active"))

    assert by_prefix is not None and by_files is not None
    assert (by_prefix.path, by_prefix.loose) == ("dev/active/payment-retries", True)
    assert by_files == by_prefix
    assert labelled_task(tasks, replace(label, folder="dev/active", task="other")).path == "dev/active/other"
    assert labelled_task(tasks, replace(label, folder="dev/active", task="missing")) is None


def test_a_label_for_task_files_loose_in_dev_finds_the_engines_task(tmp_path: Path) -> None:
    label = replace(load_label(next(SAMPLE.glob("*.yaml"))), folder="dev", task="billing-export", entries=())
    for name in ("billing-export-plan.md", "billing-export-tasks.md", "README.md"):
        (tmp_path / "dev").mkdir(exist_ok=True)
        (tmp_path / "dev" / name).write_text(f"# {name}\n\n- [ ] a step\n", encoding="utf-8")

    tasks = discover(repository_snapshot(tmp_path))
    outcome = evaluate(label, tmp_path, ReviewConfig())

    found = labelled_task(tasks, label)
    assert found is not None and (found.path, found.root, found.loose) == ("dev/billing-export", "dev", True)
    assert labelled_task(tasks, replace(label, task="README")) is None
    assert not isinstance(outcome, str) and outcome.task == "dev/billing-export"


def test_a_label_with_the_teams_config_finds_a_task_outside_the_default_roots(tmp_path, capsys):
    """A team that keeps its docs under .claude/dev-docs/active configures roots; the label says so and
    the benchmark reviews with that configuration (without it the task is not found)."""
    folder = tmp_path / "corpus" / "acme__tool" / ".claude" / "dev-docs" / "active" / "billing"
    folder.mkdir(parents=True)
    (folder / "billing-plan.md").write_text("# Billing plan\n\n## Overview\n\nBill monthly.\n", encoding="utf-8")
    labels = tmp_path / "labels"
    labels.mkdir()
    header = ("repo: acme/tool\ncommit: " + "a" * 40 + "\ncorpus: extra\nfolder: .claude/dev-docs/active/billing\n"
              "today: 2026-01-01\nlabeller: t\nsplit: tune\n")
    body = ("expert: {score: 50, grade: F, summary: thin}\nexpected:\n"
            "  - {id: E1, severity: high, category: structure, kind: missing-file,"
            " where: [{file: billing-context.md, line: 1}], what: no context}\n")
    (labels / "with.yaml").write_text(header + "config: {roots: [.claude/dev-docs/active]}\n" + body, encoding="utf-8")
    report = _json(capsys, "--labels", str(labels), "--extra-corpus", str(tmp_path / "corpus"))
    assert [f["folder"] for f in report["folders"]] == [".claude/dev-docs/active/billing"]
    assert report["folders"][0]["recalled"] == 1

    (labels / "with.yaml").write_text(header + body, encoding="utf-8")
    report = _json(capsys, "--labels", str(labels), "--extra-corpus", str(tmp_path / "corpus"))
    assert report["folders"] == [] and "finds no such task" in report["notes"][0]


def test_a_label_whose_config_is_invalid_is_refused_with_the_key_named(tmp_path, capsys):
    labels = tmp_path / "labels"
    labels.mkdir()
    (labels / "bad.yaml").write_text(
        "repo: acme/tool\ncommit: " + "a" * 40 + "\ncorpus: extra\nfolder: dev/active/x\ntoday: 2026-01-01\n"
        "labeller: t\nsplit: tune\nconfig: {roots: 5}\nexpert: {score: 50, grade: F, summary: s}\nexpected: []\n",
        encoding="utf-8")
    code, _out, err = _run(capsys, "--labels", str(labels))
    assert code == 2 and "bad.yaml" in err and "roots" in err


def test_calibrate_prints_the_distance_per_setting_the_best_and_a_leave_one_out_estimate(
        corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bench import calibrate
    from rules.core import scoring

    before = scoring.PULL_FACTOR, scoring.MAX_CATEGORY_PULL, scoring.SATURATION
    code = calibrate.main(["--labels", str(SAMPLE), "--extra-corpus", str(corpus),
                           "--factors", "1,3", "--bounds", "5,40", "--saturations", "0,30"])
    lines = capsys.readouterr().out.splitlines()

    assert code == 0 and before == (scoring.PULL_FACTOR, scoring.MAX_CATEGORY_PULL, scoring.SATURATION)
    settings = [line.split(":")[0] for line in lines[:8]]
    assert settings[0] == "factor  1.0 bound  5.0 saturation   0.0" and len(set(settings)) == 8
    found = [float(line.split("|d|")[1].split()[0]) for line in lines[:8]]
    assert len(set(found)) > 1, "the setting changes the engine's score, so the distance differs"
    assert lines[8].startswith("best: ") and f"|d| {min(found):.2f}" in lines[8]
    assert len(lines) == 9, "one folder: no leave-one-out estimate"
    label = load_label(SAMPLE / next(p.name for p in SAMPLE.iterdir() if p.suffix == ".yaml"))
    assert calibrate.main(["--labels", str(SAMPLE), "--split", "holdout"]) == (0 if label.split == "holdout" else 1)


def test_leave_one_out_scores_each_folder_with_the_setting_chosen_on_the_others() -> None:
    from bench import calibrate
    from rules.core.finding import Category
    from rules.core.report import CategoryScore

    def folder(deducted: int, expert: int) -> calibrate.Folder:
        categories = tuple(CategoryScore(c, 100 - deducted, "F", deducted) for c in Category)
        return categories, {c: 1 for c in Category}, expert

    # two folders agree on a factor of 1 (deducted 10 -> score 90); a third wants factor 2
    folders = [folder(10, 90), folder(10, 90), folder(10, 80)]
    grid = [(1.0, 100.0, 0.0), (2.0, 100.0, 0.0)]
    assert calibrate.mean_distance(folders, grid[0]) == pytest.approx(10 / 3)
    assert calibrate.leave_one_out(folders, grid) == pytest.approx(10 / 3)  # each scored by the others' choice


def test_a_stored_tree_beside_the_repository_gives_the_snapshot_every_path_at_that_commit(tmp_path: Path) -> None:
    repo = tmp_path / "acme__tool"
    (repo / "dev" / "active" / "x").mkdir(parents=True)
    (repo / "dev" / "active" / "x" / "x-plan.md").write_text("# Plan\n", encoding="utf-8")
    commit = "b" * 40
    (tmp_path / f"acme__tool@{commit}.tree").write_text("src/app.py\ndev/active/x/x-plan.md\n\n", encoding="utf-8")

    with_tree = repository_snapshot(repo, commit)
    other_commit = repository_snapshot(repo, "c" * 40)

    assert with_tree.paths == {"src/app.py", "dev/active/x/x-plan.md"}
    assert set(with_tree.files) == {"dev/active/x/x-plan.md"}
    assert other_commit.paths == frozenset() and repository_snapshot(repo).paths == frozenset()
