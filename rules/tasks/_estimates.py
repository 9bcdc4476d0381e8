"""Which tasks a phase's duration covers: shared by the estimate rules (TSK004, TSK005)."""

from __future__ import annotations

import re

from rules.core.model import Document, Estimate, TaskDocs
from rules.core.phases import phases
from rules.core.sections import timed_phase_ids


def phase_timed(task: TaskDocs) -> frozenset[int]:
    """Sections of the tasks file whose duration covers the tasks under them: a heading with an
    estimate (``## Phase 2: Hooks (2 hours)``, ``## Phase 3 [M]``; not the title), a phase with an
    estimate on a line just under its heading (``**Estimate:** 2 days``, ``Effort: M``; not a task's),
    or a phase the plan gives one (a duration or a size)."""
    return _phase_timed(task.tasks, task.plan) if task.tasks is not None else frozenset()


_UNDER_HEADING = 3  # lines under a phase heading that may state its estimate


def _phase_timed(doc: Document, plan: Document | None) -> frozenset[int]:
    lone_title = sum(1 for s in doc.sections if s.level == 1) == 1
    found = {i for i, s in enumerate(doc.sections)
             if any(not is_window(doc, e) for e in s.estimates) and not (lone_title and s.level == 1)}
    items = {item.line for item in doc.items}
    found.update(p.index for p in phases(doc) if any(
        e.line not in items and not is_window(doc, e)
        for e in doc.estimates_in(p.section.line + 1, min(p.section.line + _UNDER_HEADING, p.section.end_line))))
    if plan is not None:
        timed = timed_phase_ids(plan)
        found.update(p.index for p in phases(doc) if p.id in timed)
    return frozenset(found)


# "Next 24 hours", "within 2 days", "every 6 hours": when something happens, not how long it takes.
_WINDOW_RE = re.compile(r"(?i)\b(?:next|within|every|per|last|past|after|for the next|over the next)\W*$")


def is_window(doc: Document, estimate: Estimate) -> bool:
    """The estimate is a time window (``Short-term (Next 24 hours)``), not an effort."""
    line = doc.line_text(estimate.line)
    at = line.find(estimate.text)
    return at > 0 and _WINDOW_RE.search(line[max(0, at - 24):at]) is not None
