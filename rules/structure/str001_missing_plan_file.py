"""STR001 missing-plan-file."""

from __future__ import annotations

from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import TaskDocs
from rules.core.rule import Rule, RuleContext


class MissingPlanFile(Rule):
    """The task has no plan file (``<task>-plan.md``, ``PLAN.md``, ``X_PLAN.md``).

    Why: the plan holds the strategy — overview, phases, risks, success metrics. Without it
    nobody (human or agent) can tell whether the work is heading the right way, and the plan
    category scores 0.

    Bad:
        dev/active/auth/auth-context.md
        dev/active/auth/auth-tasks.md

    Good:
        dev/active/auth/auth-plan.md
        dev/active/auth/auth-context.md
        dev/active/auth/auth-tasks.md
    """

    code = "STR001"
    name = "missing-plan-file"
    category = Category.PLAN
    severity = Severity.CRITICAL
    rationale = "Without a plan the strategic overview is gone: phases, risks and success criteria."
    fix = "Add `<task>-plan.md` with an overview, phases, risks, success metrics and a timeline."
    effort_minutes = 60

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        if task.plan is None:
            anchor = task.context or task.tasks
            where = anchor.path if anchor else task.path
            yield self.finding(task, where, 1, f"Task {task.name!r} has no plan file.", penalty=100)
