"""DOC036 mitigation-never-tasked."""

from __future__ import annotations

from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.mitigations import Mitigation, mitigations, named_in, risk_sections
from rules.core.model import Document, TaskDocs
from rules.core.phases import quoted_some
from rules.core.rule import Rule, RuleContext


class MitigationNeverTasked(Rule):
    """A risk's mitigation is an action that no task, and no other line of the folder, names.

    Mitigations are read from the risk sections of the plan and the context: a risk table's
    mitigation column, a ``Mitigation:`` line, or the bullets under a bare ``Mitigation:`` label
    (rules/core/mitigations.py). Only those that open with a concrete action (``Document …``,
    ``Rehearse …``, ``Validate …``) or name an artifact a task would build (``Cleanup script …``)
    are judged. One is accounted for when a line outside the risk sections (a task, a phase step, a
    decision, a result) names its action: its specific verb and one more of its words, or two of its
    words, one of which its risk does not already use. The rule is silent without a task list.

    Why: a mitigation that is not on the task list is a promise nobody carries out; the risk
    register then reads as handled while nothing was done about it.

    Bad:
        billing-plan.md:   | Risk | Mitigation |
                           | Duplicate charges on retry | Idempotency keys stored per invoice |
        billing-tasks.md:  - [ ] Charge endpoint  - [ ] Retry failed charges   (no idempotency keys)

    Good:
        billing-tasks.md:  - [ ] Store an idempotency key per invoice and reject repeats
    """

    code = "DOC036"
    name = "mitigation-never-tasked"
    category = Category.CONSISTENCY
    severity = Severity.LOW
    rationale = "A mitigation no task carries out leaves the risk unhandled while the register says otherwise."
    fix = "Add a task that carries out each mitigation (or say in the risk register why it is not needed)."
    effort_minutes = 10

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        if task.tasks is None or not task.tasks.items:
            return  # no task list to compare with is another rule's finding
        docs = [d for d in (task.plan, task.context, task.tasks, *task.extras) if d is not None]
        for doc in (task.plan, task.context):
            if doc is None:
                continue
            found = mitigations(doc)
            untasked = [m for m in found if not _named_elsewhere(m, docs)]
            if not untasked:
                continue
            shown = quoted_some([m.text for m in untasked], 50)
            count = f"{len(untasked)} risk mitigations" if len(untasked) > 1 else "A risk mitigation"
            yield self.finding(
                task, doc, untasked[0].line,
                f"{count} never became a task: no task or other line of the folder names the action: "
                f"{shown}.",
                key="mitigations", effort_minutes=min(30, 5 * len(untasked) + 5),
                related=[(doc, m.line) for m in untasked[1:]],
            )


def _named_elsewhere(mitigation: Mitigation, docs: list[Document]) -> bool:
    return any(named_in(mitigation, doc, risk_sections(doc)) for doc in docs)
