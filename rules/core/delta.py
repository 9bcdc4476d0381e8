"""What a pull request changes: scores against the base branch, findings New / Still open / Fixed.

Findings are matched by ``fingerprint`` (stable across line shifts). Two findings with the same
fingerprint are matched one for one, so a second copy of a problem shows up as new.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from rules.core.finding import Finding
from rules.core.report import Review, TaskReport


@dataclass(frozen=True, slots=True)
class ScoreChange:
    """A score and grade now, and on the base branch (``None``: no base, or the task is new)."""

    score: int
    grade: str
    base_score: int | None = None
    base_grade: str | None = None

    @property
    def change(self) -> int | None:
        return None if self.base_score is None else self.score - self.base_score


@dataclass(frozen=True, slots=True)
class TaskDelta:
    path: str
    name: str
    scores: ScoreChange


@dataclass(frozen=True, slots=True)
class Delta:
    """Head against base. Without a base every finding counts as new and no change is known."""

    has_base: bool
    overall: ScoreChange
    tasks: tuple[TaskDelta, ...]
    new: tuple[Finding, ...]
    still_open: tuple[Finding, ...]
    fixed: tuple[Finding, ...]

    def task(self, path: str) -> TaskDelta | None:
        return next((t for t in self.tasks if t.path == path), None)


def compare(head: Review, base: Review | None) -> Delta:
    """Compare *head* with *base* (the same tasks reviewed at the base commit). A base with nothing
    to review counts as no base: every finding is new."""
    if head.score is None or head.grade is None:
        raise ValueError("only a graded review has a delta (this one had nothing to review)")
    if base is None or base.score is None:
        tasks = tuple(TaskDelta(t.path, t.name, ScoreChange(t.score, t.grade)) for t in head.tasks)
        return Delta(False, ScoreChange(head.score, head.grade), tasks, head.findings, (), ())
    base_tasks = {t.path: t for t in (*base.others, *base.tasks)}
    tasks = tuple(_task_delta(t, base_tasks.get(t.path)) for t in head.tasks)
    new, still_open = _split(head.findings, Counter(f.fingerprint for f in base.findings))
    fixed = _fixed(head, base)
    overall = ScoreChange(head.score, head.grade, base.score, base.grade)
    return Delta(True, overall, tasks, new, still_open, fixed)


def _task_delta(task: TaskReport, base: TaskReport | None) -> TaskDelta:
    if base is None:
        return TaskDelta(task.path, task.name, ScoreChange(task.score, task.grade))
    return TaskDelta(task.path, task.name, ScoreChange(task.score, task.grade, base.score, base.grade))


def _split(findings: Iterable[Finding], base_counts: Counter[str]) -> tuple[tuple[Finding, ...], ...]:
    """Head findings matched one for one against the base's: (new, still open)."""
    remaining = Counter(base_counts)
    new: list[Finding] = []
    still_open: list[Finding] = []
    for finding in findings:
        if remaining[finding.fingerprint] > 0:
            remaining[finding.fingerprint] -= 1
            still_open.append(finding)
        else:
            new.append(finding)
    return tuple(new), tuple(still_open)


def _fixed(head: Review, base: Review) -> tuple[Finding, ...]:
    """Base findings gone from the head. Waived ones are not fixed, nor are those of a task that is
    still in the repository but no longer reviewed (archived, out of focus)."""
    present = Counter(f.fingerprint for f in (*head.findings, *head.waived))
    elsewhere = {t.path for t in head.others}
    fixed: list[Finding] = []
    for finding in base.findings:
        if finding.task in elsewhere:
            continue
        if present[finding.fingerprint] > 0:
            present[finding.fingerprint] -= 1
        else:
            fixed.append(finding)
    return tuple(fixed)
