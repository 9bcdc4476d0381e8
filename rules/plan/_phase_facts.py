"""What PLN002 checks every phase of a plan against, gathered once per task (not once per phase)."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from rules.core.model import Document, Section, Status, TaskDocs
from rules.core.phases import PHASE_WORD
from rules.core.sections import PHASE_MENTION_RE, is_investigation, phase_id, phase_sections, preamble_labels, synonyms
from rules.core.size import is_small
from rules.core.state import finished

_STATUS_RE = re.compile(r"(?im)^(?:[^\S\n]|[>*_#+\-\d.|])*+status\b[\s*_]*[:：]")
_ONGOING = frozenset({Status.IN_PROGRESS, Status.PARTIAL, Status.BLOCKED, Status.PAUSED})
_SIZE_COLUMN = ("size", "effort", "estimate", "duration", "hours", "time", "points", "공수", "소요")
_TASK_COLUMN = ("task", "item", "work", "#", "작업")
_CRITERIA = synonyms("success criteria", "acceptance criteria", "definition of done", "exit criteria",
                     "done when", "완료 조건", "완료 기준")
_TRACKER_RE = re.compile(rf"(?i)^\W*{PHASE_WORD}\s+\w")  # "- [x] Phase 2 done": a summary
SIZED_SHARE = 0.8  # from this share of sized tasks up, the work is sized task by task


@dataclass(frozen=True, slots=True)
class PhaseFacts:
    """Facts about a whole task that stand in for a phase's own status or duration."""

    archived: bool  # the work is finished (archived, all ticked, declared done): its phases are history
    plan_status: bool  # a plan-level status covers every phase
    sized_tasks: bool  # the tasks carry their own sizes: the work is estimated below phase level
    timed_ids: frozenset[str]  # phase ids named on a line with an estimate, or timed in the tasks file
    status_ids: frozenset[str]  # ids a status line names
    status_lines: tuple[int, ...]  # lines with a status outside a checkbox, in order
    criteria_ids: frozenset[str]  # ids a success-criteria section names ("### Must have (Phase 1)")
    tracked_ids: frozenset[str]  # ids of phases with a status marker or checkboxes of their own
    investigation: bool  # an analysis or spike: its phases are questions, not deliverables
    tasks_tracked_ids: frozenset[str] = frozenset()  # ids of the tasks file's phases with a status or boxes
    # one-session work whose plan has a success-criteria section: its phases are steps the criteria close
    criteria_close_steps: bool = False

    @classmethod
    def of(cls, task: TaskDocs, doc: Document) -> PhaseFacts:
        estimate_lines = dict.fromkeys(e.line for e in doc.estimates)
        timed = {f"{m.group(1)} {m.group(2)}"
                 for n in estimate_lines for m in PHASE_MENTION_RE.finditer(doc.line_text(n))}
        if task.tasks is not None:
            timed |= _timed_in_tasks(task.tasks)
        return cls(task.archived or finished(task) is not None, _plan_status_covers_phases(doc),
                   _sized_tasks(task, doc), frozenset(timed),
                   frozenset(i for m in doc.statuses for i in m.item_ids),
                   tuple(m.line for m in doc.statuses if not m.in_checkbox), _criteria_ids(doc),
                   _tracked_ids(doc), is_investigation(task),
                   _tracked_ids(task.tasks) if task.tasks is not None and task.tasks is not doc else frozenset(),
                   is_small(task) is not None and any(_CRITERIA.search(s.key) for s in doc.sections))

    def criteria_elsewhere(self, phase: Section) -> bool:
        """A success-criteria section names the phase, or the phase it is part of (``Phase 1`` for
        ``Phase 1A``, ``Phase 2`` for ``Phase 2.1``)."""
        ident = phase_id(phase)
        return any(_part_of(ident, named) for named in self.criteria_ids)

    def parts_tracked(self, phase: Section) -> bool:
        """The phase is split into parts (``Phase 1A``, ``Phase 1B``) that carry its status."""
        ident = phase_id(phase)
        return any(part != ident and _part_of(part, ident) for part in self.tracked_ids)

    def tracked_in_tasks(self, phase: Section) -> bool:
        """The tasks file tracks the phase (or the whole it is part of, or its parts): its status is
        there, where it belongs."""
        ident = phase_id(phase)
        return any(_part_of(ident, other) or _part_of(other, ident) for other in self.tasks_tracked_ids)

    def named_with_estimate(self, doc: Document, phase: Section) -> bool:
        """The phase's id (``Phase 2``, not ``Phase 2.1``) stands on a line that holds an estimate (a
        timeline row), or heads a phase of the tasks file that carries one."""
        ident = phase_id(phase)
        if ident.startswith(("Phase ", "Stage ", "Milestone ", "Sprint ")):
            return ident in self.timed_ids
        mention = re.compile(re.escape(ident) + r"(?![\w.])")  # not a phase id: search the lines themselves
        return any(mention.search(doc.line_text(e.line)) for e in doc.estimates)

    def status_nearby(self, phase: Section) -> bool:
        """A status just under the heading, or a status line elsewhere naming the phase (a status table)."""
        lines = self.status_lines
        after = bisect_right(lines, phase.line)
        return (after < len(lines) and lines[after] <= phase.line + 3) or phase_id(phase) in self.status_ids


def _tracked_ids(doc: Document) -> frozenset[str]:
    """Ids of *doc*'s phases with a status marker or checkboxes of their own."""
    return frozenset(phase_id(p) for p in phase_sections(doc) if p.status or doc.items_in(p))


def _plan_status_covers_phases(doc: Document) -> bool:
    """A plan-level ``Status:`` (top or bottom) that is not "in progress" makes per-phase status
    redundant: a plan that is ready to implement, or complete, says so for every phase."""
    lines = [n for n, label, _value in preamble_labels(doc) if label == "status"]
    tail = range(max(1, doc.line_count - 4), doc.line_count + 1)
    lines += [n for n in tail if _STATUS_RE.match(doc.line_text(n))]
    marks = {m.line: m.status for m in doc.statuses}
    return bool(lines) and all(marks.get(n) not in _ONGOING for n in lines)


def _part_of(ident: str, whole: str) -> bool:
    """*ident* is *whole* or one of its parts: ``Phase 1A`` and ``Phase 1.2`` of ``Phase 1``, not ``Phase 10``."""
    return ident == whole or (ident.startswith(whole) and not ident[len(whole)].isdigit())


def _criteria_ids(doc: Document) -> frozenset[str]:
    found: set[str] = set()
    for section in doc.sections:
        if _CRITERIA.search(section.key):
            for number in range(section.line, section.end_line + 1):
                found.update(f"{m.group(1)} {m.group(2)}" for m in PHASE_MENTION_RE.finditer(doc.line_text(number)))
    return frozenset(found)


def _timed_in_tasks(tasks: Document) -> set[str]:
    """Phase ids of the tasks file whose heading, or a line just under it (``Estimate: 2 days``, not
    a task), carries an estimate."""
    items = {i.line for i in tasks.items}
    return {phase_id(p) for p in phase_sections(tasks) if p.estimates or any(
        e.line not in items for e in tasks.estimates_in(p.line + 1, p.line + 3))}


def _sized_tasks(task: TaskDocs, plan: Document) -> bool:
    """Nearly every checkbox of the tasks file has its own estimate (``[S]``, ``2h``), or the plan
    has a task table with a size or effort column: the durations are there, one level down."""
    if any(_is_sized_table(t.header, t.rows) for t in plan.tables):
        return True
    if task.tasks is None:
        return False
    items = [i for i in task.tasks.items if not _TRACKER_RE.match(i.text)]
    return bool(items) and sum(1 for i in items if i.estimates) >= SIZED_SHARE * len(items)


def _is_sized_table(header: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> bool:
    lowered = [cell.lower().strip() for cell in header]
    size = next((i for i, h in enumerate(lowered) if any(w in h for w in _SIZE_COLUMN)), None)
    if size is None or not any(h == w or h.startswith(w) for h in lowered for w in _TASK_COLUMN):
        return False
    filled = [r for r in rows if size < len(r) and r[size].strip(" -—–`*_")]
    return len(rows) >= 2 and len(filled) >= SIZED_SHARE * len(rows)
