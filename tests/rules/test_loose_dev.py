"""Rules that reason about a task's folder, on a task whose files sit loose directly in ``dev/``
(a loose-only root: its folders are not tasks)."""

from __future__ import annotations

import datetime as dt

from rules.api import review
from rules.core.discovery import Snapshot
from rules.core.finding import Finding
from rules.registry import RULES_BY_CODE

TODAY = dt.date(2026, 1, 15)
PLAN = "# Billing - Plan\n\nLast Updated: 2026-01-10\n\n## Goal\n\nInvoices as CSV.\n"


def findings(files: dict[str, str], *codes: str) -> list[Finding]:
    snapshot = Snapshot({p: t.encode() for p, t in files.items()})
    result = review(snapshot, today=TODAY, rules=[RULES_BY_CODE[c]() for c in codes])
    return [f for task in (*result.tasks, *result.others) for f in task.findings]


def test_str005_moves_loose_dev_files_into_a_folder_under_the_doc_root_not_under_dev() -> None:
    files = {"dev/billing-plan.md": PLAN, "dev/uploads-context.md": "# Uploads - Context\n\nSlow.\n"}

    found = {f.path: f for f in findings(files, "STR005")}

    assert set(found) == {"dev/billing-plan.md", "dev/uploads-context.md"}
    assert "directly in 'dev/'" in found["dev/billing-plan.md"].message
    fix = found["dev/billing-plan.md"].fix
    assert "git mv dev/billing-plan.md dev/active/billing/" in fix


def test_links_from_loose_dev_files_are_judged_only_where_the_docs_are_known() -> None:
    context = ("# Billing - Context\n\nLast Updated: 2026-01-12\n\n## Current State\n\n"
               "Run [the script](scripts/export.sh), read [the notes](billing-notes.md),\n"
               "then tick [the tasks](./billing-tasks.md).\n")
    files = {"dev/billing-plan.md": PLAN, "dev/billing-context.md": context}

    found = findings(files, "LNK001")

    # only planning docs were given: dev/scripts/ and dev/billing-notes.md are unknown, not missing
    assert [(f.path, f.line) for f in found] == [("dev/billing-context.md", 8)]
    assert "'dev/billing-tasks.md'" in found[0].message


def test_lnk004_leaves_a_loose_dev_task_alone_even_when_it_names_a_folder_under_dev_active() -> None:
    context = "# Billing - Context\n\n**Folder:** `dev/active/billing/` (to be created)\n"
    files = {"dev/billing-plan.md": PLAN, "dev/billing-context.md": context}

    assert findings(files, "LNK004") == []
