"""STR002 missing-context-file."""

from __future__ import annotations

from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Role, TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.structure._files import missing_role

_CONTENTS = "Last Updated, current state, key decisions, blockers and next steps"


class MissingContextFile(Rule):
    """The task has no context file (``<task>-context.md``, ``CONTEXT.md``, ``X_CONTEXT.md``).

    Why: the context file is the session memory — where the work stands, the decisions taken,
    the key files, blockers and next steps. Without it the next session (human or agent) starts
    from zero, and the context category scores 0.

    Bad:
        dev/active/auth/auth-plan.md
        dev/active/auth/auth-tasks.md

    Good:
        dev/active/auth/auth-plan.md
        dev/active/auth/auth-context.md   (Last Updated, current state, decisions, next steps)
        dev/active/auth/auth-tasks.md
    """

    code = "STR002"
    name = "missing-context-file"
    category = Category.CONTEXT
    severity = Severity.HIGH
    rationale = "Without a context file the next session cannot tell where the work stands or why."
    fix = f"Add `<task>-context.md` with {_CONTENTS}."
    effort_minutes = 30

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        yield from missing_role(self, task, Role.CONTEXT, (Role.PLAN, Role.TASKS), _CONTENTS)
