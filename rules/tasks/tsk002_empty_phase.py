"""TSK002 empty-phase."""

from __future__ import annotations

from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, Section, Status, TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.tasks._phases import is_deferred_phase, phases, section_status


class EmptyPhase(Rule):
    """A phase heading in the tasks file has no tasks under it.

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
        for phase in found:
            section = phase.section
            if phase.id in filled:
                continue  # a phase may be summarised twice; one heading with tasks is enough
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


def _has_tasks(doc: Document, section: Section) -> bool:
    if doc.items_in(section):
        return True
    return any(table.rows for table in doc.tables_in(section))
