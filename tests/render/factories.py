"""Build :class:`Review` values directly, so renderer tests do not depend on which rules exist."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from rules.core import scoring
from rules.core.config import DEFAULT_GRADES, DEFAULT_WEIGHTS
from rules.core.finding import Category, Finding, Location, Severity
from rules.core.model import Role
from rules.core.report import Comparison, Gate, Review, ReviewStatus, Scaffold, Stamp, TaskReport

TODAY = dt.date(2026, 1, 15)
WEIGHTS = {Category(k): v for k, v in DEFAULT_WEIGHTS.items()}
SECRET = "s3cr_et*pw"
SECRET_URL = f"postgresql://admin:{SECRET}@db.internal:5432/app"
TOKEN = "ghp_R4nd0mT0k3nV4lu3xyzQWERTYasdfgh1234"


def finding(
    rule: str = "TSK004",
    *,
    severity: Severity = Severity.MEDIUM,
    category: Category = Category.TASKS,
    task: str = "dev/active/auth",
    path: str | None = None,
    line: int = 1,
    message: str = "Open task 'Configure Sentry' has no estimate.",
    fix: str = "Add an estimate such as `(30 min)` to each open task.",
    effort: int = 15,
    key: str = "",
    name: str | None = None,
    waived: bool = False,
    reason: str | None = None,
    related: Sequence[tuple[str, int]] = (),
) -> Finding:
    return Finding(
        rule=rule, name=name or f"{rule.lower()}-problem", severity=severity, category=category, task=task,
        path=path or f"{task}/{task.rsplit('/', 1)[-1]}-tasks.md", line=line, message=message, fix=fix,
        effort_minutes=effort, key=key, waived=waived, waiver_reason=reason,
        related=tuple(Location(p, n) for p, n in related),
    )


def task_report(
    name: str = "auth",
    findings: Sequence[Finding] = (),
    *,
    root: str = "dev/active",
    strengths: Sequence[str] = (),
    comparison: Comparison | None = None,
    scaffolds: Sequence[Scaffold] = (),
    missing: Sequence[Role] = (),
) -> TaskReport:
    """A task graded by the real scoring policy from the findings given."""
    path = f"{root}/{name}"
    scored = scoring.attribute_points(findings)
    missing_categories = frozenset(Category(r.value) for r in missing)
    categories = scoring.category_scores(scored, scale=DEFAULT_GRADES, missing=missing_categories)
    score = scoring.overall(categories, WEIGHTS)
    files = tuple((role, None if role in missing else f"{path}/{name}-{role.value}.md")
                  for role in (Role.PLAN, Role.CONTEXT, Role.TASKS))
    return TaskReport(
        name=name, path=path, root=root, archived=False, loose=False, files=files, categories=categories,
        score=score, grade=scoring.grade_for(score, DEFAULT_GRADES),
        findings=tuple(sorted((f for f in scored if not f.waived), key=Finding.sort_key)),
        waived=tuple(f for f in scored if f.waived), strengths=tuple(strengths), comparison=comparison,
        scaffolds=tuple(scaffolds),
    )


def review(*tasks: TaskReport, head_sha: str | None = None, min_score: int = 80,
           notes: Sequence[str] = ()) -> Review:
    stamp = Stamp("0.1.0", "9-abcdef12", "cafe1234", TODAY, head_sha)
    if not tasks:  # what the engine gives: no score, a passing gate, the reason in the notes
        gate = Gate(True, ("nothing to review, so nothing blocks the merge",), min_score, (Severity.CRITICAL,))
        return Review(None, None, gate, (), stamp, tuple(notes), status=ReviewStatus.NOTHING_TO_REVIEW)
    score = round(sum(t.score for t in tasks) / len(tasks))
    gate = scoring.gate(score, [f for t in tasks for f in t.findings], min_score=min_score,
                        blocking=frozenset({Severity.CRITICAL}))
    return Review(score, scoring.grade_for(score, DEFAULT_GRADES), gate, tuple(tasks), stamp, tuple(notes))


def comparison_for(task: TaskReport, exemplar_score: int = 94) -> Comparison:
    rows = tuple((c.category, c.score, min(100, c.score + 10)) for c in task.categories)
    return Comparison("dev/archive/payments", exemplar_score, "A", rows)


def rich_task(name: str = "auth", *, count: int = 12, secret: bool = False) -> TaskReport:
    """A task with findings at every severity, strengths, an exemplar and a scaffold."""
    severities = sorted(Severity, reverse=True)
    categories = list(Category)
    findings = [
        finding(f"TSK{index % 7 + 1:03d}", severity=severities[index % 5], category=categories[index % 6],
                task=f"dev/active/{name}", line=index + 3, key=str(index), effort=5 + (index % 4) * 10,
                message=f"Problem number {index} in {name}: phase 'Phase {index}' lacks acceptance criteria.")
        for index in range(count)
    ]
    if secret:
        findings.append(finding("SEC001", severity=Severity.CRITICAL, category=Category.SECURITY,
                                task=f"dev/active/{name}", line=2, key="secret",
                                message=f"Credential URL {SECRET_URL!r} and token {TOKEN} in context.",
                                fix=f"Remove {SECRET_URL} and rotate `{TOKEN}`."))
    base = task_report(name, findings)
    body = f"# {name} — Tasks\n\n## Phase 1\n- [ ] First task (30 min)\n  - Verify: ```tests pass```\n"
    scaffold = Scaffold("tasks checklist", f"dev/active/{name}/{name}-tasks.md", body)
    strengths = ("Session log with dates and commits", "Risks table with mitigations")
    return task_report(name, findings, strengths=strengths, comparison=comparison_for(base),
                       scaffolds=(scaffold,))


def big_review(*, tasks: int = 5, per_task: int = 120, head_sha: str = "f" * 40) -> Review:
    """A PR touching several tasks with hundreds of findings: what the size budget is for."""
    reports = []
    for number in range(tasks):
        name = f"feature-{number}-with-a-rather-long-descriptive-task-name"
        rich = rich_task(name, count=per_task, secret=number == 0)
        body = "## Risks\n" + "| risk | mitigation |\n" * 40
        plan = f"dev/active/{name}/{name}-plan.md"
        scaffolds = tuple(Scaffold(f"section {i}", plan, body) for i in range(3))
        reports.append(task_report(name, [*rich.findings, *rich.waived], strengths=rich.strengths,
                                   comparison=rich.comparison, scaffolds=scaffolds))
    return review(*reports, head_sha=head_sha)


def link(path: str, line: int) -> str:
    return f"https://github.com/acme/app/blob/{'f' * 40}/{path}#L{line}"
