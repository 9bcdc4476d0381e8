"""DOC042 planned-check-never-tasked."""

from __future__ import annotations

from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import TaskDocs
from rules.core.phases import short
from rules.core.rule import Rule, RuleContext
from rules.story._planned_checks import missing_from_tasks, task_plan_steps, untracked


class PlannedCheckNeverTasked(Rule):
    """A test or check the plan lists among a phase's steps has no task, though the phase has tasks.

    Steps are the list items written directly under a plan phase heading (``### Phase 4:
    Verification`` then ``3. Test on mobile``, in any language: a heading that numbers a unit of
    work the tasks file also titles a section with, ``Faza 4``, ``Etapa 4``) whose words test,
    verify or validate, or that follow a label that does (``Smoke test after deploy:``). Items after
    a criteria label (``**Success Criteria:**``) and labelled notes (``**Acceptance:** …``,
    ``Acceptance: …``) are criteria, not steps. Only phases the tasks file breaks down into boxes
    are judged, and steps or phases marked optional, future or out of scope are left alone. A step
    is tracked when a box names one of its code spans or file names, or shares half of its
    meaningful words (at most three) with the box, its sub-items and the headings above it (``Test
    on mobile`` under ``Responsive testing`` tracks ``Responsive testing on mobile``), or with the
    boxes of one section taken together.

    Why: the plan says how the phase will be shown to work; the tasks file is what gets done and
    ticked. A planned check that never became a box is skipped without anyone deciding to skip it,
    and a ticked verification phase then claims more than was checked.

    Bad:
        video-plan.md:   ### Phase 4: Verification
                         1. Production build passes
                         2. Test playback on mobile Safari
        video-tasks.md:  ## Phase 4: Verification
                         - [x] Production build passes

    Good:
        video-tasks.md:  ## Phase 4: Verification
                         - [x] Production build passes
                         - [x] Playback tested on mobile Safari (iPhone 13)
    """

    code = "DOC042"
    name = "planned-check-never-tasked"
    category = Category.TASKS
    severity = Severity.LOW
    rationale = "A check the plan promised but no task carries out is skipped without a decision."
    fix = "Add a task for each planned check (or record in the plan that it was dropped and why)."
    effort_minutes = 10

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        plan, tasks = task.plan, task.tasks
        checks = [step for steps in task_plan_steps(task) for step in steps if step.check]
        if plan is None or tasks is None or not checks:
            return
        missing = untracked(checks, tasks)
        if not missing:
            return
        phase = short(missing[0].phase.title, 40)
        yield missing_from_tasks(
            self, task, plan, missing, "check",
            lambda count, shown: (f"{count} the plan lists under {phase!r} never became a task in {tasks.name}: "
                                  f"{shown}."),
            key="planned-checks")
