"""A plan that lists the work as boxes under its phases or steps is the folder's task list."""

from __future__ import annotations

import datetime as dt

from rules.api import review
from rules.core.discovery import Snapshot
from rules.core.finding import Category
from rules.core.model import Role
from rules.core.parse import parse_document
from rules.core.phases import CHECKLIST_MINIMUM, checklist, holds_checklist

TODAY = dt.date(2026, 1, 15)

PHASED = """# Task Plan: CSV import

## Goal

Import contacts.

## Phases

### Phase 1: Parsing

- [x] Stream the file in chunks
- [x] Report malformed rows
- **Status:** complete

### Phase 2: Import

- [x] Upsert by e-mail
- [ ] Progress bar
- [ ] Download rejected rows

## Success Criteria

- [ ] 50,000 rows in a minute

## Future Enhancements

- [ ] Excel files
"""

CRITERIA_ONLY = """# CSV import

## Approach

Stream, upsert, report.

## Success Criteria

- [ ] 50,000 rows in a minute
- [ ] Malformed rows reported
- [ ] No duplicates
- [ ] Responsive UI
- [ ] Rejected rows downloadable
"""

STEPS = """# Space map

## Steps

- [x] M0. This file.
- [x] M1. Base map.
- [ ] M2. Renderer.
- [ ] M3. Terminator layer.
- [ ] M4. Launches.
"""


def _plan(text: str):
    return parse_document("dev/active/t/plan.md", text, Role.PLAN)


def test_the_work_listed_under_phases_or_steps_is_the_checklist_not_criteria_or_later_work() -> None:
    phased = checklist(_plan(PHASED))

    assert [item.text for item in phased] == ["Stream the file in chunks", "Report malformed rows", "Upsert by e-mail",
                                              "Progress bar", "Download rejected rows"]
    assert holds_checklist(_plan(PHASED)) and holds_checklist(_plan(STEPS))
    assert checklist(_plan(CRITERIA_ONLY)) == () and not holds_checklist(_plan(CRITERIA_ONLY))
    assert len(checklist(_plan(STEPS))) == CHECKLIST_MINIMUM


def test_a_folder_whose_plan_is_the_task_list_has_its_tasks_category_present() -> None:
    progress = b"# Progress Log\n\n## Session: 2026-01-12\n\n- Parsing done.\n"
    kept = review(Snapshot({"dev/active/csv/task_plan.md": PHASED.encode(), "dev/active/csv/progress.md": progress}),
                  today=TODAY).tasks[0]
    missing = review(Snapshot({"dev/active/csv/plan.md": CRITERIA_ONLY.encode(),
                               "dev/active/csv/progress.md": progress}), today=TODAY).tasks[0]

    def tasks_category(report):
        return next(c for c in report.categories if c.category is Category.TASKS)

    assert "STR003" not in {f.rule for f in kept.findings} and tasks_category(kept).present
    assert "STR003" in {f.rule for f in missing.findings} and not tasks_category(missing).present


CLOSING_STATUS = """# Task Plan

### Phase 1: Import
{/* WHAT: the importer */}
- [x] Stream the file in chunks
- [x] Report malformed rows
- [x] Upsert by e-mail
- [x] Progress bar
- [x] Download rejected rows
- **Status:** complete

### Phase 2: Notes

The importer was first written against the old API, then moved to the new one.
It keeps its own retry loop; the client's is off.
Rows are read as UTF-8; a BOM is dropped.
Dates are parsed day-first, as the support team's files write them.
The rejected rows keep their line numbers.
Status: complete means the API answered 200 for the test file.
"""


def test_a_status_line_closing_a_phases_boxes_is_the_phases_status_but_not_one_after_prose() -> None:
    from rules.core.phases import phases, section_status

    doc = _plan(CLOSING_STATUS)
    first, second = phases(doc)

    assert section_status(doc, first.section) is not None and section_status(doc, first.section).is_done
    assert section_status(doc, second.section) is None
