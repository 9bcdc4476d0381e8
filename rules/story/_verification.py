"""Test and verification tasks, claims that work is complete, and what a finished change records
(DOC032, DOC033, DOC045, DOC051)."""

from __future__ import annotations

import re

from rules.core.model import CheckItem, Document, Role, Status, TaskDocs
from rules.core.phase_identity import PhaseRef, phase_refs
from rules.core.phases import is_later, is_open, is_phase_tracker, phases, section_status
from rules.core.verification import is_verification
from rules.story._changed_files import changes_listed_at

# A task that changes code: it names a source file or a code span, or starts with a building verb.
_CODE_RE = re.compile(r"`[^`\n]{2,80}`|\b[\w-]+\.(?:py|ts|tsx|js|jsx|go|rs|java|kt|rb|php|cs|sql|vue|svelte"
                      r"|dart|swift|scala|exs|cpp|hpp)\b")
_BUILD_RE = re.compile(
    r"(?i)^[\W_]*(?:implement|add|create|build|fix|refactor|migrate|wire|integrate|replace|remove|rename"
    r"|write|extract|port|introduce|extend|update|change|move|split|delete)\b"
)
_STATUS_LABEL_RE = re.compile(r"(?i)^[^\w]*status\b")


def is_change(doc: Document, item: CheckItem) -> bool:
    """The box changes code: its line names a source file or holds a code span (read on the line as
    written: the item's text has lost its backticks), or its text starts with a building verb."""
    return bool(_BUILD_RE.match(item.text) or _CODE_RE.search(doc.line_text(item.line)))


def completed_phases(task: TaskDocs) -> list[PhaseRef]:
    """Phase headings marked complete in the tasks file, the plan or the context (in that order)."""
    found: list[PhaseRef] = []
    for doc in (task.tasks, task.plan, task.context):
        if doc is None:
            continue
        done = {p.section.line for p in phases(doc) if section_status(doc, p.section) is Status.COMPLETE}
        found.extend(ref for ref in phase_refs(doc) if ref.line in done)
    return found


def whole_task_done(task: TaskDocs) -> tuple[Document, int] | None:
    """A ``Status: ✅ COMPLETE`` line at the top of a file (before its first section heading below the title)."""
    for doc in (task.tasks, task.plan, task.context):
        if doc is None:
            continue
        first = next((s.line for s in doc.sections if s.level >= 2), len(doc.lines) + 1)
        for mark in doc.statuses:
            if mark.line >= first:
                break
            plain = not (mark.in_heading or mark.in_checkbox or mark.item_ids)
            if plain and mark.status is Status.COMPLETE and _STATUS_LABEL_RE.match(mark.text):
                return doc, mark.line
    return None


def open_checks(doc: Document, items: tuple[CheckItem, ...]) -> list[CheckItem]:
    """Open test and verification boxes among *items*: not deferred or optional, nor marked or filed
    as later or out-of-scope work ("Future Enhancements")."""
    return [i for i in items if is_open(i) and not is_phase_tracker(i) and is_verification(doc, i)
            and not is_later(doc, i)]


def tasks_doc(task: TaskDocs) -> Document | None:
    doc = task.tasks
    return doc if doc is not None and doc.role is Role.TASKS and doc.items else None


# Anything that records a check: tests or verification (VERIFY_RE), a build, lint or type check that
# passed, something checked or confirmed, a CI run; 확인 / 验证 / 检查 in Korean and Chinese.
EVIDENCE_RE = re.compile(
    r"(?i)\b(?:checked|confirmed|passe[sd]|passing|lint(?:ed|ing)?|type-?check\w*|tsc|ci|smoke"
    r"|build (?:passe[sd]|succeed\w*|ok|green|clean)|(?:npm|pnpm|yarn|cargo|go|make|gradle) (?:run )?build)\b"
    r"|확인|验证|检查|測試"
)


def finished(task: TaskDocs) -> bool:
    """Archived, a ``Status: ✅ COMPLETE`` line at the top of a file, or every box of the tasks file ticked."""
    if task.archived or whole_task_done(task) is not None:
        return True
    boxes = [i for i in task.tasks.items if not is_phase_tracker(i)] if task.tasks is not None else []
    return bool(boxes) and all(i.checked for i in boxes)


def change_record(task: TaskDocs) -> tuple[Document, int] | None:
    """Where the folder records that code changed: a list of changed files, or a ticked box that changes code."""
    for doc in (task.context, *task.extras, task.plan, task.tasks):
        line = changes_listed_at(doc) if doc is not None else None
        if doc is not None and line is not None:
            return doc, line
    tasks = task.tasks
    box = next((i for i in tasks.items if i.checked and is_change(tasks, i)), None) if tasks is not None else None
    return (tasks, box.line) if tasks is not None and box is not None else None
