"""Every rule against its own good and bad fixtures (see tests/rules/harness.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rules.registry import RULES_BY_CODE
from tests.rules.harness import (
    FIXTURES,
    expected,
    expected_related,
    fixture_options,
    load_fixture,
    related_places,
    run_fixture,
)

ALL_FIXTURES = sorted(p for p in FIXTURES.glob("*/*") if p.name.startswith(("pass_", "fail_")))


@pytest.mark.parametrize("fixture", ALL_FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_rule_reports_exactly_the_marked_lines(fixture: Path) -> None:
    rule = RULES_BY_CODE[fixture.parent.name](fixture_options(load_fixture(fixture)))
    want_active, want_waived, _today = expected(load_fixture(fixture))

    got_active, got_waived = run_fixture(rule, fixture)

    assert got_active == want_active
    assert got_waived == want_waived
    if want_related := expected_related(load_fixture(fixture)):
        assert set(want_related) <= related_places(rule, fixture), "an expect-also place is not a related place"
    if fixture.name.startswith("pass_"):
        assert want_active == [], "a pass_ fixture must not expect findings"
    else:
        assert want_active or want_waived, "a fail_ fixture must expect at least one finding"
