"""STR006 and a doc root named for finished work: listed under ``roots`` it is reviewed and gated,
but its finished tasks are where finished tasks belong."""

from __future__ import annotations

import datetime as dt

from rules.api import review
from rules.core.config import load_config
from rules.core.discovery import Snapshot
from rules.registry import RULES_BY_CODE

TASKS = "# Sync — Tasks\n\n**Status:** ✅ COMPLETE\n\n- [x] Queue the jobs (2h)\n- [x] Retry failures (1h)\n"


def str006(root: str) -> list[str]:
    snapshot = Snapshot({f"{root}/sync/sync-tasks.md": TASKS.encode()})
    result = review(snapshot, today=dt.date(2026, 1, 15), config=load_config({"roots": [root]}),
                    rules=[RULES_BY_CODE["STR006"]()], strict=True)
    return [f.message for task in result.tasks for f in task.findings]


def test_a_finished_task_under_a_root_named_completed_or_archives_is_not_still_active() -> None:
    assert str006(".claude/dev-docs/completed") == []
    assert str006("spec/archives") == []
    assert str006("docs/dev/done") == []


def test_a_finished_task_under_another_root_is_still_active() -> None:
    (message,) = str006(".claude/dev-docs/active")
    assert "still under '.claude/dev-docs/active/'" in message
