"""Score, grade and gate: every deducted point traces to a finding; fixing never lowers a score."""

from __future__ import annotations

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


FINDINGS = st.lists(
    st.builds(_finding, rule=st.sampled_from(["A001", "B002", "C003"]), severity=st.sampled_from(list(Severity)),
              category=st.sampled_from(list(Category)), penalty=st.none() | st.just(100),
              line=st.integers(1, 50)),
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
