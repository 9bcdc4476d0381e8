"""STR001 missing-plan-file."""

from __future__ import annotations

from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Role, TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.structure._files import missing_role

_CONTENTS = "an overview, phases, risks, success metrics and a timeline"
_SMALL = "a few lines of goal and approach"


class MissingPlanFile(Rule):
    """The task has no plan file (``<task>-plan.md``, ``PLAN.md``, ``X_PLAN.md``).

    Why: the plan holds the strategy — overview, phases, risks, success metrics. Without it
    nobody (human or agent) can tell whether the work is heading the right way, and the plan
    category scores 0. When the folder states work of one session at most (``Duration: ~20
    minutes``, ``Total: 2 hours``; rules/core/size.py), a missing plan is low and the category is
    not zeroed: such work needs a few lines of goal and approach, which the context can hold.

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
    fix = f"Add `<task>-plan.md` with {_CONTENTS}."
    effort_minutes = 60

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        yield from missing_role(self, task, Role.PLAN, (Role.CONTEXT, Role.TASKS), _CONTENTS,
                                small_enough=_SMALL)
