"""The date reading shared by the freshness rules (rules/story/_fresh.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from rules.story._fresh import dates_in


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("ships by 2025-03-01", dt.date(2025, 3, 1)),
        ("planned for March 3, 2025", dt.date(2025, 3, 3)),
        ("on 3rd Sept. 2024", dt.date(2024, 9, 3)),
        ("release in February 2024", dt.date(2024, 2, 29)),  # a month means its last day
        ("launch in Q1 2025", dt.date(2025, 3, 31)),  # a quarter means its last day
        ("next product Q2/Q3 2025", dt.date(2025, 9, 30)),  # a span of quarters: the last one
        ("year end: December 2025", dt.date(2025, 12, 31)),
        ("## Context Update - 2025-11-02T17:00:00.000Z", dt.date(2025, 11, 2)),  # an ISO timestamp: its day
        ("at 2025-11-02T17:00+02:00", dt.date(2025, 11, 2)),
    ],
)
def test_a_written_date_means_its_last_day(text: str, meant: dt.date) -> None:
    assert [date for _offset, date, _raw in dates_in(text)] == [meant]


@pytest.mark.parametrize("text", ["build 2025-02-30", "v2025-01-01", "see PR 2025", "March 3 without a year",
                                  "Q5 2025", "id 12025-01-01",
                                  "2025-11-02T1", "build 2025-11-02-rc"])
def test_what_is_not_a_date_is_not_read_as_one(text: str) -> None:
    assert list(dates_in(text)) == []


def test_a_stale_creation_stamp_points_at_the_newer_file_it_contradicts() -> None:
    from rules.api import review
    from rules.core.discovery import Snapshot
    from rules.story.doc012_creation_stamp_outdated import CreationStampOutdated

    files = {
        "dev/active/s/s-plan.md": b"# S - Plan\n\n**Last Updated:** 2025-12-01 (initial creation)\n",
        "dev/active/s/s-context.md": b"# S - Context\n\n## State\n\nDone.\n\n**Last Updated:** 2025-12-20\n",
    }

    result = review(Snapshot(files), today=dt.date(2025, 12, 21), rules=[CreationStampOutdated()], strict=True)

    (finding,) = result.tasks[0].findings
    assert (finding.path, finding.line) == ("dev/active/s/s-plan.md", 3)
    assert [(place.path, place.line) for place in finding.related] == [("dev/active/s/s-context.md", 7)]


def test_one_file_yields_at_most_twenty_findings_of_a_rule() -> None:
    from rules.api import review
    from rules.core.discovery import Snapshot
    from rules.story.doc016_unfilled_log_entry import UnfilledLogEntry

    entries = "".join(f"### Session {n}: [Date]\n- [ ] Done:\n\n" for n in range(25))
    files = {"dev/active/s/s-tasks.md": f"# S - Tasks\n\n## Log\n\n{entries}".encode()}

    result = review(Snapshot(files), today=dt.date(2026, 1, 15), rules=[UnfilledLogEntry()], strict=True)

    assert len(result.tasks[0].findings) == 20


def test_one_definition_of_a_log_section() -> None:
    from rules.core.model import Role
    from rules.core.parse import parse_document
    from rules.core.sections import in_log, log_sections

    text = "\n".join([
        "# Export - Context",                     # 0
        "## Next Session",                        # 1: where things stand, not a record
        "## Session 2 (2026-01-04)",              # 2: an entry of a log
        "### Findings",                           # 3: under one
        "## Retrospective",                       # 4
        "## Entries",                             # 5
        "### 2026-01-02",                         # 6: dated entries among dated siblings
        "### 2026-01-03",                         # 7
        "## Current State",                       # 8
        "### Released 2026-01-05",                # 9: one dated heading alone is not a log
    ])
    doc = parse_document("dev/active/export/export-context.md", text, Role.CONTEXT)
    assert sorted(log_sections(doc)) == [2, 3, 4, 6, 7]
    assert in_log(doc, doc.sections[3]) and not in_log(doc, doc.sections[1]) and not in_log(doc, None)


def test_a_table_of_sprints_marked_done_means_the_work_has_begun() -> None:
    from rules.core.discovery import Snapshot, discover
    from rules.core.state import WorkState, work_state
    from rules.core.story import work_rows

    plan = b"# R - Plan\n\n**Status:** Planning complete, not started yet\n\n## Overview\n\nReceipts.\n"
    table = "| Sprint | Status |\n|---|---|\n| Sprint 1 | {0} |\n| Sprint 2 | {1} |\n"
    pending = {"dev/active/r/r-plan.md": plan,
               "dev/active/r/PROGRESS.md": table.format("⏳ Pending", "Not started").encode()}
    done = {**pending, "dev/active/r/PROGRESS.md": table.format("✅ DONE", "🔄 In progress").encode()}

    (fresh,) = discover(Snapshot(pending))
    (begun,) = discover(Snapshot(done))

    assert work_state(fresh).state is WorkState.FRESH
    assert work_state(begun).state is WorkState.UNDER_WAY
    assert begun.context is not None and [line for line, _mark in work_rows(begun.context)] == [3, 4]
