"""DOC014 task-naming-convention-unused."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.story._fresh import core_docs

# ``<task>-plan.md``: a lower-case kebab prefix, then the role word.
_CONVENTIONAL_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*-(?:plan|context|tasks?|checklist|todos?)\.(?:md|markdown|mdx)")
_WORD_RE = re.compile(r"[A-Za-z0-9]+")


class TaskNamingConventionUnused(Rule):
    """None of the task's plan, context and tasks files is named ``<task>-plan.md``,
    ``<task>-context.md``, ``<task>-tasks.md``: they are all UPPER_SNAKE (``CONTEXT.md``,
    ``AUTH_TASKS.md``) or bare (``plan.md``).

    Off by default: reviewers accept these names as a variant, so this is a house convention a
    repository opts into (``rules: {DOC014: on}``). One finding per folder; a folder that mixes
    conventions is STR004's.

    Why: tools, agents and searches that find a task's files by ``<task>-context.md`` miss a folder
    named any other way, and bare ``plan.md`` files of several tasks are indistinguishable in
    editor tabs, search results and links.

    Bad:
        dev/active/billing-export/CONTEXT.md
        dev/active/billing-export/TASKS.md

    Good:
        dev/active/billing-export/billing-export-context.md
        dev/active/billing-export/billing-export-tasks.md
    """

    code = "DOC014"
    name = "task-naming-convention-unused"
    category = Category.STRUCTURE
    severity = Severity.LOW
    rationale = "Files not named `<task>-<role>.md` are missed by whatever finds task files by that pattern."
    fix = "Rename the files to `<task>-plan.md`, `<task>-context.md` and `<task>-tasks.md`."
    effort_minutes = 5
    enabled_by_default = False

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        docs = core_docs(task)
        if task.loose or not docs or any(_CONVENTIONAL_RE.fullmatch(doc.name) for doc in docs):
            return
        prefix = "-".join(_WORD_RE.findall(task.name.lower()))
        names = ", ".join(doc.name for doc in docs)
        wanted = ", ".join(f"{prefix}-{doc.role.value}.md" for doc in docs)
        message = f"No file of task {task.name!r} follows `<task>-<role>.md`: {names}."
        yield self.finding(task, docs[0], 1, message, key="convention", fix=f"Rename the files to {wanted}.")
