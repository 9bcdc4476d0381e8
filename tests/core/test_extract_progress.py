"""Progress claims: a fraction whose numerator exceeds its denominator is not a claim."""

from __future__ import annotations

import pytest

from rules.core import extract


@pytest.mark.parametrize(
    "line",
    [
        "| Scheduler | Windows Task Scheduler | GitHub Actions cron (cloud, 24/7) |",
        "Support hours: 12/5 (weekdays)",
    ],
)
def test_fraction_above_one_is_not_a_progress_claim(line: str) -> None:
    assert extract.find_progress(line, 1) is None


def test_fraction_at_or_below_one_is_still_a_claim() -> None:
    claim = extract.find_progress("**Progress**: 6/6 (100%) ✅", 4)

    assert claim is not None
    assert (claim.done, claim.total, claim.percent) == (6, 6, 100)


@pytest.mark.parametrize("line", [
    "**Final Grade:** A- (92/100)",
    "- **Initial Review:** C+ (76/100) - 2 critical issues",
    "Review score 7/10 done",
])
def test_a_grade_or_a_score_is_not_progress(line: str) -> None:
    assert extract.find_progress(line, 1) is None


@pytest.mark.parametrize("line", ["Phase B (3/5) done", "Progress: 45/100 (45%)", "**Status:** Complete (6/6)"])
def test_a_letter_or_a_total_of_100_alone_does_not_make_a_grade(line: str) -> None:
    assert extract.find_progress(line, 1) is not None
