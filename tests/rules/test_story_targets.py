"""DOC035's reading of figures: what counts as the same target figure, and what is not a figure."""

from __future__ import annotations

from rules.core.model import Role
from rules.core.parse import parse_document
from rules.story._targets import figures, targets


def test_one_figure_however_its_unit_is_spelled() -> None:
    assert figures("under 2 seconds") == figures("< 2s") == figures("2 sec") == {(2.0, "s")}
    assert figures("p95 below 250ms") == figures("250 milliseconds") == {(250.0, "ms")}
    assert figures("2x faster") == figures("2× faster") == {(2.0, "x")}


def test_percentages_and_decimals() -> None:
    assert figures("coverage above 80%, error rate < 0.5%") == {(80.0, "%"), (0.5, "%")}


def test_versions_ratios_and_plain_numbers_are_not_figures() -> None:
    assert figures("node v1.5s build, 228/228 tests, 10k documents, Chrome 90+") == frozenset()
    assert figures("10 apples and 3 hours") == {(3.0, "h")}


def test_targets_are_success_sections_and_labelled_criteria_not_later_goals() -> None:
    text = (
        "# Plan\n\n## Phase 1: Sync\n- **Acceptance:** a full sync takes under 10 minutes\n"
        "- Acceptance tests cover 3 cases\n\n"
        "## Success Metrics\n- Error rate below 1%\n- Users like it\n\n"
        "### Future goals\n- 50% adoption\n\n## Optional stretch\n**Target:** 2x throughput\n"
    )
    doc = parse_document("dev/active/a/a-plan.md", text, Role.PLAN)
    found = targets(doc)
    assert [(t.line, t.figures) for t in found] == [(4, {(10.0, "min")}), (8, {(1.0, "%")})]
    assert found[0].text == "Acceptance: a full sync takes under 10 minutes"
