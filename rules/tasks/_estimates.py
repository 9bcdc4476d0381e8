"""Which tasks a phase's duration covers: shared by the estimate rules (TSK004, TSK005)."""

from __future__ import annotations

from rules.core.model import Document, TaskDocs
from rules.plan._common import timed_phase_ids
from rules.tasks._phases import phases


def phase_timed(task: TaskDocs) -> frozenset[int]:
    """Sections of the tasks file whose duration covers the tasks under them: a heading with an
    estimate (``## Phase 2: Hooks (2 hours)``, not the title), or a phase the plan gives one."""
    return _phase_timed(task.tasks, task.plan) if task.tasks is not None else frozenset()


def _phase_timed(doc: Document, plan: Document | None) -> frozenset[int]:
    lone_title = sum(1 for s in doc.sections if s.level == 1) == 1
    found = {i for i, s in enumerate(doc.sections) if s.estimates and not (lone_title and s.level == 1)}
    if plan is not None:
        timed = timed_phase_ids(plan)
        found.update(p.index for p in phases(doc) if p.id in timed)
    return frozenset(found)
