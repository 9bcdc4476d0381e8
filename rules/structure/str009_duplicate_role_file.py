"""STR009 duplicate-role-file."""

from __future__ import annotations

from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.structure._files import basename


class DuplicateRoleFile(Rule):
    """Two files in one task claim the same role (two plans, two context files, two task lists).

    Why: readers and agents update whichever file they open first, so the two drift apart and
    nobody knows which one is true. The review grades only one of them as the plan (the one named
    after the task, kebab-case first); the other is treated as supporting material.

    Bad:
        dev/active/auth/auth-plan.md
        dev/active/auth/PLAN.md          (an older copy of the plan)

    Good:
        dev/active/auth/auth-plan.md     (one plan; superseded notes merged into it or deleted)
    """

    code = "STR009"
    name = "duplicate-role-file"
    category = Category.STRUCTURE
    severity = Severity.LOW
    rationale = "Two files with one role drift apart and readers cannot tell which one is current."
    fix = "Merge the duplicate into the task's main file and delete it, or rename it to say what it is."
    effort_minutes = 15

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        for role, path in task.duplicates:
            chosen = task.doc(role)
            main = basename(chosen.path) if chosen else "another file"
            message = (f"{basename(path)!r} is a second {role} file next to {main!r}; "
                       f"only {main!r} is reviewed as the {role} file.")
            fix = (f"Merge {basename(path)!r} into {main!r} and delete it, or rename it after what it holds "
                   f"(e.g. `{task.name}-{role}-notes.md`).")
            yield self.finding(task, path, 1, message, key=basename(path), fix=fix)
