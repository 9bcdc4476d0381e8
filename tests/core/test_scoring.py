"""Score, grade and gate: every deducted point traces to a finding; fixing never lowers a score."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.core import scoring
from rules.core.config import DEFAULT_GRADES, DEFAULT_WEIGHTS
from rules.core.finding import Category, Finding, Severity

WEIGHTS = {Category(k): v for k, v in DEFAULT_WEIGHTS.items()}


def _finding(rule: str = "CTX001", severity: Severity = Severity.HIGH, category: Category = Category.CONTEXT,
             penalty: int | None = None, line: int = 1, waived: bool = False) -> Finding:
    return Finding(rule, "x", severity, category, "dev/active/t", "dev/active/t/t-context.md", line, "m", "f", 5,
                   key=f"{rule}{line}", penalty=penalty, waived=waived)


@pytest.mark.parametrize(("score", "grade"), [(98, "A+"), (95, "A"), (90, "A"), (87, "B+"), (85, "B+"),
                                              (80, "B-"), (75, "C+"), (100, "A+"), (0, "F"), (59, "F")])
def test_default_grade_scale(score: int, grade: str) -> None:
    assert scoring.grade_for(score, DEFAULT_GRADES) == grade


def test_points_trace_to_findings_and_sum_to_the_deduction() -> None:
    findings = [_finding(line=i) for i in range(1, 4)] + [_finding("CTX009", Severity.MEDIUM, line=9)]

    scored = scoring.attribute_points(findings)
    categories = scoring.category_scores(scored, scale=DEFAULT_GRADES)

    context = next(c for c in categories if c.category is Category.CONTEXT)
    assert sum(f.points for f in scored) == 100 - context.score
    assert sorted(f.points for f in scored if f.rule == "CTX001") == [0, 30, 30]  # capped at 2x per rule


def test_missing_file_penalty_zeroes_its_category_and_waived_findings_cost_nothing() -> None:
    scored = scoring.attribute_points([_finding("STR001", Severity.CRITICAL, Category.PLAN, penalty=100),
                                       _finding("CTX001", waived=True)])
    categories = {c.category: c.score for c in scoring.category_scores(scored, scale=DEFAULT_GRADES)}

    assert categories[Category.PLAN] == 0
    assert categories[Category.CONTEXT] == 100


def test_gate_reasons_name_score_and_blocking_findings() -> None:
    blocker = _finding("SEC001", Severity.CRITICAL, Category.SECURITY, line=12)

    failed = scoring.gate(72, [blocker], min_score=80, blocking=frozenset({Severity.CRITICAL}))
    passed = scoring.gate(91, [blocker.with_changes(waived=True)], min_score=80,
                          blocking=frozenset({Severity.CRITICAL}))

    assert not failed.passed
    assert failed.reasons[0] == "overall score 72 is below the minimum of 80"
    assert "SEC001 at dev/active/t/t-context.md:12" in failed.reasons[1]
    assert passed.passed


def _overall(findings: list[Finding]) -> int:
    return scoring.overall(scoring.category_scores(scoring.attribute_points(findings), scale=DEFAULT_GRADES), WEIGHTS)


def test_one_category_cannot_sink_the_total_but_a_blocker_still_fails_the_gate() -> None:
    secret = _finding("SEC001", Severity.CRITICAL, Category.SECURITY)
    no_plan = _finding("STR001", Severity.CRITICAL, Category.PLAN, penalty=100)

    assert _overall([secret]) == round(100 - scoring.saturated(scoring.MAX_CATEGORY_PULL)) == 83
    assert _overall([no_plan]) == 83  # the plan category scores 0, the total loses at most the bound
    assert _overall([secret, no_plan]) == 71
    blocked = scoring.gate(_overall([secret]), [secret], min_score=80, blocking=frozenset({Severity.CRITICAL}))
    assert not blocked.passed and "SEC001" in blocked.reasons[-1]


def test_small_deductions_count_a_little_more_than_a_weighted_mean() -> None:
    assert _overall([_finding(severity=Severity.LOW)]) == 96  # 6 points x 20% x 3.5 = 4.2, saturated 4.1
    assert _overall([_finding(severity=Severity.MEDIUM)]) == 90  # 15 points x 20% x 3.5 = 10.5, saturated 9.6
    assert _overall([_finding(severity=Severity.HIGH), _finding("CTX002", Severity.HIGH, line=2)]) == 83  # 42 > 20


def test_further_problems_weigh_less_but_always_lower_the_score() -> None:
    assert scoring.saturated(0) == 0
    assert scoring.saturated(10) == pytest.approx(9.2, abs=0.1)  # the first points count almost fully
    assert scoring.saturated(90) < 90 * 0.75 and scoring.saturated(1000) <= scoring.SATURATION
    pulls = [scoring.saturated(total / 2) for total in range(0, 400)]
    assert all(a < b for a, b in itertools.pairwise(pulls))  # strictly rising: a fix always helps
    every_file = [_finding(f"R{i}", Severity.CRITICAL, category) for i, category in enumerate(Category)]
    assert 30 <= _overall(every_file) < _overall(every_file[1:]) < 100


def test_a_contradiction_about_the_whole_task_weighs_twice_one_about_an_item() -> None:
    whole = scoring.attribute_points([_finding("DOC001", category=Category.CONSISTENCY)])
    item = scoring.attribute_points([_finding("CON001", category=Category.CONSISTENCY)])

    assert [f.points for f in whole] == [60] and [f.points for f in item] == [30]
    assert _overall(list(whole)) < _overall(list(item))
    capped = scoring.attribute_points([_finding("DOC001", category=Category.CONSISTENCY, line=i) for i in range(3)])
    assert sorted(f.points for f in capped) == [0, 40, 60]  # still at most twice its points per rule (120 > 100)


FINDINGS = st.lists(
    st.builds(_finding, rule=st.sampled_from(["A001", "B002", "C003", "DOC001"]),
              severity=st.sampled_from(list(Severity)), category=st.sampled_from(list(Category)),
              penalty=st.none() | st.just(100), line=st.integers(1, 50)),
    max_size=25,
)


@settings(max_examples=400)
@given(findings=FINDINGS, drop=st.integers(0, 24))
def test_fixing_a_finding_never_lowers_any_score(findings: list[Finding], drop: int) -> None:
    def scores(fs: list[Finding]) -> tuple[dict[Category, int], int]:
        cats = scoring.category_scores(scoring.attribute_points(fs), scale=DEFAULT_GRADES)
        return {c.category: c.score for c in cats}, scoring.overall(cats, WEIGHTS)

    before_cats, before = scores(findings)
    fixed = findings[:drop] + findings[drop + 1:]
    after_cats, after = scores(fixed)

    assert after >= before
    assert all(after_cats[c] >= before_cats[c] for c in Category)


def test_shortcomings_reported_together_deduct_what_they_would_deduct_apart() -> None:
    high, medium, low = Severity.HIGH, Severity.MEDIUM, Severity.LOW
    assert scoring.combined_penalty([medium]) == 15
    assert scoring.combined_penalty([low, medium]) == 15  # the low one's cap (12) is spent by the medium
    assert scoring.combined_penalty([medium, medium, medium]) == 30  # the rule's cap: twice the worst
    assert scoring.combined_penalty([high, high, medium, low]) == 60

    def apart(severities: list[Severity]) -> int:
        findings = [Finding("PLN001", "x", s, Category.PLAN, "t", "p.md", 1, f"m{i}", "f", 1, key=str(i))
                    for i, s in enumerate(severities)]
        return sum(f.points for f in scoring.attribute_points(findings))

    for severities in ([high, medium], [medium, low, low], [high, high, medium], [low, low, low, low]):
        assert scoring.combined_penalty(severities) == apart(severities)
