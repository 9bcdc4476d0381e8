"""The numeric-claim extractor: what is a count, ratio or percentage, and what is not."""

from __future__ import annotations

import pytest

from rules.core.model import Role
from rules.core.numbers import Kind, claims, duration_claims, find_numbers
from rules.core.parse import parse_document


def _one(text: str) -> tuple[Kind, float, float | None, str]:
    (claim,) = find_numbers(text, 1)
    return claim.kind, claim.value, claim.total, claim.head


@pytest.mark.parametrize(("text", "want"), [
    ("the following 9 files:", (Kind.COUNT, 9.0, None, "files")),
    ("Scope: 9 component test files", (Kind.COUNT, 9.0, None, "files")),
    ("about 12 endpoints", (Kind.COUNT, 12.0, None, "endpoints")),
    ("12 of 17 tasks complete", (Kind.RATIO, 12.0, 17.0, "tasks")),
    ("Tests passing: 480/500", (Kind.RATIO, 480.0, 500.0, "tests")),
    ("coverage is 81.5 %", (Kind.PERCENT, 81.5, None, "")),
])
def test_claims_with_their_subject(text: str, want: tuple[Kind, float, float | None, str]) -> None:
    assert _one(text) == want


def test_approximate_counts_are_marked() -> None:
    approx = [c.approx for c in find_numbers("~60 tasks, 20+ files, 7 phases", 1)]
    assert approx == [True, True, False]


@pytest.mark.parametrize("text", [
    "Upgrade to v2.3 and Python 3.12",
    "Released 2025-11-11, see #123 and BUG-12",
    "Serve on port 8080 from 10:30",
    "Phase 3 tasks come next",
    "run `retry 5 times` in the shell",
    "signed on 11/12/2025",
    "3 x 8 min per file",
    "took 3 hours and 2 days",
    "costs $40 dollars",
])
def test_not_claims(text: str) -> None:
    assert find_numbers(text, 1) == ()


def test_document_claims_are_placed_and_code_is_skipped() -> None:
    doc = parse_document("dev/active/x/x-tasks.md", "\n".join([
        "# 3 phases",
        "- [x] 4/5 tests pass",
        "- [ ] 2 files left",
        "| 7 rows | 9 |",
        "```",
        "12 files",
        "```",
        "Estimate: 2-3 hours",
    ]), Role.TASKS)
    found = [(c.line, c.kind, c.heading, c.checkbox, c.table) for c in claims(doc)]
    assert found == [
        (1, Kind.COUNT, True, None, False),
        (2, Kind.RATIO, False, True, False),
        (3, Kind.COUNT, False, False, False),
        (4, Kind.COUNT, False, None, True),
    ]
    (hours,) = duration_claims(doc)
    assert (hours.value, hours.high, hours.line) == (2.0, 3.0, 8)


def test_comments_and_code_are_blanked_with_offsets_kept() -> None:
    from rules.core.numbers import prose

    text = "a <!-- 9 files --> b `3 tests` c <!-- open"
    assert prose(text) == "a" + " " * 18 + "b" + " " * 11 + "c <!-- open"
    (claim,) = find_numbers("<!-- 2 x --> 4 files", 1)
    assert claim.column == 13
