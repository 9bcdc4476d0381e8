"""Time estimates: a bound to stay under ("< 15 min") is a target, not an estimate."""

from __future__ import annotations

import pytest

from rules.core import extract


@pytest.mark.parametrize(
    "line",
    [
        "- [ ] Time the setup (should be < 15 min)",
        "- [ ] Write SETUP.md (<15 minute setup guide)",
        "- [ ] Keep the build under budget (≤ 2h)",
        "- [ ] p95 latency > 2 min triggers an alert",
    ],
)
def test_bounds_are_not_estimates(line: str) -> None:
    assert extract.find_estimates(line, 1) == ()


@pytest.mark.parametrize(
    ("line", "minutes"), [("- [ ] Write the docs (15 min)", 15), ("Remaining: 2-3 hours", 120)]
)
def test_plain_estimates_are_still_found(line: str, minutes: int) -> None:
    assert [e.minutes for e in extract.find_estimates(line, 1)] == [minutes]
