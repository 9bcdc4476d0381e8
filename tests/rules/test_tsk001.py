"""TSK001 no-checkboxes: how the tasks are kept decides the severity and what the message says."""

from __future__ import annotations

import datetime as dt

from rules.api import review
from rules.core.discovery import Snapshot
from rules.core.finding import Severity
from rules.registry import RULES_BY_CODE


def findings(tasks: str) -> list[tuple[int, Severity, str]]:
    snapshot = Snapshot({"dev/active/export/export-tasks.md": tasks.encode()})
    result = review(snapshot, today=dt.date(2026, 1, 15), rules=[RULES_BY_CODE["TSK001"]()], strict=True)
    return [(f.line, f.severity, f.message) for task in result.tasks for f in task.findings]


def test_plain_bullets_cannot_be_tracked_at_all() -> None:
    (finding,) = findings("# Export — Tasks\n\n## Phase 1\n- Add the endpoint\n- Stream rows\n")

    assert finding == (1, Severity.HIGH, "export-tasks.md has no `- [ ]` / `- [x]` checkboxes, so none of its 2 "
                                         "plain bullets can be ticked off or counted.")


def test_one_heading_per_task_with_a_status_line_is_tracked_but_not_as_boxes() -> None:
    tasks = ("# Export — Tasks\n\n## Milestone 1\n- Status: COMPLETE\n\n"
             "### Task 1.1: Endpoint\n- Status: COMPLETE\n- Acceptance Criteria: returns a CSV\n\n"
             "### Task 1.2: Streaming\n- **Status:** PENDING\n")

    (finding,) = findings(tasks)

    assert finding == (6, Severity.MEDIUM, "export-tasks.md has no checkboxes: its 2 tasks are headings with a status "
                                           "line ('- Status: COMPLETE' at line 7), which cannot be ticked off in a "
                                           "review or counted by checkbox tools.")


def test_a_single_status_heading_is_not_a_task_list() -> None:
    (finding,) = findings("# Export — Tasks\n\n## Summary\n- Status: IN PROGRESS\n- Endpoint first\n")

    assert finding[1] is Severity.HIGH
