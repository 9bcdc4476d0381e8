"""Score, grade and gate: the whole grading policy in one module.

Formula (also in the README):

* The same problem in several places (one rule, the same evidence) is one finding listing every
  place (``rules/core/grouping.py``), so it deducts once. Several shortcomings of one file that a
  rule reports as one finding (PLN001's missing sections, TSK006's phases) carry an explicit
  ``penalty``: what they would deduct as separate findings (:func:`combined_penalty`).
* Each finding deducts points from its category: critical 60, high 30, medium 15, low 6, info 0,
  or its explicit ``penalty`` (a missing plan, context or tasks file deducts 100: the category
  scores 0). A contradiction about the whole task (where it stands, how much is left:
  ``TASK_WIDE``) undermines every file, so it deducts twice its severity's points; one about a
  single item or phase deducts them once. One rule deducts at most twice its (scaled) points per
  task, so thirty open tasks without verification cost the same as two. Waived findings deduct
  nothing.
* A category scores ``max(0, 100 - deductions)``; points are attributed to findings in order of
  severity until the category reaches 0, so every deducted point traces to a finding and fixing
  a finding never lowers a score.
* A task's overall score is 100 minus the categories' pulls, taken together with diminishing
  weight. A category's pull is its deduction times its share of the weights (configurable; default
  structure 10, plan 20, context 20, tasks 20, consistency 15, security 15) times ``PULL_FACTOR``
  (3.5), bounded at ``MAX_CATEGORY_PULL`` (20 points): one category, however bad (a committed
  secret, a missing file), cannot sink a task whose other files are sound, and the gate, not the
  score, is what blocks it. The pulls' sum ``P`` takes ``SATURATION × (1 − e^(−P/SATURATION))``
  off (:func:`saturated`, ``SATURATION`` 60): the first points count almost fully, each further one
  less, and the curve rises everywhere. Calibration: README, "Scoring, grades and the gate".
* A review's overall score is the mean of its reviewed tasks' scores, rounded.
* The gate passes when that score is at least ``gate.min_score`` (default 80) and no unwaived
  finding has a blocking severity (default: critical).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from rules.core.finding import Category, Finding, Severity
from rules.core.report import CategoryScore, Gate
from rules.core.text import and_more

PENALTY: Mapping[Severity, int] = {
    Severity.CRITICAL: 60,
    Severity.HIGH: 30,
    Severity.MEDIUM: 15,
    Severity.LOW: 6,
    Severity.INFO: 0,
}  # a medium finding costs about 7 overall points (15 × a 20% category × 2.5), a high one 14
RULE_CAP_MULTIPLIER = 2
# Contradictions about the task as a whole (its status in one file against another or against
# itself, a finished task still filed as active, the overall progress figure): every reader of
# every file is misled, unlike a disagreement about one item or phase.
TASK_WIDE: frozenset[str] = frozenset({"DOC001", "DOC002", "STR006", "CON002"})
TASK_WIDE_MULTIPLIER = 2
PULL_FACTOR = 3.5  # the first problems of a category weigh more than in a plain weighted mean
MAX_CATEGORY_PULL = 20  # no single category takes more than this off the total
SATURATION = 60  # the categories' pulls together take at most this off: each further point weighs less


def grade_for(score: float, scale: Mapping[str, int]) -> str:
    """Letter for *score* on a scale of ``{letter: minimum score}``."""
    for letter, floor in sorted(scale.items(), key=lambda item: -item[1]):
        if score >= floor:
            return letter
    return min(scale.items(), key=lambda item: item[1])[0]


def combined_penalty(severities: Iterable[Severity], rule: str = "") -> int:
    """What several shortcomings that one finding reports together (a plan's missing sections, the
    phases of a tasks file without criteria) deduct: what they would deduct as separate findings of
    one rule (*rule*, when it is ``TASK_WIDE``), under its cap (``RULE_CAP_MULTIPLIER``), so
    grouping them changes no score."""
    wide = TASK_WIDE_MULTIPLIER if rule in TASK_WIDE else 1
    total = 0
    for severity in sorted(severities, reverse=True):
        points = PENALTY[severity] * wide
        total += max(0, min(points, points * RULE_CAP_MULTIPLIER - total))
    return total


def attribute_points(findings: Sequence[Finding]) -> list[Finding]:
    """Fill in ``points`` on each finding: what it actually deducts from its category."""
    per_rule: dict[tuple[str, Category], int] = defaultdict(int)
    remaining: dict[Category, int] = defaultdict(lambda: 100)
    scored: list[Finding] = []
    for finding in sorted(findings, key=lambda f: (-(f.penalty or 0), f.sort_key())):
        points = 0
        if not finding.waived:
            by_severity = PENALTY[finding.severity] * (TASK_WIDE_MULTIPLIER if finding.rule in TASK_WIDE else 1)
            base = finding.penalty if finding.penalty is not None else by_severity
            cap = max(base, by_severity * RULE_CAP_MULTIPLIER)
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


def pull(deducted: int, weight: int, total_weight: int, *, factor: float | None = None,
         bound: float | None = None) -> float:
    """How many points a category with *deducted* points (0–100) takes off the overall score."""
    factor = PULL_FACTOR if factor is None else factor
    bound = MAX_CATEGORY_PULL if bound is None else bound
    return min(float(bound), factor * deducted * weight / total_weight)


def overall(categories: Iterable[CategoryScore], weights: Mapping[Category, int], *,
            factor: float | None = None, bound: float | None = None, saturation: float | None = None) -> int:
    """The task's score. *factor*, *bound* and *saturation* stand in for ``PULL_FACTOR``,
    ``MAX_CATEGORY_PULL`` and ``SATURATION`` (bench/calibrate.py tries other settings)."""
    scored = [(100 - c.score, weights.get(c.category, 0)) for c in categories]
    total_weight = sum(weight for _deducted, weight in scored)
    if not total_weight:
        return 100
    total = sum(pull(deducted, weight, total_weight, factor=factor, bound=bound) for deducted, weight in scored)
    return max(0, round(100 - saturated(total, saturation)))


def saturated(total_pull: float, saturation: float | None = None) -> float:
    """What the categories' pulls together take off the overall score: about the same for the first
    points, less for each further one, never more than ``SATURATION``. A folder with problems in
    every file is bad, but still has the plan and the record its reviewer credits; and the curve
    rises everywhere, so fixing a finding always raises the score."""
    limit = SATURATION if saturation is None else saturation
    if not limit:
        return total_pull  # no saturation: the plain sum (calibration's baseline)
    return limit * (1 - math.exp(-total_pull / limit))


def gate(score: int, findings: Iterable[Finding], *, min_score: int,
         blocking: frozenset[Severity]) -> Gate:
    reasons: list[str] = []
    if score < min_score:
        reasons.append(f"overall score {score} is below the minimum of {min_score}")
    blockers = [f for f in findings if f.severity in blocking and not f.waived]
    if blockers:
        shown = ", ".join(f"{f.rule} at {f.path}:{f.line}" for f in blockers[:5])
        more = and_more(len(blockers), 5)
        names = "/".join(sorted((s.label for s in blocking), key=lambda n: -Severity.parse(n)))
        reasons.append(f"{len(blockers)} unwaived {names} finding(s): {shown}{more}")
    passed = not reasons
    if passed:
        reasons.append(f"overall score {score} meets the minimum of {min_score} and no blocking findings remain")
    return Gate(passed, tuple(reasons), min_score, tuple(sorted(blocking, reverse=True)))
