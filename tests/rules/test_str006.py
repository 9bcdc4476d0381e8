"""STR006 finished-task-still-active: where a finished task may stay, and what the finding quotes."""

from __future__ import annotations

import datetime as dt

from rules.api import review
from rules.core.config import load_config
from rules.core.discovery import Snapshot
from rules.registry import RULES_BY_CODE

TASKS = "# Sync — Tasks\n\n**Status:** ✅ COMPLETE\n\n- [x] Queue the jobs (2h)\n- [x] Retry failures (1h)\n"


def str006(root: str, tasks: str = TASKS) -> list[str]:
    snapshot = Snapshot({f"{root}/sync/sync-tasks.md": tasks.encode()})
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


def test_a_status_said_in_an_html_comment_is_quoted_by_its_words() -> None:
    tasks = "<!-- Plan: sync - COMPLETE -->\n\n# Sync — Tasks\n\n## Milestone 1\n- Status: COMPLETE\n"

    (message,) = str006("dev/active", tasks)

    assert "'sync-tasks.md' says 'Plan: sync - COMPLETE'" in message


def open_boxes_message(open_boxes: int) -> str:
    boxes = "".join(f"- [x] Step {n}\n" for n in range(8))
    boxes += "".join(f"- [ ] Write the export docs, part {n}\n" for n in range(open_boxes))
    snapshot = Snapshot({
        "dev/active/sync/sync-context.md": "# Sync — Context\n\n**Status:** ✅ COMPLETE\n".encode(),
        "dev/active/sync/sync-tasks.md": f"# Sync — Tasks\n\n{boxes}".encode(),
    })
    result = review(snapshot, today=dt.date(2026, 1, 15), rules=[RULES_BY_CODE["STR006"]()], strict=True)
    (message,) = [f.message for task in result.tasks for f in task.findings]
    return message


def test_the_open_boxes_beside_a_done_status_are_counted_in_the_right_number() -> None:
    assert ", though 1 box in 'sync-tasks.md' is open" in open_boxes_message(1)
    assert ", though 2 boxes in 'sync-tasks.md' are open" in open_boxes_message(2)
