"""TSK005 vague-aggregate-estimate."""

from __future__ import annotations

from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import TaskDocs
from rules.core.phases import is_open_task
from rules.core.rule import Rule, RuleContext
from rules.core.sections import heading_lines
from rules.core.size import scaled_to_size
from rules.tasks._estimates import is_window, phase_timed


class VagueAggregateEstimate(Rule):
    """The tasks file only has aggregate estimates: a total or a "remaining work" figure, no task's own.

    Reported when the only figures are file-level totals ("Remaining work (2-3 hours)"). Quiet
    when phases carry their own estimates (a duration or a size in their heading, or for that phase
    in the plan): a phase of a few hours, or ``[Effort: M]``, is estimate enough for the tasks under
    it, and open tasks in a phase without one are counted by TSK004, not called a lump here. A
    moment (``Session started: ~2 hours ago``) is not an estimate at all.

    When the folder states work of one session at most (rules/core/size.py), the finding is info
    only: such work needs no per-task schedule, criteria or ordering.

    Why: a lump figure cannot be checked: nobody can see which task it assumed, whether it is
    plausible, or which task blew it. It is usually a guess written once and never revised.

    Bad:
        **Remaining work:** 2-3 hours

        - [ ] Add the endpoint
        - [ ] Add rate limiting
        - [ ] Write the docs

    Good:
        **Remaining work:** 2.5 hours

        - [ ] Add the endpoint (1h)
        - [ ] Add rate limiting (1h)
        - [ ] Write the docs (30 min)
    """

    code = "TSK005"
    name = "vague-aggregate-estimate"
    category = Category.TASKS
    severity = Severity.MEDIUM
    rationale = "A lump estimate with no per-task figures cannot be checked or revised task by task."
    fix = "Break the aggregate down: give each open task its own estimate and let the total be their sum."
    effort_minutes = 15

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        yield from scaled_to_size(self, task, self._check(task, ctx))  # one-session work: info at most

    def _check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        doc = task.tasks
        estimates = [e for e in doc.estimates if not is_window(doc, e)] if doc is not None else []
        if doc is None or not estimates or task.archived:
            return
        open_count = sum(1 for item in doc.items if is_open_task(doc, item))
        if open_count == 0:
            return
        headings = heading_lines(doc)
        if phase_timed(task) or any(estimate.line in headings for estimate in estimates):
            return  # estimated per phase: a phase's duration covers its tasks, the others are TSK004's count
        in_items = {n for item in doc.items for n in item.lines}
        if any(estimate.line in in_items for estimate in estimates):
            return  # some tasks carry their own estimate (TSK004 weighs how many)
        first = estimates[0]
        more = len(estimates) - 1
        others = f" and {more} more" if more else ""
        yield self.finding(
            task, doc, first.line,
            f"The only estimates are aggregates ({first.text!r} at line {first.line}{others}); none of the "
            f"{open_count} open tasks has its own.",
        )
