"""A supporting file's findings are scored under the role its name gives it (Document.acting_role)."""

from __future__ import annotations

import datetime as dt

import pytest

from rules.api import review
from rules.core.discovery import Snapshot
from rules.core.model import Role
from rules.core.parse import parse_document


@pytest.mark.parametrize(("name", "role"), [
    ("master-plan.md", Role.PLAN),
    ("action-center-prompt.md", Role.PLAN),
    ("ROADMAP.md", Role.PLAN),
    ("HANDOFF.md", Role.CONTEXT),
    ("QUICK_REFERENCE.md", Role.CONTEXT),
    ("session_summary_2025-11-26.md", Role.CONTEXT),
    ("SPRINT_1_BACKEND.md", Role.TASKS),
    ("release-checklist.md", Role.TASKS),
    ("README.md", Role.EXTRA),  # its name says no role: the folder's structure
    ("planning-notes-draft.md", Role.CONTEXT),  # "planning" is not "plan"; "notes" is
    ("explanation.md", Role.EXTRA),  # "plan" inside a word is not the word
])
def test_a_supporting_file_acts_in_the_role_its_name_gives(name: str, role: Role) -> None:
    assert parse_document(f"dev/active/auth/{name}", "# x\n", Role.EXTRA).acting_role is role


def test_a_role_file_keeps_its_own_role() -> None:
    assert parse_document("dev/active/auth/auth-context.md", "# x\n", Role.CONTEXT).acting_role is Role.CONTEXT
    assert parse_document("dev/active/auth/notes-plan.md", "# x\n", Role.CONTEXT).acting_role is Role.CONTEXT


@pytest.mark.parametrize(("name", "category"), [("master-plan.md", "plan"), ("README.md", "structure")])
def test_a_finding_in_a_supporting_file_is_scored_in_its_acting_role(name: str, category: str) -> None:
    files = {
        "dev/active/auth/auth-plan.md": b"# Auth - Plan\n\nLast Updated: 2026-03-01\n",
        "dev/active/auth/auth-tasks.md": b"# Auth - Tasks\n\n- [ ] Login form (2h)\n",
        f"dev/active/auth/{name}": b"# Notes\n\nSee `/Users/dana/code/auth/notes.md`.\n",
    }
    result = review(Snapshot(files), today=dt.date(2026, 3, 2))
    found = [(f.path, str(f.category)) for t in result.tasks for f in t.findings if f.rule == "LNK003"]
    assert found == [(f"dev/active/auth/{name}", category)]
