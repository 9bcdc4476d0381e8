"""CON003 phase-coverage-mismatch."""

from __future__ import annotations

from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, Role, TaskDocs
from rules.core.phases import Phase, is_deferred_phase, mentioned_phases, phases, short
from rules.core.rule import Rule, RuleContext


class PhaseCoverageMismatch(Rule):
    """The plan and the tasks file do not cover the same phases.

    Phases are compared by normalised id (``Phase 3``, ``Phase 2A``, ``Stage B``). A phase
    heading in one file must be named somewhere in the other; a sub-phase covers its parent and
    the reverse (``Phase 1A`` in the tasks file covers the plan's ``Phase 1``). Plan phases marked
    optional or deferred, or titled as future work, need no tasks yet. Only compared when both
    files name phases in their headings.

    Why: the plan says what will be done and the tasks file tracks doing it. A plan phase with
    no tasks is work nobody will pick up; a tasks phase the plan never mentions is scope that
    was added without its goals, risks or estimate being thought through.

    Bad:
        auth-plan.md:   ### Phase 1: Schema / ### Phase 2: API / ### Phase 3: UI
        auth-tasks.md:  ## Phase 1: Schema / ## Phase 2: API / ## Phase 4: Load test

    Good:
        auth-plan.md:   ### Phase 1: Schema / ### Phase 2: API / ### Phase 3: UI
        auth-tasks.md:  ## Phase 1: Schema / ## Phase 2: API / ## Phase 3: UI
    """

    code = "CON003"
    name = "phase-coverage-mismatch"
    category = Category.CONSISTENCY
    severity = Severity.MEDIUM
    rationale = "Plan phases without tasks are forgotten work; tasks outside the plan are unplanned scope."
    fix = "Give every plan phase its tasks, and add every tasks-file phase to the plan (or drop it)."
    effort_minutes = 15

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        plan, tasks = task.plan, task.tasks
        if plan is None or tasks is None:
            return
        in_plan, in_tasks = phases(plan), phases(tasks)
        if not in_plan or not in_tasks:
            return  # a file without phase headings is another rule's finding
        for source, target, direction in ((plan, tasks, "plan"), (tasks, plan, "tasks")):
            missing = _missing(source, target)
            if missing:
                yield self._report(task, source, target, missing, direction)

    def _report(self, task: TaskDocs, source: Document, target: Document, missing: list[Phase],
                direction: str) -> Finding:
        names = ", ".join(repr(short(p.section.title, 50)) for p in missing)
        kind = "plan" if direction == "plan" else "tasks-file"
        if len(missing) == 1:
            text = f"{kind.capitalize()} phase {names} never appears"
        else:
            text = f"{len(missing)} {kind} phases ({names}) never appear"
        return self.finding(
            task, source, missing[0].section.line,
            f"{text} in {target.name}.",
            key=f"{direction}:" + ",".join(p.id for p in missing),
            effort_minutes=min(60, 10 * len(missing)),
            related=[(source, p.section.line) for p in missing[1:]],
        )


def _missing(source: Document, target: Document) -> list[Phase]:
    named = _Named(mentioned_phases(target.lines))
    seen: set[str] = set()
    missing = []
    for phase in phases(source):
        if source.role is Role.PLAN and is_deferred_phase(source, phase.section):
            continue  # a future or optional plan phase needs no tasks yet
        if phase.id not in seen and not _covered(phase.id, named):
            missing.append(phase)
        seen.add(phase.id)
    return missing


class _Named:
    """The phase ids a file names, and every prefix of one that a non-digit follows (``Phase 1`` of
    ``Phase 1A`` and ``Phase 1.2``, not of ``Phase 12``), so that coverage is a set lookup."""

    def __init__(self, ids: frozenset[str]) -> None:
        self.ids = ids
        self.stems = frozenset(i[:cut] for i in ids for cut in range(1, len(i)) if not i[cut].isdigit())


def _covered(phase_id: str, named: _Named) -> bool:
    """``Phase 1`` is covered by ``Phase 1``, ``Phase 1A`` or ``Phase 1.2``; ``Phase 1A`` by ``Phase 1``."""
    if phase_id in named.ids:
        return True
    parent = phase_id.rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ").split(".")[0]
    if parent != phase_id and parent in named.ids:
        return True
    return phase_id in named.stems
