"""STR005 loose-files-at-root."""

from __future__ import annotations

from collections.abc import Iterator

from rules.core.discovery import role_of
from rules.core.finding import Category, Finding, Severity
from rules.core.model import Role, TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.structure._files import anchor, basename


class LooseFilesAtRoot(Rule):
    """The task's files sit directly in the doc root instead of in a folder of their own.

    Why: one folder per task keeps its plan, context and tasks together, lets the task be
    archived with one move, and keeps the root readable as a list of tasks. Loose files get
    mixed up with other tasks' files as the root grows. Not reported: the only task of an active
    root whose files carry its name (``phase-3-plan.md`` beside a README) — a workable layout
    until a second task arrives; a readme beside it is part of it, not a task file to move. Files
    loose in a loose-only root (``dev/``, whose folders are not tasks) are told to move into a
    folder under the first doc root (``dev/active/<task>/``).

    Bad:
        dev/active/magic-inbox-context.md
        dev/active/magic-inbox-tasks.md

    Good:
        dev/active/magic-inbox/magic-inbox-context.md
        dev/active/magic-inbox/magic-inbox-tasks.md
    """

    code = "STR005"
    name = "loose-files-at-root"
    category = Category.STRUCTURE
    severity = Severity.MEDIUM
    rationale = "A folder per task keeps its files together and lets it be archived with one move."
    fix = "Move the task's files into a folder named after the task."
    effort_minutes = 5

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        if not task.loose or _alone_and_named(task, ctx):
            return
        files = [p for p in task.all_paths if "/" not in p[len(task.root) + 1:] and role_of(p)[0] is not Role.EXTRA]
        many = len(files) > 1
        listed = ", ".join(repr(basename(p)) for p in files)
        named = task.name if task.name and not task.name.startswith("(") else "<task-name>"
        folder = f"{_folder_root(task, ctx)}/{named}/"
        message = (f"Task file{'s' if many else ''} {listed} {'sit' if many else 'sits'} directly in "
                   f"{task.root + '/'!r} instead of in a task folder.")
        moves = "; ".join(f"git mv {p} {folder}" for p in files)
        fix = f"Move {'them' if many else 'it'} into {folder!r}: `mkdir -p {folder}; {moves}`."
        where = anchor(task, Role.PLAN, Role.CONTEXT, Role.TASKS)
        yield self.finding(task, files[0] if where == task.path and files else where, 1, message,
                           key=task.name, fix=fix, effort_minutes=max(2, 2 * len(files)))


def _folder_root(task: TaskDocs, ctx: RuleContext) -> str:
    """Where the task's folder belongs: its root, or for a loose-only root (whose folders are not
    tasks) the first doc root."""
    if task.root in ctx.loose_roots and ctx.active_roots:
        return ctx.active_roots[0].strip("/")
    return task.root


def _alone_and_named(task: TaskDocs, ctx: RuleContext) -> bool:
    """The only task of an active root, its files prefixed with its name (``phase-3-tasks.md``):
    nothing to mix them up with, and the names already say which task they belong to. An archive
    root fills up over time, and bare ``PLAN.md`` names collide with the next task's."""
    named = bool(task.name) and not task.name.startswith("(")
    alone = not any(t.root == task.root and (t.path, t.name) != (task.path, task.name) for t in ctx.tasks)
    return named and alone and not task.archived
