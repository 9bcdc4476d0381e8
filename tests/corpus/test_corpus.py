"""Opt-in: the engine over every task of the shared corpus of real dev docs.

Runs when ``../shared/corpus`` exists beside the checkout (or ``DEVDOCS_CORPUS`` points at a
corpus); skipped otherwise. The corpus is read in place and never copied into the project.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from pathlib import Path

import pytest

from rules.api import review
from rules.core.discovery import Snapshot
from rules.core.redact import redact
from rules.core.report import Review

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("DEVDOCS_CORPUS", ROOT.parent / "shared" / "corpus"))
TODAY = dt.date(2026, 11, 25)

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not found at {CORPUS} (set DEVDOCS_CORPUS)"),
]


def _repos() -> list[Path]:
    return sorted(p for p in CORPUS.iterdir() if p.is_dir()) if CORPUS.is_dir() else []


def _snapshot(repo: Path) -> Snapshot:
    return Snapshot({p.relative_to(repo).as_posix(): p.read_bytes() for p in sorted(repo.rglob("*")) if p.is_file()})


def _review(repo: Path) -> Review:
    return review(_snapshot(repo), today=TODAY, strict=True)


def _manifest_tasks() -> set[str]:
    with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return {f"{row['repo'].replace('/', '__')}/{row['path'].rsplit('/', 1)[0]}" for row in rows}


@pytest.mark.parametrize("repo", _repos(), ids=lambda p: p.name)
def test_every_task_is_reviewed_without_error(repo: Path) -> None:
    result = _review(repo)

    reviewed = {f"{repo.name}/{t.path}" for t in (*result.tasks, *result.others)}
    expected = {t for t in _manifest_tasks() if t.startswith(repo.name + "/")}
    assert reviewed == expected
    for task in (*result.tasks, *result.others):
        assert 0 <= task.score <= 100
        for finding in task.findings:
            data = (repo / finding.path).read_bytes()
            assert 1 <= finding.line <= max(1, data.count(b"\n") + 1), finding


@pytest.mark.parametrize("repo", _repos(), ids=lambda p: p.name)
def test_findings_never_quote_a_secret(repo: Path) -> None:
    result = _review(repo)

    for task in (*result.tasks, *result.others):
        for finding in task.findings:
            for text in (finding.message, finding.fix, finding.key):
                assert redact(text) == text, f"{finding.rule} leaks a secret-like value"
