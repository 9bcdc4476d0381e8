"""STR004 inconsistent-file-naming."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from rules.core.discovery import role_of
from rules.core.finding import Category, Finding, Severity
from rules.core.model import Role, TaskDocs
from rules.core.rule import Rule, RuleContext

_WORDS_RE = re.compile(r"[^-_.\s]+")
# A lone word before the role word that says which copy or scope the file is, not which task:
# ``SESSION_CONTEXT.md`` beside ``TODO.md`` has no task prefix either.
_QUALIFIERS = frozenset({"session", "current", "working", "project", "master", "main", "overall", "full", "dev"})
_STYLES = {("upper", "_"): "UPPER_SNAKE", ("upper", "-"): "UPPER-KEBAB", ("lower", "-"): "kebab-case",
           ("lower", "_"): "snake_case", ("upper", ""): "UPPERCASE", ("lower", ""): "lowercase"}


class InconsistentFileNaming(Rule):
    """The task's plan, context and tasks files mix naming conventions or prefixes.

    Why: tools, agents and people find a task's files by pattern (``<task>-plan.md``). A task
    whose files mix UPPER_SNAKE and kebab-case, or carry two different prefixes, looks like two
    tasks and hides a file from whoever searches by one pattern. (A prefix that differs from the
    folder name is fine: ``database-migration-supabase/database-migration-plan.md``; a lone qualifier
    word is no prefix: ``SESSION_CONTEXT.md`` beside ``TODO.md``.)

    Bad:
        dev/active/auth/auth-plan.md
        dev/active/auth/AUTH_CONTEXT.md
        dev/active/auth/login-tasks.md

    Good:
        dev/active/auth/auth-plan.md
        dev/active/auth/auth-context.md
        dev/active/auth/auth-tasks.md
    """

    code = "STR004"
    name = "inconsistent-file-naming"
    category = Category.STRUCTURE
    severity = Severity.LOW
    rationale = "Mixed naming makes one task look like several and hides files from pattern searches."
    fix = "Rename the file to follow the same convention and prefix as the task's other files."
    effort_minutes = 5

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        # A file that plays its role only for want of a named one (``STATUS.md``, ``implementation.md``:
        # rules/core/discovery.py) is named for what it is, not by the task's convention.
        docs = [d for d in (task.plan, task.context, task.tasks)
                if d is not None and role_of(d.name)[0] is not Role.EXTRA]
        if len(docs) < 2:
            return
        names = [_Name(d.name) for d in docs]
        case = _majority([n.case for n in names if n.case], prefer="lower")
        sep = _majority([n.sep for n in names if n.sep], prefer="_" if case == "upper" else "-")
        folder = "-".join(_WORDS_RE.findall(task.name.lower()))
        prefix = _majority([n.prefix for n in names], prefer=folder)
        for doc, name in zip(docs, names, strict=True):
            problems = []
            if (name.case and name.case != case) or (name.sep and sep and name.sep != sep):
                problems.append(f"is {name.style} while the others are {_STYLES.get((case, sep), case)}")
            if name.prefix != prefix:
                problems.append(_prefix_problem(name.prefix, prefix))
            if problems:
                wanted = name.renamed(prefix, case, sep or ("_" if case == "upper" else "-"))
                others = [(d, 1) for d in docs if d is not doc]  # the files it is compared with
                yield self.finding(task, doc, 1, f"{doc.name!r} {' and '.join(problems)}.", key=doc.name,
                                   fix=f"Rename {doc.name!r} to {wanted!r}.", related=others)


class _Name:
    """The naming facts of one file name: case, separator, prefix words and the words after them (the
    role word and any version: ``plan``, ``plan-v1-01``)."""

    def __init__(self, filename: str) -> None:
        stem, _, self.ext = filename.rpartition(".")
        words = _WORDS_RE.findall(stem)
        prefix = role_of(filename)[1]  # "plan-v2.md": no prefix, a version after the role word
        self.prefix = "" if prefix in _QUALIFIERS else prefix
        self.role_words = words[len(self.prefix.split("-")) if self.prefix else 0:] or [stem]
        upper, lower = stem == stem.upper(), stem == stem.lower()
        self.case = "" if upper and lower else "upper" if upper else "lower" if lower else "mixed"
        seps = {c for c in stem if c in "-_"}
        self.sep = "".join(sorted(seps)) if len(seps) < 2 else "-_"
        self.style = _STYLES.get((self.case, self.sep), "Mixed-Case" if self.case == "mixed" else "unusual")

    def renamed(self, prefix: str, case: str, sep: str) -> str:
        stem = sep.join([*filter(None, prefix.split("-")), *self.role_words])
        return f"{stem.upper() if case == 'upper' else stem.lower()}.{self.ext}"


def _prefix_problem(own: str, wanted: str) -> str:
    if not own:
        return f"has no task prefix while the others start with {wanted!r}"
    if not wanted:
        return f"starts with {own!r} while the others have no prefix"
    return f"starts with {own!r} while the others start with {wanted!r}"


def _majority(values: list[str], *, prefer: str) -> str:
    counts = Counter(values).most_common()
    if not counts:
        return ""
    best = [value for value, count in counts if count == counts[0][1]]
    return prefer if prefer in best else best[0]
