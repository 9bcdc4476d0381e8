"""PLN004 missing-timeline-summary."""

from __future__ import annotations

from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.core.sections import has_timeline, phase_estimates, phase_id, timed_phases
from rules.core.size import scaled_to_size
from rules.core.state import finished


class MissingTimelineSummary(Rule):
    """Several phases carry durations but the plan has no timeline summary.

    A timeline is a ``## Timeline`` / ``## Schedule`` section, a ``Timeline:`` line at the top of a
    short plan, or a table with a phase column and a duration or date column, in the plan or in the
    tasks file. (A plan with no timeline whose phases carry no durations gets PLN001 instead.) Only
    durations count: phases sized ``(S)`` / ``Effort: M`` are estimated, not scheduled, and a
    summary of sizes adds nothing. Finished work (rules/core/state.py) is not asked: its schedule is
    history. When the folder states work of one session at most (rules/core/size.py), the finding
    is info only.

    Why: durations scattered over phase headings do not add up by themselves; a summary shows the
    total, the order and the target dates at a glance, and makes slips visible.

    Bad:
        ### Phase 1: Backfill (1 day)
        ### Phase 2: Incremental indexing (2 days)
        ### Phase 3: Switch the API (1 day)

    Good:
        ## Timeline
        | Phase | Duration | Target date |
        |-------|----------|-------------|
        | Phase 1 | 1 day | 2026-11-17 |
        | Phase 2 | 2 days | 2026-11-21 |
        | Phase 3 | 1 day | 2026-11-24 |
    """

    code = "PLN004"
    name = "missing-timeline-summary"
    category = Category.PLAN
    severity = Severity.LOW
    rationale = "Without a timeline summary nobody sees the total duration, the order or the target dates."
    fix = "Add a `## Timeline` table: one row per phase with its duration and target date, and the total."
    effort_minutes = 15

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        doc = task.plan
        if doc is None or finished(task) is not None:
            return  # finished work: its schedule is history
        phases = [p for p in timed_phases(doc) if any(not e.is_effort_size for e in phase_estimates(doc, p))]
        if len(phases) < 2 or has_timeline(doc) or (task.tasks is not None and has_timeline(task.tasks)):
            return
        first = phases[0]
        sample = phase_estimates(doc, first)[0].text.strip("()[]` ")
        timed = [phase_estimates(doc, p) for p in phases]
        minutes = [next((e.minutes for e in found if not e.is_effort_size), None) for found in timed]
        total = f" (about {_hours(sum(m or 0 for m in minutes))} in all)" if None not in minutes else ""
        message = (f"{len(phases)} phases carry durations ({phase_id(first)!r}: {sample!r}, …){total} "
                   "but the plan has no timeline summary.")
        yield from scaled_to_size(self, task, [self.finding(task, doc, first.line, message, key="timeline")])


def _hours(minutes: int) -> str:
    hours = round(minutes / 60, 1)
    return f"{hours:g} h" if hours < 16 else f"{round(hours / 8, 1):g} days"
