"""DOC035 success-target-never-measured."""

from __future__ import annotations

from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import TaskDocs
from rules.core.phases import quoted_some
from rules.core.rule import Rule, RuleContext
from rules.story._targets import reported_figures, targets, work_done


class SuccessTargetNeverMeasured(Rule):
    """A measurable target of the plan's success criteria appears nowhere else, though the work is done.

    Targets are lines under a plan heading such as ``Success Metrics``, ``Success Criteria``,
    ``Acceptance Criteria``, ``Definition of Done`` or ``Targets``, or labelled so anywhere in the plan
    (``**Acceptance:** …`` under a phase), that name a figure with a unit (``95%``, ``200 ms``,
    ``2 seconds``, ``2x``); headings titled as optional, future or long-term goals are left out. A
    target is accounted for when another file of the task (the tasks file,
    the context, a summary or handoff) names the same figure (``2 s`` and ``2 seconds`` are one),
    as a task that checks it or a result. Only judged once the work is largely done: the task is
    archived or marked complete, or two thirds of its boxes are ticked (and, when the tasks file has
    three phases or more with boxes, two thirds of those phases have every box ticked: finely split
    first phases can tick most boxes while most phases have not started).

    Why: a target nobody measured is a claim nobody checked. When the work is done and no task or
    result mentions the figure, the reader cannot tell whether the target was met, missed or
    forgotten.

    Bad:
        search-plan.md:   ## Success Metrics
                          - Results appear in under 300 ms for 10k documents
        search-tasks.md:  - [x] Build the index  - [x] Query endpoint  (nothing about 300 ms)

    Good:
        search-plan.md:   ## Success Metrics
                          - Results appear in under 300 ms for 10k documents
        search-tasks.md:  - [x] Benchmark 10k documents: p95 180 ms (target 300 ms)
    """

    code = "DOC035"
    name = "success-target-never-measured"
    category = Category.TASKS
    severity = Severity.MEDIUM
    rationale = "A success target that no task checks and no result reports was never verified."
    fix = "Add a task that measures each target and record the result (or drop the target from the plan)."
    effort_minutes = 15

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        plan = task.plan
        if plan is None:
            return
        found = targets(plan)
        if not found or not work_done(task):
            return
        reported = reported_figures(task, plan)
        missing = [t for t in found if not t.figures & reported]
        if not missing:
            return
        shown = quoted_some([t.text for t in missing], 60)
        count = f"{len(missing)} success targets are" if len(missing) > 1 else "A success target is"
        yield self.finding(
            task, plan, missing[0].line,
            f"{count} never measured: no other file names the figure, as a task that checks it or as a "
            f"result, though the work is largely done: {shown}.",
            key="targets", effort_minutes=min(45, 10 * len(missing)),
            related=[(plan, t.line) for t in missing[1:]],
        )
