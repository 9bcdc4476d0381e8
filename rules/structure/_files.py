"""Helpers shared by the structure rules: file names and roles inside one task."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rules.core.discovery import is_markdown, role_of
from rules.core.finding import Finding, Severity
from rules.core.model import Role, TaskDocs
from rules.core.rule import Rule
from rules.core.size import is_small, one_session

_ROLE_WORD_RE = re.compile(r"(?i)(plan|context|tasks?|checklist|todos?)(?=\.[^.]+$)")


def basename(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def anchor(task: TaskDocs, *roles: Role) -> str:
    """The first present document among *roles* (to hang a task-level finding on), else the first
    other document directly in the folder (a lone summary stands where the files are missing),
    else the task."""
    for role in roles:
        doc = task.doc(role)
        if doc is not None:
            return doc.path
    return next((d.path for d in task.extras if _directly_in(task, d.path)), task.path)


def missing_role(rule: Rule, task: TaskDocs, role: Role, others: tuple[Role, Role],
                 contents: str, *, small_enough: str | None = None) -> Iterator[Finding]:
    """The finding for a task without a *role* file: unreadable, misplaced or simply absent.
    *others* are the roles to anchor the finding on; *contents* says what the file should hold.
    *small_enough*, for a file that one-session work may do without, says what such work needs
    instead: a file simply absent from small work (rules/core/size.py) is then a low finding that
    says so, and its category is not zeroed."""
    if task.doc(role) is not None:
        return
    if any(path == task.path for path, _reason in task.unreadable):  # the folder itself (STR011)
        message = f"Task {task.name!r} has no readable {role} file: its folder could not be read."
        fix = f"Make {task.path!r} a folder committed in the repository (see STR011)."
        yield rule.finding(task, task.path, 1, message, fix=fix, penalty=100)
        return
    for path, reason in task.unreadable:
        if _directly_in(task, path) and role_of(path)[0] is role:
            message = (f"Task {task.name!r} has no readable {role} file: {basename(path)!r} "
                       f"could not be read — {reason.removesuffix('; not reviewed').rstrip('.')}.")
            fix = f"Make {basename(path)!r} a UTF-8 Markdown file inside the repository."
            yield rule.finding(task, path, 1, message, fix=fix, penalty=100)
            return
    wanted = expected_path(task, role, *others)
    stray = next((p for p in task.all_paths if not _directly_in(task, p) and is_markdown(p)
                  and role_of(p)[0] is role), None)
    if stray is not None:
        inner = stray[len(task.path) + 1:]
        message = (f"Task {task.name!r} has no {role} file: {inner!r} sits in a sub-folder, "
                   f"where it is read as supporting material.")
        yield rule.finding(task, anchor(task, *others), 1, message, penalty=100,
                           fix=f"Move {inner!r} to {wanted!r} (`git mv {stray} {wanted}`).")
        return
    message = f"Task {task.name!r} has no {role} file."
    if small_enough is not None and (small := is_small(task)) is not None:
        message += f" {one_session(small)}: it needs {small_enough} at most, so this is low."
        yield rule.finding(task, anchor(task, *others), 1, message, severity=Severity.LOW, effort_minutes=10,
                           fix=f"Add {wanted!r} with {small_enough}, or say in the context why none is needed.")
        return
    yield rule.finding(task, anchor(task, *others), 1, message, penalty=100, fix=f"Add {wanted!r} with {contents}.")


def expected_path(task: TaskDocs, role: Role, *others: Role) -> str:
    """Where the missing *role* file belongs, named like the task's other files."""
    word = {Role.PLAN: "plan", Role.CONTEXT: "context", Role.TASKS: "tasks"}[role]
    for doc in filter(None, map(task.doc, others)):
        if found := _ROLE_WORD_RE.search(doc.name):
            word = word.upper() if found.group(1).isupper() else word
            return doc.path[: len(doc.path) - len(doc.name)] + _ROLE_WORD_RE.sub(word, doc.name, count=1)
    folder = task.root if task.loose else task.path
    return f"{folder}/{task.name}-{word}.md"


def _directly_in(task: TaskDocs, path: str) -> bool:
    return task.loose or path.rsplit("/", 1)[0] == task.path
