"""Result values of a review: per-category scores, per-task reports, the gate, the whole review."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Role


@dataclass(frozen=True, slots=True)
class CategoryScore:
    category: Category
    score: int
    grade: str
    deducted: int  # points taken by findings (before the floor at 0)
    present: bool = True  # False when the file this category grades is missing


@dataclass(frozen=True, slots=True)
class Comparison:
    """This task next to the best-graded other task in the repository."""

    exemplar: str  # task path
    exemplar_score: int
    exemplar_grade: str
    rows: tuple[tuple[Category, int, int], ...]  # (category, this, exemplar)


@dataclass(frozen=True, slots=True)
class Scaffold:
    """Ready-to-paste Markdown for a missing file or section."""

    title: str
    path: str
    body: str


@dataclass(frozen=True, slots=True)
class TaskReport:
    name: str
    path: str
    root: str
    archived: bool
    loose: bool
    files: tuple[tuple[Role, str | None], ...]
    categories: tuple[CategoryScore, ...]
    score: int
    grade: str
    findings: tuple[Finding, ...]  # unwaived, sorted by severity then position
    waived: tuple[Finding, ...] = ()
    strengths: tuple[str, ...] = ()
    comparison: Comparison | None = None
    scaffolds: tuple[Scaffold, ...] = ()

    def file(self, role: Role) -> str | None:
        return dict(self.files).get(role)

    def category(self, category: Category) -> CategoryScore:
        return next(c for c in self.categories if c.category is category)

    @property
    def effort_minutes(self) -> int:
        return sum(f.effort_minutes for f in self.findings)


@dataclass(frozen=True, slots=True)
class Gate:
    passed: bool
    reasons: tuple[str, ...]
    min_score: int
    blocking: tuple[Severity, ...]


@dataclass(frozen=True, slots=True)
class Stamp:
    engine_version: str
    rules_version: str
    config_hash: str
    today: dt.date
    head_sha: str | None = None


class ReviewStatus(enum.StrEnum):
    """Whether there was anything to grade. A repository without an active task is not a perfect
    score: it has no score at all, and every output says "nothing to review" instead."""

    REVIEWED = "reviewed"
    NOTHING_TO_REVIEW = "nothing_to_review"


@dataclass(frozen=True, slots=True)
class Review:
    """The whole review: what every renderer and the GitHub App read.

    ``score`` and ``grade`` are ``None`` exactly when ``status`` is ``NOTHING_TO_REVIEW`` (no task
    to grade: the gate passes, and ``notes`` say why there was nothing)."""

    score: int | None
    grade: str | None
    gate: Gate
    tasks: tuple[TaskReport, ...]  # the reviewed tasks (focus), best first is NOT implied: path order
    stamp: Stamp
    notes: tuple[str, ...] = ()  # e.g. "no planning tasks found under dev/active"
    others: tuple[TaskReport, ...] = field(default=())  # tasks graded only for the exemplar
    status: ReviewStatus = ReviewStatus.REVIEWED

    def __post_init__(self) -> None:
        graded = self.score is not None and self.grade is not None
        if graded != (self.status is ReviewStatus.REVIEWED) or (self.tasks and not graded):
            raise ValueError(f"a {self.status} review has score {self.score!r} and {len(self.tasks)} task(s)")

    @property
    def reviewed(self) -> bool:
        """True when tasks were graded (``score`` and ``grade`` are set)."""
        return self.status is ReviewStatus.REVIEWED

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(f for task in self.tasks for f in task.findings)

    @property
    def waived(self) -> tuple[Finding, ...]:
        return tuple(f for task in self.tasks for f in task.waived)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)
