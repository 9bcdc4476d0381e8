"""TSK001 no-checkboxes."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, Section, StatusMark, TaskDocs
from rules.core.rule import Rule, RuleContext

_BULLET_RE = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+\S")
_STATUS_COLUMNS = ("status", "state", "done", "상태")
_STATUS_FIELD_RE = re.compile(r"(?i)^(?:[-*+]\s+)?(?:\*\*|__)?(?:status|state)\b")  # "- Status: COMPLETE"
_FIELD_REACH = 4  # a task heading's status line comes within its first few lines


class NoCheckboxes(Rule):
    """The tasks file has no ``- [ ]`` / ``- [x]`` checkboxes at all.

    Why: checkboxes are what makes a task list trackable: they can be ticked in a PR, counted
    for a progress figure and checked against the phase status. Plain bullets or a table with a
    status column cannot be counted reliably, so progress claims become unverifiable.

    Bad:
        ## Phase 1: Setup
        - Create the schema
        - Seed the roles

    Tasks kept as rows of a table with a status column, or as one heading each with a status line
    under it (``### Task 1.2`` then ``- Status: COMPLETE``), are tracked, only not as boxes: that is
    a medium finding that says so, at the table or the first such heading.

    Good:
        ## Phase 1: Setup
        - [x] Create the schema (1h)
        - [ ] Seed the roles (30 min)
    """

    code = "TSK001"
    name = "no-checkboxes"
    category = Category.TASKS
    severity = Severity.HIGH
    rationale = "Without checkboxes nothing can be ticked off, counted or compared with the progress claims."
    fix = "Turn each task into a `- [ ]` / `- [x]` checkbox, grouped under its phase heading."
    effort_minutes = 20

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        doc = task.tasks
        if doc is None or doc.items:
            return
        for table in doc.tables:
            column = table.column(*_STATUS_COLUMNS)
            if column is not None:
                yield self.finding(
                    task, doc, table.line,
                    f"{doc.name} has no checkboxes: its {len(table.rows)} tasks are rows of a table with a "
                    f"{table.header[column]!r} column, which cannot be ticked off or counted.",
                    severity=Severity.MEDIUM,
                )
                return
        headed = _status_headings(doc)
        if len(headed) > 1:
            first, mark = headed[0]
            yield self.finding(
                task, doc, first.line,
                f"{doc.name} has no checkboxes: its {len(headed)} tasks are headings with a status line "
                f"({mark.text[:40]!r} at line {mark.line}), which cannot be ticked off in a review or counted by "
                "checkbox tools.",
                severity=Severity.MEDIUM,
            )
            return
        code = {n for block in doc.code_blocks for n in range(block.line, block.end_line + 1)}
        bullets = sum(1 for n, line in enumerate(doc.lines, 1) if n not in code and _BULLET_RE.match(line))
        listed = f"none of its {bullets} plain bullets" if bullets else "nothing"
        yield self.finding(task, doc, 1, f"{doc.name} has no `- [ ]` / `- [x]` checkboxes, so {listed} "
                                         "can be ticked off or counted.")


def _status_headings(doc: Document) -> list[tuple[Section, StatusMark]]:
    """The innermost headings whose first lines give their status as a field (``### Task 1.2`` then
    ``- Status: COMPLETE``): tasks tracked one heading each, with the status line as their box."""
    parents = {s.parent for s in doc.sections}
    fields = [m for m in doc.statuses if not m.in_heading and _STATUS_FIELD_RE.match(m.text)]
    lines = [m.line for m in fields]  # in line order, as the document's statuses are
    found = []
    for index, section in enumerate(doc.sections):
        if index in parents:
            continue
        at = bisect_right(lines, section.line)  # the first status field below the heading
        if at < len(fields) and fields[at].line <= min(section.end_line, section.line + _FIELD_REACH):
            found.append((section, fields[at]))
    return found
