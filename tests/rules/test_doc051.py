"""DOC051 checked-only-by-build-or-lint: the tasks file closes its sections with builds only."""

from __future__ import annotations

import datetime as dt

from rules.api import review
from rules.core.discovery import Snapshot
from rules.registry import RULES_BY_CODE

TASKS = (b"# Radar\n\n## Scan\n\n- [x] Scan system\n- [x] Build succeeds\n\n"
         b"## Panel\n\n- [x] Radar panel\n- [x] Build succeeds\n- [ ] Verify the panel on a device\n")


def _findings(files: dict[str, bytes]) -> list:
    result = review(Snapshot(files), today=dt.date(2026, 1, 15), rules=[RULES_BY_CODE["DOC051"]()], strict=True)
    return [f for task in result.tasks for f in task.findings]


def test_the_message_names_the_behaviour_check_still_open() -> None:
    (finding,) = _findings({"dev/active/radar/radar-tasks.md": TASKS})

    assert finding.line == 6
    assert [r.line for r in finding.related] == [11]
    assert finding.message == (
        "Every check ticked in radar-tasks.md is a build or static analysis ('Build succeeds' at line 6, "
        "closing 2 sections); no ticked box says the changed behaviour was tested or tried; 1 behaviour check "
        "is still open ('Verify the panel on a device' at radar-tasks.md:12).")


def test_one_build_box_is_a_step_not_the_way_every_part_was_checked() -> None:
    tasks = b"# Radar\n\n## Scan\n\n- [x] Scan system\n- [x] Build succeeds\n\n## Panel\n\n- [ ] Radar panel\n"

    assert _findings({"dev/active/radar/radar-tasks.md": tasks}) == []


def test_a_ticked_behaviour_check_in_another_file_is_enough() -> None:
    plan = b"# Radar plan\n\n## Checks\n\n- [x] Tested the scan in the simulator\n"

    assert _findings({"dev/active/radar/radar-tasks.md": TASKS, "dev/active/radar/radar-plan.md": plan}) == []
