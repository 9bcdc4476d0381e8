"""Score, grade and gate: the whole grading policy in one module.

Formula (also in the README):

* The same problem in several places (one rule, the same evidence) is one finding listing every
  place (``rules/core/grouping.py``), so it deducts once.
* Each finding deducts points from its category: critical 60, high 30, medium 15, low 6, info 0,
  or its explicit ``penalty`` (a missing plan, context or tasks file deducts 100: the category
  scores 0). One rule deducts at most twice its severity's points per task, so thirty open tasks
  without verification cost the same as two. Waived findings deduct nothing.
* A category scores ``max(0, 100 - deductions)``; points are attributed to findings in order of
  severity until the category reaches 0, so every deducted point traces to a finding and fixing
  a finding never lowers a score.
* A task's overall score is the weighted mean of its category scores (weights configurable;
  default structure 10, plan 20, context 20, tasks 20, consistency 15, security 15), rounded.
* A review's overall score is the mean of its reviewed tasks' scores, rounded.
* The gate passes when that score is at least ``gate.min_score`` (default 80) and no unwaived
  finding has a blocking severity (default: critical).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from rules.core.finding import Category, Finding, Severity
from rules.core.report import CategoryScore, Gate

PENALTY: Mapping[Severity, int] = {
    Severity.CRITICAL: 60,
    Severity.HIGH: 30,
    Severity.MEDIUM: 15,
    Severity.LOW: 6,
    Severity.INFO: 0,
}  # a high finding costs ~6 overall points (30 × a 20% category), about one grade step
RULE_CAP_MULTIPLIER = 2


def grade_for(score: float, scale: Mapping[str, int]) -> str:
    """Letter for *score* on a scale of ``{letter: minimum score}``."""
    for letter, floor in sorted(scale.items(), key=lambda item: -item[1]):
        if score >= floor:
            return letter
    return min(scale.items(), key=lambda item: item[1])[0]


def attribute_points(findings: Sequence[Finding]) -> list[Finding]:
    """Fill in ``points`` on each finding: what it actually deducts from its category."""
    per_rule: dict[tuple[str, Category], int] = defaultdict(int)
    remaining: dict[Category, int] = defaultdict(lambda: 100)
    scored: list[Finding] = []
    for finding in sorted(findings, key=lambda f: (-(f.penalty or 0), f.sort_key())):
        points = 0
        if not finding.waived:
            base = finding.penalty if finding.penalty is not None else PENALTY[finding.severity]
            cap = max(base, PENALTY[finding.severity] * RULE_CAP_MULTIPLIER)
            points = min(base, cap - per_rule[finding.rule, finding.category], remaining[finding.category])
            points = max(points, 0)
            per_rule[finding.rule, finding.category] += points
            remaining[finding.category] -= points
        scored.append(finding.with_changes(points=points))
    return scored


def category_scores(
    findings: Iterable[Finding], *, scale: Mapping[str, int], missing: frozenset[Category] = frozenset()
) -> tuple[CategoryScore, ...]:
    deducted: dict[Category, int] = defaultdict(int)
    for finding in findings:
        deducted[finding.category] += finding.points
    scores = []
    for category in Category:
        score = max(0, 100 - deducted[category])
        scores.append(CategoryScore(category, score, grade_for(score, scale), deducted[category],
                                    category not in missing))
    return tuple(scores)


def overall(categories: Iterable[CategoryScore], weights: Mapping[Category, int]) -> int:
    total_weight = 0
    total = 0.0
    for category in categories:
        weight = weights.get(category.category, 0)
        total_weight += weight
        total += weight * category.score
    return round(total / total_weight) if total_weight else 100


def gate(score: int, findings: Iterable[Finding], *, min_score: int,
         blocking: frozenset[Severity]) -> Gate:
    reasons: list[str] = []
    if score < min_score:
        reasons.append(f"overall score {score} is below the minimum of {min_score}")
    blockers = [f for f in findings if f.severity in blocking and not f.waived]
    if blockers:
        shown = ", ".join(f"{f.rule} at {f.path}:{f.line}" for f in blockers[:5])
        more = f" and {len(blockers) - 5} more" if len(blockers) > 5 else ""
        names = "/".join(sorted((s.label for s in blocking), key=lambda n: -Severity.parse(n)))
        reasons.append(f"{len(blockers)} unwaived {names} finding(s): {shown}{more}")
    passed = not reasons
    if passed:
        reasons.append(f"overall score {score} meets the minimum of {min_score} and no blocking findings remain")
    return Gate(passed, tuple(reasons), min_score, tuple(sorted(blocking, reverse=True)))
