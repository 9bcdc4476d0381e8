"""STR007 unreadable-file."""

from __future__ import annotations

from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.structure._files import basename

_FIXES = (
    (("symlink", "outside the repo", "leaves the repo"),
     "Replace the symlink with the file itself, committed inside the repository."),
    (("review limit", "size limit", "too large"),
     "Split the file (move logs and dumps elsewhere), or raise `limits.max_file_bytes` in the config."),
    (("binary", "nul byte"),
     "Save the file as plain UTF-8 Markdown; keep images and exports as separate files."),
    (("utf-16",), "Re-save the file as UTF-8."),
    (("fetch", "permission", "denied"),
     "Check that the file is committed and readable, then run the review again."),
)


class UnreadableFile(Rule):
    """A planning file in the task could not be read, so it was not reviewed at all.

    Why: a binary file, a file over the size limit, a symlink that leaves the repository or a
    file that could not be fetched is invisible to the review — and usually to the next reader
    as well. Whatever it was meant to say is lost until it is a plain Markdown file again.

    Bad:
        dev/active/auth/auth-context.md  → symlink to /home/me/notes/auth.md (outside the repo)
        dev/active/auth/auth-tasks.md    (a 3 MB export with embedded images)

    Good:
        dev/active/auth/auth-context.md  (UTF-8 Markdown, committed in the repository)
        dev/active/auth/auth-tasks.md    (a short checklist; images live next to it as files)
    """

    code = "STR007"
    name = "unreadable-file"
    category = Category.STRUCTURE
    severity = Severity.HIGH
    rationale = "A file the review cannot read is reviewed by nobody: its content is lost to the process."
    fix = "Replace the file with plain UTF-8 Markdown committed in the repository, under the size limit."
    effort_minutes = 15

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        for path, reason in task.unreadable:
            if path == task.path:
                continue  # the task's folder itself: STR011
            name = path.removeprefix(task.path + "/") if not task.loose else basename(path)
            message = f"{name!r} could not be reviewed: {reason.removesuffix('; not reviewed')}."
            yield self.finding(task, path, 1, message, key=name, fix=_fix_for(reason))


def _fix_for(reason: str) -> str | None:
    """A fix that matches the reason the shell or the decoder gave, or None for the default."""
    lowered = reason.lower()
    for words, fix in _FIXES:
        if any(word in lowered for word in words):
            return fix
    return None

