"""TSK004 open-tasks-without-estimates."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from rules.core.finding import Category, Finding, Severity
from rules.core.model import CheckItem, Document, TaskDocs
from rules.core.phases import enclosing, is_open_task, parent_items, short
from rules.core.rule import Rule, RuleContext
from rules.core.size import scaled_to_size
from rules.core.state import finished
from rules.tasks._estimates import phase_timed


class OpenTasksWithoutEstimatesOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    min_open: int = Field(3, ge=1, description="Stay quiet below this many open tasks.")
    ignore_ratio: float = Field(0.10, ge=0, le=1, description="Stay quiet at or below this share.")
    medium_ratio: float = Field(0.50, ge=0, le=1, description="Medium severity from this share up.")


class OpenTasksWithoutEstimates(Rule):
    """Open tasks in the tasks file carry no time estimate.

    A task counts as estimated when it has its own estimate (``30 min``, ``2h``, ``2-3 hours``,
    ``[S]``), when a sub-task has one, when it is a sub-task of an estimated task, or when it
    stands under a heading with a duration or a size (``## Phase 2: API (6 hours)``, ``[M]``), in a
    phase with an ``Estimate:`` / ``Effort: M`` line just under its heading, or in a phase the plan
    gives a duration or a size: the phase's estimate covers its tasks. Finished work (archived,
    every box ticked, or declared done: rules/core/state.py) is skipped: its open boxes are
    left-overs, not work to schedule. One finding per file, with the ratio.

    When the folder states work of one session at most (rules/core/size.py), the finding is info
    only: such work needs no per-task schedule, criteria or ordering.

    Why: per-task estimates let a reviewer see whether a phase estimate is plausible, let the
    next session pick work that fits the time left, and make slippage visible early.

    Bad:
        ## Phase 2: API
        - [ ] Add the endpoint
        - [ ] Add rate limiting

    Good:
        ## Phase 2: API
        - [ ] Add the endpoint (2h)
        - [ ] Add rate limiting [M]

    Options:
        min_open: stay quiet below this many open tasks (default 3).
        ignore_ratio: stay quiet when at most this share lacks estimates (default 0.10).
        medium_ratio: medium severity from this share up, low below it (default 0.50).
    """

    code = "TSK004"
    name = "open-tasks-without-estimates"
    category = Category.TASKS
    severity = Severity.MEDIUM
    rationale = "Without per-task estimates nobody can tell whether the remaining work fits the time left."
    fix = "Give each open task an estimate: a duration (`30 min`, `2h`) or a size tag (`[S]`, `[M]`)."
    effort_minutes = 5
    Options = OpenTasksWithoutEstimatesOptions

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        yield from scaled_to_size(self, task, self._check(task, ctx))  # one-session work: info at most

    def _check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        doc = task.tasks
        if doc is None or finished(task) is not None:
            return  # finished work: its open boxes are left-overs, not work to schedule
        opts = self.options
        open_items, missing = _unestimated(doc, phase_timed(task))
        if len(open_items) < opts.min_open or not missing:
            return
        ratio = len(missing) / len(open_items)
        if ratio <= opts.ignore_ratio:
            return
        first = missing[0]
        yield self.finding(
            task, doc, first.line,
            f"{len(missing)} of {len(open_items)} open tasks ({ratio:.0%}) "
            f"{'has' if len(missing) == 1 else 'have'} no estimate "
            f"(first: {short(first.text)!r}).",
            severity=Severity.MEDIUM if ratio >= opts.medium_ratio else Severity.LOW,
            effort_minutes=min(60, 5 * len(missing)),
        )


def _unestimated(doc: Document, timed: frozenset[int]) -> tuple[list[CheckItem], list[CheckItem]]:
    """(open tasks, open tasks with no estimate of their own, from a sub-task, from a parent task or
    from the phase they stand in: *timed* holds the indices of the sections whose duration covers
    their tasks)."""
    items = doc.items
    parents = parent_items(items)
    inherited = [bool(item.estimates) for item in items]
    for index, parent in enumerate(parents):  # parents come first: inheritance flows down
        if parent is not None and inherited[parent]:
            inherited[index] = True
    from_subtasks = [False] * len(items)
    for index in reversed(range(len(items))):  # children come last: a sub-task estimates its parent
        parent = parents[index]
        if parent is not None and (items[index].estimates or from_subtasks[index]):
            from_subtasks[parent] = True
    open_tasks = [i for i, item in enumerate(items) if is_open_task(doc, item)]
    missing = [items[i] for i in open_tasks if not (inherited[i] or from_subtasks[i])
               and not any(index in timed for index in enclosing(doc, items[i].section))]
    return [items[i] for i in open_tasks], missing

