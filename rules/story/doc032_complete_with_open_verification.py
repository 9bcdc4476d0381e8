"""DOC032 complete-with-open-verification."""

from __future__ import annotations

from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import CheckItem, Document, TaskDocs
from rules.core.phase_identity import PhaseRef, generic_stems, phase_refs, same_phase, task_refs
from rules.core.phases import phases, quoted_some
from rules.core.rule import Rule, RuleContext
from rules.core.story import TaskState, story
from rules.story._verification import completed_phases, open_checks, tasks_doc, whole_task_done


class CompleteWithOpenVerification(Rule):
    """A phase or the whole task is marked complete while its test or verification tasks are open.

    A phase of the tasks file counts as complete when its heading (or a ``Status:`` line under it)
    says so in the tasks file, the plan or the context; phases are matched by number and title
    (rules/core/phase_identity.py). The whole task counts as complete when a ``Status:`` line at
    the top of a file says so, or a file's overall status in any layout the story model reads does
    (rules/core/story.py: a status label in the team's language, ``**상태: ✅ 완료**``, a title badge,
    a progress summary, a ``Completed:`` date in the header). Test and verification tasks are open
    checkboxes that test, verify or validate, or that sit under a ``Testing`` / ``Verification``
    heading; boxes marked deferred or optional are left alone.

    Why: "complete" is read as "works". When the checks that would show it works are still open,
    the claim rests on nothing, and the next session builds on untested work.

    Bad:
        export-plan.md:   ### Phase 2: CSV export ✅ COMPLETE
        export-tasks.md:  ## Phase 2: CSV export
                          - [x] Streamed writer
                          - [ ] Test a 1 GB export against staging

    Good:
        export-plan.md:   ### Phase 2: CSV export 🟡 IN PROGRESS (testing)
        export-tasks.md:  ## Phase 2: CSV export
                          - [x] Streamed writer
                          - [ ] Test a 1 GB export against staging
    """

    code = "DOC032"
    name = "complete-with-open-verification"
    same_problem_as = ("TSK003",)  # its phase heading already reported with its open boxes: one problem
    category = Category.TASKS
    severity = Severity.MEDIUM
    rationale = "Work marked complete before its tests or checks have run is a claim nobody has verified."
    fix = "Run the open checks and tick them, or set the status back to in progress (or mark a check deferred)."
    effort_minutes = 15

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        doc = tasks_doc(task)
        if doc is None:
            return
        generic = generic_stems(task_refs(task))
        claims: dict[str, list[PhaseRef]] = {}
        for claim_ref in completed_phases(task):
            claims.setdefault(claim_ref.id, []).append(claim_ref)
        reported: set[int] = set()
        own = {ref.line: ref for ref in phase_refs(doc)}
        for phase in phases(doc):
            ref = own.get(phase.section.line)
            same = claims.get(phase.id, []) if ref is not None else []
            claim = next((c for c in same if ref is not None and same_phase(c, ref, generic)), None)
            checks = open_checks(doc, doc.items_in(phase.section)) if claim is not None else []
            if claim is not None and checks and checks[0].line not in reported:
                reported.update(i.line for i in checks)
                yield self._report(task, doc, checks, f"{phase.id} is marked complete", claim)
        whole = whole_task_done(task) or _declared_done(task)
        rest = [i for i in open_checks(doc, doc.items) if i.line not in reported] if whole else []
        if whole is not None and rest:
            where, line = whole
            yield self._report(task, doc, rest, f"The task is marked complete ({where.name}:{line})", None,
                               also=(where, line))

    def _report(self, task: TaskDocs, doc: Document, checks: list[CheckItem], claimed: str,
                claim: PhaseRef | None, also: tuple[Document, int] | None = None) -> Finding:
        where = f" ({claim.doc.name}:{claim.line})" if claim is not None else ""
        shown = quoted_some([i.text for i in checks], 50)
        count = f"{len(checks)} test or verification tasks are" if len(checks) > 1 else "a test or verification task is"
        return self.finding(
            task, doc, checks[0].line,
            f"{claimed}{where} but {count} still open: {shown}.",
            key=claim.id if claim is not None else "task",
            effort_minutes=min(60, 10 * len(checks)),
            related=[*([(claim.doc, claim.line)] if claim is not None else []), *([also] if also else []),
                     *((doc, i.line) for i in checks)],
        )


def _declared_done(task: TaskDocs) -> tuple[Document, int] | None:
    """Where a file's overall status (the story model: a status label in any layout it reads, a title
    badge, a progress summary, a ``Last Updated: … (done)`` note) says the whole work is done."""
    told = story(task)
    if told.state is TaskState.DECLARED_DONE and told.evidence_doc is not None and told.evidence is not None:
        return told.evidence_doc, told.evidence.line
    return None
