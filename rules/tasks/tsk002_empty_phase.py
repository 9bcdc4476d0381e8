"""TSK002 empty-phase."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, Section, Status, TaskDocs
from rules.core.phases import MENTION_RE, is_deferred_phase, phase_key, phases, section_status
from rules.core.rule import Rule, RuleContext


class EmptyPhase(Rule):
    """A phase heading in the tasks file has no tasks under it.

    Not reported: a heading that reports on a phase ("Phase 3 Statistics", "Phase 2 Summary"), a
    heading naming the phase the whole file is about (its sub-phases hold the tasks), a finished
    phase collapsed to one line.

    Why: an empty phase is work that was announced but never broken down. Nobody can estimate,
    start or finish it, and the task list looks more complete than it is. A phase marked
    OPTIONAL still needs its tasks if it is meant to be done at all (lower severity).

    Bad:
        ## Phase 4: Polish (Optional)

        Nice-to-haves if time allows.

    Good:
        ## Phase 4: Polish (Optional)
        - [ ] Dark-mode colours for the dashboard (1h)
        - [ ] Keyboard shortcuts for the editor (2h)
    """

    code = "TSK002"
    name = "empty-phase"
    category = Category.TASKS
    severity = Severity.MEDIUM
    rationale = "A phase with no tasks cannot be estimated, started or finished."
    fix = "List the phase's tasks as checkboxes, or remove the phase (and say why in the plan)."
    effort_minutes = 10

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        doc = task.tasks
        if doc is None or not doc.items:
            return  # no checkboxes at all is TSK001's finding
        found = phases(doc)
        filled = {p.id for p in found if _has_tasks(doc, p.section)}
        whole = _title_phase(doc)
        for phase in found:
            section = phase.section
            if phase.id in filled or phase.id == whole or _REPORT_RE.search(section.title):
                continue  # summarised twice; the whole file's phase; or a report about the phase
            status = section_status(doc, section)
            if status is Status.COMPLETE:
                continue  # a finished phase collapsed to one line is fine
            later = is_deferred_phase(doc, section)
            prose = any(line.strip() for line in doc.body(section))
            yield self.finding(
                task, doc, section.line,
                f"Phase {section.title!r} has no tasks under it{' (only prose)' if prose else ''}.",
                key=phase.id, severity=Severity.LOW if later else None,
            )


# A heading about a phase, not a phase: "Phase 3 Final Statistics", "Phase 2 — Summary". Not "Metrics" or
# "Review": "Phase 4: Metrics" and "Phase 5: Code Review" are work.
_REPORT_RE = re.compile(
    r"(?i)\b(?:summary|statistics|stats|results|retrospective|retro|lessons learned|learnings|recap"
    r"|report)\W*$"
)


def _title_phase(doc: Document) -> str | None:
    """The phase the whole file is about (``# Phase 3: Production Readiness — Tasks``): its sub-phases
    hold the tasks, and a heading naming it again is about the whole, not an empty phase."""
    title = doc.title
    if title is None or title.level != 1 or sum(1 for s in doc.sections if s.level == 1) != 1:
        return None
    match = MENTION_RE.match(title.title.lstrip("#*_ "))
    return phase_key(match) if match else None


def _has_tasks(doc: Document, section: Section) -> bool:
    if doc.items_in(section):
        return True
    return any(table.rows for table in doc.tables_in(section))
