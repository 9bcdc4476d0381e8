"""Markdown → Document: sections, items, tables, links, code blocks, comments, line numbers."""

from __future__ import annotations

from rules.core.model import Role, Status
from rules.core.parse import parse_document

DOC = """\
# Auth — Tasks

**Last Updated:** 2026-01-10 15:59
**Progress:** 2/4 tasks complete (50%)

## Phase 1: Setup (30 min) ✅ COMPLETE

- [x] 1.1 Create schema (1h)
- [ ] 1.2 Configure Sentry (2-3 hours)
  - [ ] nested check
      continued

## Phase 2: API 🟡 IN PROGRESS

| Risk | Mitigation |
|------|------------|
| Drift | Nightly job |

See [the plan](auth-plan.md) and <!-- devdocs-review-disable TSK004 reason="spike" -->

```bash
psql postgresql://user:pass@host/db
- [ ] not a task
```
"""


def test_sections_have_levels_ranges_parents_and_statuses() -> None:
    doc = parse_document("dev/active/auth/auth-tasks.md", DOC, Role.TASKS)

    titles = [(s.title, s.level, s.line, s.end_line, s.parent) for s in doc.sections]

    assert titles == [
        ("Auth — Tasks", 1, 1, 24, None),
        ("Phase 1: Setup (30 min) ✅ COMPLETE", 2, 6, 12, 0),
        ("Phase 2: API 🟡 IN PROGRESS", 2, 13, 24, 0),
    ]
    assert doc.sections[1].status is Status.COMPLETE
    assert doc.sections[2].status is Status.IN_PROGRESS
    assert doc.sections[1].item_ids == ("Phase 1",)
    assert [e.minutes for e in doc.sections[1].estimates] == [30]


def test_checkbox_items_carry_line_depth_section_ids_and_estimates() -> None:
    doc = parse_document("dev/active/auth/auth-tasks.md", DOC, Role.TASKS)

    items = [(i.text.split("\n")[0], i.checked, i.line, i.depth, i.section, i.item_ids) for i in doc.items]

    assert items == [
        ("1.1 Create schema (1h)", True, 8, 0, 1, ("1.1",)),
        ("1.2 Configure Sentry (2-3 hours)", False, 9, 0, 1, ("1.2",)),
        ("nested check", False, 10, 1, 1, ()),
    ]
    assert [(e.minutes, e.minutes_high) for e in doc.items[1].estimates] == [(120, 180)]


def test_code_blocks_are_kept_raw_and_not_scanned_for_tasks() -> None:
    doc = parse_document("dev/active/auth/auth-tasks.md", DOC, Role.TASKS)

    assert len(doc.code_blocks) == 1
    block = doc.code_blocks[0]
    assert (block.info, block.line, block.end_line) == ("bash", 21, 24)
    assert "postgresql://user:pass@host/db" in block.content
    assert all(item.line < 21 for item in doc.items)


def test_tables_links_comments_dates_and_progress() -> None:
    doc = parse_document("dev/active/auth/auth-tasks.md", DOC, Role.TASKS)

    assert doc.tables[0].header == ("Risk", "Mitigation")
    assert doc.tables[0].rows == (("Drift", "Nightly job"),)
    assert doc.tables[0].row_lines == (17,)
    assert [(link.target, link.line) for link in doc.links] == [("auth-plan.md", 19)]
    assert doc.comments[0][0] == 19 and "TSK004" in doc.comments[0][1]
    assert doc.last_updated is not None and str(doc.last_updated.date) == "2026-01-10"
    assert [(p.done, p.total, p.percent) for p in doc.progress] == [(2, 4, 50)]


def test_empty_and_heading_only_documents_parse() -> None:
    assert parse_document("x-plan.md", "", Role.PLAN).sections == ()
    doc = parse_document("x-plan.md", "# Title", Role.PLAN)
    assert doc.title is not None and doc.title.end_line == 1


def test_crlf_and_setext_headings() -> None:
    doc = parse_document("x-plan.md", "Title\r\n=====\r\n\r\nSub\r\n---\r\ntext\r\n", Role.PLAN)

    assert [(s.title, s.level, s.line) for s in doc.sections] == [("Title", 1, 1), ("Sub", 2, 4)]


def test_images_are_links_too() -> None:
    doc = parse_document("x-plan.md", "intro\n![diagram](img/arch.png) and [plan](y.md)\n", Role.PLAN)

    assert [(link.target, link.line) for link in doc.links] == [("img/arch.png", 2), ("y.md", 2)]


BARE = """\
# Sync — Tasks

## Phase 1: Import

[x] **Task 1.1: Read the export** (30 min)
    - Checked: 120 rows
[ ] Task 1.2: Map the columns (1h)

> [ ] a quote is not a checklist

- [ ] a list item stays one item
  [x] its lazy continuation is not another

```text
[ ] code is not a checklist
```

Text that mentions [x] in the middle is not an item.
"""


def test_checkbox_lines_without_a_list_marker_are_items() -> None:
    doc = parse_document("dev/active/sync/sync-tasks.md", BARE, Role.TASKS)

    items = [(i.line, i.end_line, i.checked, i.text, i.depth) for i in doc.items]
    assert items == [
        (5, 6, True, "Task 1.1: Read the export (30 min)", 0),
        (7, 7, False, "Task 1.2: Map the columns (1h)", 0),
        (11, 13, False, "a list item stays one item\n[x] its lazy continuation is not another", 0),
    ]
    assert [e.minutes for e in doc.items[0].estimates] == [30]
    assert all(doc.sections[i.section].title.startswith("Phase 1") for i in doc.items if i.section is not None)


def test_a_last_updated_heading_dates_the_file_with_the_line_below_it() -> None:
    path = "dev/active/x/x-context.md"
    dated = parse_document(path, "# X\n\n## Last Updated\n\n2026-01-12\n\n## Notes\n", Role.CONTEXT)
    prose = parse_document(path, "# X\n\n## Last Updated\nWhen it changes.\n", Role.CONTEXT)

    stamp = dated.last_updated
    assert stamp is not None and (stamp.line, str(stamp.date)) == (5, "2026-01-12")
    assert prose.last_updated is None


def test_front_matter_is_metadata_not_a_heading() -> None:
    # Without the front-matter rule, the closing "---" makes a setext heading of every key above it.
    text = "---\nupdated_at: 2026-05-01\nstatus: completed\n---\n# Radar\n\n## Current State\n\nDone.\n"
    doc = parse_document("dev/active/radar/radar-context.md", text, Role.CONTEXT)

    assert [(s.title, s.line) for s in doc.sections] == [("Radar", 5), ("Current State", 7)]
    assert doc.last_updated is not None and doc.last_updated.line == 2
    assert [(m.status, m.line) for m in doc.statuses] == [(Status.COMPLETE, 3)]


def test_an_opening_rule_over_markdown_is_not_front_matter() -> None:
    text = "---\n\n# Radar\n\nThe scan works.\n\n---\n\n## Next Steps\n"
    doc = parse_document("dev/active/radar/radar-context.md", text, Role.CONTEXT)

    assert [(s.title, s.line) for s in doc.sections] == [("Radar", 3), ("Next Steps", 9)]
