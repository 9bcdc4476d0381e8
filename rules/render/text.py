"""Plain text for terminals: ``devdocs-review check`` (the default format).

Headline and gate, then per task its scorecard, findings as ``path:line  SEVERITY  RULE  message``
with the fix underneath, and the checklist total. ``color`` adds ANSI colours; doc-derived text
never carries control characters (no terminal escape sequences from a document).
"""

from __future__ import annotations

from rules.core.finding import Finding, Severity
from rules.core.redact import redact
from rules.core.report import Review, TaskReport
from rules.render._md import also_at, minutes, plural, severity_counts, short_place, stamp_line
from rules.render.neutral import plain

_RESET = "\x1b[0m"
_COLORS = {
    Severity.CRITICAL: "\x1b[1;31m",
    Severity.HIGH: "\x1b[31m",
    Severity.MEDIUM: "\x1b[33m",
    Severity.LOW: "\x1b[36m",
    Severity.INFO: "\x1b[2m",
}
_GREEN = "\x1b[1;32m"
_RED = "\x1b[1;31m"
_BOLD = "\x1b[1m"
_DIM = "\x1b[2m"


class _Paint:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if self.enabled else text


def render_text(review: Review, *, color: bool = False) -> str:
    paint = _Paint(color)
    lines = [*_head(review, paint)]
    for task in review.tasks:
        lines += ["", *_task(task, paint)]
    lines += _waived(review)
    lines += ["", paint(stamp_line(review.stamp), _DIM)]
    return redact("\n".join(line.rstrip() for line in lines)) + "\n"


def _head(review: Review, paint: _Paint) -> list[str]:
    gate = review.gate
    verdict = paint("PASSED", _GREEN) if gate.passed else paint("FAILED", _RED)
    grade = f"{review.grade} ({review.score}/100)" if review.reviewed else "nothing to review"
    lines = [paint(f"devdocs-review: {grade}", _BOLD) + f"   gate {verdict}"]
    lines += [f"  {plain(reason)}" for reason in gate.reasons]
    lines += [f"  note: {plain(note)}" for note in review.notes]
    findings = review.findings
    if findings:
        effort = minutes(sum(t.effort_minutes for t in review.tasks))
        counts = severity_counts(findings)
        lines.append(f"  {plural(len(findings), 'open finding')} ({counts}), {effort} of fixes")
    return lines


def _task(task: TaskReport, paint: _Paint) -> list[str]:
    archived = " (archived)" if task.archived else ""
    title = paint(f"{plain(task.name)}{archived}  {task.grade} ({task.score}/100)", _BOLD)
    lines = [f"{title}  {plain(task.path)}"]
    for category in task.categories:
        missing = "  (file missing)" if not category.present else ""
        lines.append(f"  {category.category.value:<12} {category.score:>3}  {category.grade:<2}{missing}")
    if task.comparison is not None:
        best = task.comparison
        score, grade = best.exemplar_score, best.exemplar_grade
        label = "exemplar" if score > task.score else "next best"  # this task is the repo's best
        lines.append(f"  {label:<12} {score:>3}  {grade:<2}  {plain(best.exemplar)}")
    lines += [""] + [line for f in task.findings for line in _finding(f, paint)] if task.findings else []
    total = minutes(task.effort_minutes)
    fixes = len({(f.rule, f.fix) for f in task.findings})
    lines.append(f"  checklist: {plural(fixes, 'fix', 'fixes')}, {total}" if fixes else "  no open findings")
    return lines


def _finding(finding: Finding, paint: _Paint) -> list[str]:
    severity = paint(f"{finding.severity.label.upper():<8}", _COLORS[finding.severity])
    return [f"  {plain(finding.path)}:{finding.line}  {severity}  {finding.rule}  {plain(finding.message)}"
            f"{_also(finding)}",
            f"      fix: {plain(finding.fix)} ({minutes(finding.effort_minutes)})"]


def _waived(review: Review) -> list[str]:
    if not review.waived:
        return []
    lines = ["", f"waived ({len(review.waived)}):"]
    for finding in review.waived:
        reason = plain(finding.waiver_reason or "no reason given")
        where = f"{plain(finding.path)}:{finding.line}"
        lines.append(f"  {where}  {finding.rule}  {plain(finding.message)}{_also(finding)}  — {reason}")
    return lines


def _also(finding: Finding) -> str:
    return also_at(finding.related, lambda where: plain(short_place(where)))
