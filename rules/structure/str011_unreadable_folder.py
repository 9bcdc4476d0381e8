"""STR011 unreadable-folder."""

from __future__ import annotations

from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import TaskDocs
from rules.core.rule import Rule, RuleContext


class UnreadableFolder(Rule):
    """A doc root (``dev/active``) or a task folder could not be read, so nothing in it was reviewed.

    Why: a symlinked folder is not followed — GitHub does not follow it, and a symlink that
    leaves the repository points at files nobody else has. Without this finding the review
    would see an empty folder and report a clean result: a doc root that is a symlink would
    pass the gate with nothing reviewed at all.

    Bad:
        dev/active        → symlink to /home/me/notes/active (outside the repository)
        dev/active/auth   → symlink to ../../docs/auth

    Good:
        dev/active/auth/auth-plan.md   (the folder and its files committed in the repository)
        roots: [docs/active]           (or point the config at the real folder)
    """

    code = "STR011"
    name = "unreadable-folder"
    category = Category.STRUCTURE
    severity = Severity.CRITICAL
    rationale = "A folder the review cannot read hides every plan in it: an empty review is not a clean one."
    fix = ("Replace the symlink with the folder itself, committed in the repository, or list the real "
           "folder under `roots` in `.github/devdocs-review.yml`.")
    effort_minutes = 15

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        for path, reason in task.unreadable:
            if path != task.path:
                continue  # a file, or a folder inside the task: STR007
            kind = "Doc root" if path == task.root else "Task folder"
            why = reason.removesuffix("; not followed").removesuffix("; nothing in it was reviewed")
            message = f"{kind} {path!r} could not be read ({why}), so nothing in it was reviewed."
            yield self.finding(task, path, 1, message, key=path, penalty=100)
