"""DOC044 planned-step-never-tasked."""

from __future__ import annotations

from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.story._planned_checks import PlannedStep, missing_from_tasks, task_plan_steps, untracked

MIN_STEPS = 3  # a phase with fewer steps says too little about how its tasks were written
TRACKED_SHARE = 1 / 2  # the tasks track at least this share of the phase's steps: they follow the plan step by step


class PlannedStepNeverTasked(Rule):
    """A step or deliverable the plan lists under a phase has no task, while its other steps do.

    Steps are the numbered top-level list items and checkboxes (a plan's box is a step to do)
    written directly under a plan phase heading or under a ``Deliverables:`` / ``Steps:`` /
    ``Tasks:`` label there (``### Phase 5: Reporting`` then
    ``**Deliverables:**`` and ``4. Visualization data``; any language's numbered unit of work that the
    tasks file also titles a section with). Bullets and lists under other labels (``Key
    Challenges:``) describe rather than plan. A step is tracked when a box of the tasks file names
    one of its code spans or file names, or shares half of its meaningful words (at most three) with
    the box, its sub-items and the headings above it, or with one section's boxes taken together. A
    phase is judged only when the tasks file breaks it down, it lists at least three steps and the
    tasks track at least half of them: the task list then follows the plan step by step, and the
    step it skipped stands out. Criteria (after a ``Success Criteria:`` label), labelled notes and
    steps or phases marked optional, future or out of scope are left alone; tests and checks are
    DOC042's.

    Why: the tasks file is what gets done. A deliverable of the plan that never became a task is
    dropped without a decision, and the phase is later ticked off while the plan still promises it.

    Bad:
        report-plan.md:   ### Phase 5: Reporting
                          1. Markdown report  2. JSON report  3. Charts of the trend
        report-tasks.md:  ### Phase 5: Reporting
                          - [ ] Markdown report  - [ ] JSON report

    Good:
        report-tasks.md:  - [ ] Markdown report  - [ ] JSON report  - [ ] Trend charts (or: "charts dropped, see plan")
    """

    code = "DOC044"
    name = "planned-step-never-tasked"
    category = Category.TASKS
    severity = Severity.LOW
    rationale = "A planned deliverable that never became a task is dropped without anyone deciding so."
    fix = "Add a task for each missing step (or strike it from the plan and say why)."
    effort_minutes = 10

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        plan, tasks = task.plan, task.tasks
        planned = task_plan_steps(task)
        if plan is None or tasks is None or not planned:
            return
        missing = [s for steps in planned for s in _skipped(steps, tasks)]
        if not missing:
            return
        yield missing_from_tasks(
            self, task, plan, missing, "step",
            lambda count, shown: (f"{count} the plan lists under its phases never became a task in {tasks.name}, "
                                  f"though the phases' other steps did: {shown}."),
            key="planned-steps")


def _skipped(steps: list[PlannedStep], tasks: Document) -> list[PlannedStep]:
    """The phase's untracked steps that are not checks, when the tasks follow the phase step by step."""
    steps = [s for s in steps if s.step]
    if len(steps) < MIN_STEPS:
        return []
    missing = untracked(steps, tasks)
    if len(steps) - len(missing) < TRACKED_SHARE * len(steps):
        return []
    return [s for s in missing if not s.check]
