"""Time estimates: one-letter units are lower-case (``1M rows`` and ``3D`` are not durations)."""

from __future__ import annotations

import pytest

from rules.core import extract


@pytest.mark.parametrize("line", ["Export 1M rows", "Render the 3D preview", "Ship 2W lamps"])
def test_upper_case_letters_after_numbers_are_not_durations(line: str) -> None:
    assert extract.find_estimates(line, 1) == ()


@pytest.mark.parametrize(("line", "minutes"), [("Fix (30m)", 30), ("Write docs (2h)", 120), ("Soak 1d", 480),
                                               ("Phase 1 (2 Hours)", 120), ("Total 1-2w", 2400)])
def test_lower_case_and_spelled_units_are_durations(line: str, minutes: int) -> None:
    assert [e.minutes for e in extract.find_estimates(line, 1)] == [minutes]
