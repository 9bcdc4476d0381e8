"""DOC045 finished-without-verification."""

from __future__ import annotations

from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.core.verification import VERIFY_RE
from rules.story._verification import EVIDENCE_RE, change_record, finished


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
        if not finished(task) or any(EVIDENCE_RE.search(d.text) or VERIFY_RE.search(d.text) for d in task.documents):
            return
        where = change_record(task)
        if where is None:
            return
        doc, line = where
        finding = self.finding(
            task, doc, line,
            "The task is finished and this records a code change, but no file of the folder says how the "
            "change was tested or checked.",
            key="no-verification",
        )
        yield finding.in_role_category(doc.acting_role)
