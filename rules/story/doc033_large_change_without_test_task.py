"""DOC033 large-change-without-test-task."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from rules.core.finding import Category, Finding, Severity
from rules.core.model import TaskDocs
from rules.core.phases import is_phase_tracker
from rules.core.rule import Rule, RuleContext
from rules.core.verification import VERIFY_RE, is_verification
from rules.story._verification import is_change, tasks_doc


class LargeChangeWithoutTestTaskOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    min_tasks: int = Field(20, ge=1, description="A change of this many checkboxes or more is large.")
    min_hours: float = Field(40, ge=0, description="A change estimated at this many hours or more is large.")
    min_change_share: float = Field(
        0.25, ge=0, le=1, description="Share of checkboxes that must change code (name a source file or code, "
                                      "or start with a building verb) for the work to count as a change.")


class LargeChangeWithoutTestTask(Rule):
    """A large change whose tasks file has no test or verification task at all.

    Large means at least ``min_tasks`` checkboxes, or estimates adding up to ``min_hours``. A
    change means that at least ``min_change_share`` of the boxes change code: they name a source
    file or a code span, or start with a building verb (add, implement, fix, refactor, …), so a
    research or writing task is never asked for tests. Any box, or heading, that tests, verifies
    or validates is enough.

    Why: without a test or verification step in the plan of work, "done" means "written", and
    regressions in a large change surface in production rather than in the task.

    Bad:
        billing-tasks.md:  - [ ] Add the `Invoice` model … (twenty-odd build tasks, no test task)

    Good:
        billing-tasks.md:  - [ ] Add the `Invoice` model …
                           - [ ] Test invoice totals with discounts and refunds
    """

    code = "DOC033"
    name = "large-change-without-test-task"
    category = Category.TASKS
    severity = Severity.MEDIUM
    rationale = "A large change with no test or verification task has nothing that shows it works."
    fix = "Add test and verification tasks (unit tests, a staging check) for the riskiest parts of the change."
    effort_minutes = 15
    Options = LargeChangeWithoutTestTaskOptions

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        doc = tasks_doc(task)
        if doc is None:
            return
        boxes = [i for i in doc.items if not is_phase_tracker(i)]
        hours = sum(e.minutes for i in boxes for e in i.estimates) / 60
        if len(boxes) < self.options.min_tasks and (not self.options.min_hours or hours < self.options.min_hours):
            return
        # Cheapest test first: a verification heading or task (most files have one) ends the check.
        if any(VERIFY_RE.search(s.title) for s in doc.sections) or any(is_verification(doc, i) for i in boxes):
            return
        changes = sum(1 for i in boxes if is_change(doc, i))
        if not boxes or changes < self.options.min_change_share * len(boxes):
            return
        size = f"{len(boxes)} tasks" + (f", about {hours:.0f} hours" if hours else "")
        yield self.finding(
            task, doc, 1,
            f"{doc.name} plans a large change ({size}; {changes} change code) but no task tests or verifies it.",
            key="no-test-task",
        )
