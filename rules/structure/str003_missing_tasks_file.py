"""STR003 missing-tasks-file."""

from __future__ import annotations

from collections.abc import Iterator

from rules.core.discovery import role_of
from rules.core.finding import Category, Finding, Severity
from rules.core.model import Role, TaskDocs
from rules.core.phases import tasks_in_plan
from rules.core.rule import Rule, RuleContext
from rules.structure._files import missing_role

_CONTENTS = "`- [ ]` checkboxes grouped by phase, each with an estimate"
_SMALL = "a short list of what is to be done or was done"


class MissingTasksFile(Rule):
    """The task has no tasks file (``<task>-tasks.md``, ``TASKS.md``, ``CHECKLIST.md``).

    Why: the tasks file is the checklist that shows progress — what is done, what is open and
    what comes next. Without it progress cannot be measured or resumed, and the tasks category
    scores 0. When the folder states work of one session at most (rules/core/size.py), a missing
    tasks file is low and the category is not zeroed. A plan that lists the work itself, five boxes
    or more under its phases or step headings (the planning-with-files ``task_plan.md``, a single
    ``PLAN.md`` with ``## Steps``), is the folder's task list: nothing is missing.

    Bad:
        dev/active/auth/auth-plan.md
        dev/active/auth/auth-context.md

    Good:
        dev/active/auth/auth-plan.md
        dev/active/auth/auth-context.md
        dev/active/auth/auth-tasks.md     (- [ ] checkboxes grouped by phase, with estimates)
    """

    code = "STR003"
    name = "missing-tasks-file"
    category = Category.TASKS
    severity = Severity.HIGH
    rationale = "Without a tasks checklist nobody can see what is done, what is open and what is next."
    fix = f"Add `<task>-tasks.md` with {_CONTENTS}."
    effort_minutes = 30

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        if tasks_in_plan(task) and not any(role_of(path)[0] is Role.TASKS for path in task.all_paths):
            return  # the plan lists the work as boxes under its phases or steps: it is the task list
        yield from missing_role(self, task, Role.TASKS, (Role.PLAN, Role.CONTEXT), _CONTENTS,
                                small_enough=_SMALL)
