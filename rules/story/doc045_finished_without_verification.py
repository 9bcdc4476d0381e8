"""DOC045 finished-without-verification."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rules.core.finding import ROLE_CATEGORY, Category, Finding, Severity
from rules.core.model import Document, TaskDocs
from rules.core.phases import is_phase_tracker
from rules.core.rule import Rule, RuleContext
from rules.core.verification import VERIFY_RE
from rules.story._changed_files import changes_listed_at
from rules.story._verification import is_change, whole_task_done

# Anything that records a check: tests or verification (VERIFY_RE), a build, lint or type check that
# passed, something checked or confirmed, a CI run; 확인 / 验证 / 检查 in Korean and Chinese.
EVIDENCE_RE = re.compile(
    r"(?i)\b(?:checked|confirmed|passe[sd]|passing|lint(?:ed|ing)?|type-?check\w*|tsc|ci|smoke"
    r"|build (?:passe[sd]|succeed\w*|ok|green|clean)|(?:npm|pnpm|yarn|cargo|go|make|gradle) (?:run )?build)\b"
    r"|확인|验证|检查|測試"
)


class FinishedWithoutVerification(Rule):
    """A finished task changed code, and not one line of its folder says how the change was checked.

    A task is finished when it is archived, a ``Status:`` line at the top of a file says complete, or
    every box of its tasks file is ticked. It changed code when a file lists changed files under a
    ``Files Modified`` / ``Files changed`` heading or label, or a ticked box builds, fixes or edits
    something. The rule is silent as soon as any file of the folder mentions a test, a verification
    or validation, a build, lint or type check, something checked or confirmed, or a CI run. The
    finding stands at the list of changed files (or the first such box), in that file's category.

    Why: a finished change with no record of any check leaves the next reader to take it on trust,
    and nobody can tell later whether a regression was there from the start.

    Bad:
        export-context.md:  **Status:** Complete
                            ## Files Modified
                            - `src/export.ts`  (and nothing about how it was checked)

    Good:
        export-context.md:  ## Verification
                            - Exported a 10k-row report; unit tests pass in CI
    """

    code = "DOC045"
    name = "finished-without-verification"
    category = Category.CONTEXT
    severity = Severity.LOW
    rationale = "A finished change with no recorded check is taken on trust."
    fix = "Record how the change was verified (tests run, manual checks and their results), or add the missing checks."
    effort_minutes = 10

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        if not _finished(task) or any(EVIDENCE_RE.search(d.text) or VERIFY_RE.search(d.text) for d in task.documents):
            return
        where = _change_record(task)
        if where is None:
            return
        doc, line = where
        finding = self.finding(
            task, doc, line,
            "The task is finished and this records a code change, but no file of the folder says how the "
            "change was tested or checked.",
            key="no-verification",
        )
        category = ROLE_CATEGORY.get(doc.role)
        yield finding.with_changes(category=category) if category is not None else finding


def _finished(task: TaskDocs) -> bool:
    if task.archived or whole_task_done(task) is not None:
        return True
    boxes = [i for i in task.tasks.items if not is_phase_tracker(i)] if task.tasks is not None else []
    return bool(boxes) and all(i.checked for i in boxes)


def _change_record(task: TaskDocs) -> tuple[Document, int] | None:
    """Where the folder records that code changed: a list of changed files, or a ticked box that changes code."""
    for doc in (task.context, *task.extras, task.plan, task.tasks):
        line = changes_listed_at(doc) if doc is not None else None
        if doc is not None and line is not None:
            return doc, line
    box = next((i for i in task.tasks.items if i.checked and is_change(i)), None) if task.tasks is not None else None
    return (task.tasks, box.line) if task.tasks is not None and box is not None else None
