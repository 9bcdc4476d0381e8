"""The state of the work as the folder shows it (rules/core/state.py): finished, fresh or under way."""

from __future__ import annotations

import datetime as dt
import time

from rules.api import review
from rules.core.config import load_config
from rules.core.discovery import Snapshot, discover
from rules.core.finding import Finding, Severity
from rules.core.model import TaskDocs
from rules.core.state import WorkState, finished, fresh, work_state
from rules.registry import RULES_BY_CODE

TODAY = dt.date(2026, 1, 15)


def task_of(root: str = "dev/active", **files: str) -> TaskDocs:
    snapshot = Snapshot({f"{root}/chore/{name}": text.encode() for name, text in files.items()})
    return discover(snapshot)[0]


TICKED = "# Chore — Tasks\n\n## Phase 1: Schema\n- [x] Add the table\n- [x] Backfill rows\n"
OPEN = "# Chore — Tasks\n\n## Phase 1: Schema\n- [ ] Add the table\n- [ ] Backfill rows\n"
HALF = "# Chore — Tasks\n\n## Phase 1: Schema\n- [x] Add the table\n- [ ] Backfill rows\n"


def test_an_archived_task_is_finished_whatever_its_boxes_say() -> None:
    task = task_of("dev/archive", **{"chore-tasks.md": HALF})
    found = finished(task)
    assert found is not None and "archived" in found.reason and "dev/archive" in found.reason


def test_every_box_of_work_ticked_is_finished_and_set_aside_boxes_do_not_count() -> None:
    tasks = TICKED + "\n## Future ideas\n- [ ] Export to CSV\n- [ ] Dark mode (optional)\n"
    found = finished(task_of(**{"chore-tasks.md": tasks}))
    assert found is not None and "chore-tasks.md" in found.reason and "(2)" in found.reason


def test_a_declared_done_status_with_nothing_against_it_is_finished() -> None:
    found = finished(task_of(**{"chore-plan.md": "# Chore\n\n**Status:** ✅ Complete\n\n## Goal\nFaster.\n"}))
    assert found is not None and "chore-plan.md" in found.reason and "Complete" in found.reason


def test_a_done_status_with_open_work_left_is_under_way() -> None:
    task = task_of(**{"chore-plan.md": "# Chore\n\n**Status:** ✅ Complete\n", "chore-tasks.md": HALF})
    assert finished(task) is None and work_state(task).state is WorkState.UNDER_WAY


def test_all_ticked_under_a_stale_in_progress_is_finished_only_when_some_file_says_done() -> None:
    stale = TICKED.replace("# Chore — Tasks\n", "# Chore — Tasks\n\n**Status:** In Progress\n")
    assert finished(task_of(**{"chore-tasks.md": stale})) is None  # ticked so far, still said to be going
    task = task_of(**{"chore-tasks.md": stale, "chore-plan.md": "# Chore\n\n**Status:** Completed\n"})
    assert finished(task) is not None
    planned = TICKED.replace("# Chore — Tasks\n", "# Chore — Tasks\n\n**Status:** Complete (2/2)\n")
    task = task_of(**{"chore-tasks.md": planned, "chore-plan.md": "# Chore\n\n**Status:** Planning\n"})
    assert finished(task) is None  # the plan was never revisited: what it lacks still misleads


def test_all_ticked_under_a_phase_still_marked_open_is_not_finished() -> None:
    plan = "# Chore\n\n## Phase 1: Schema ✅\n\n## Phase 2: API ⏳ Pending\n"
    task = task_of(**{"chore-tasks.md": TICKED, "chore-plan.md": plan})
    assert finished(task) is None


def test_nothing_ticked_is_fresh_and_says_why() -> None:
    found = fresh(task_of(**{"chore-tasks.md": OPEN}))
    assert found is not None and "none of the 2 boxes" in found.reason
    found = fresh(task_of(**{"chore-plan.md": "# Chore\n\n**Status:** Draft, waiting for approval\n"}))
    assert found is not None and "Draft" in found.reason


def test_a_begun_status_or_a_tick_or_a_phase_under_way_is_not_fresh() -> None:
    assert fresh(task_of(**{"chore-tasks.md": HALF})) is None
    begun = "# Chore\n\n**Status:** In Progress\n"
    assert fresh(task_of(**{"chore-tasks.md": OPEN, "chore-plan.md": begun})) is None
    plan = "# Chore\n\n## Phase 1: Schema 🟡 In Progress\n"
    assert fresh(task_of(**{"chore-tasks.md": OPEN, "chore-plan.md": plan})) is None


def test_a_ticked_list_in_the_context_is_not_work_begun() -> None:
    context = "# Chore — Context\n\n## Session\n- [x] Wrote the plan\n- [x] Wrote the tasks\n"
    assert fresh(task_of(**{"chore-tasks.md": OPEN, "chore-context.md": context})) is not None


def test_a_folder_that_shows_no_state_is_under_way() -> None:
    task = task_of(**{"chore-plan.md": "# Chore\n\n## Goal\nFaster builds.\n"})
    assert work_state(task).state is WorkState.UNDER_WAY and work_state(task).reason == ""


def test_the_state_is_linear_in_the_size_of_the_folder() -> None:
    def seconds(count: int) -> float:
        lines = "".join(f"- [x] Step {n}\n" for n in range(count))
        task = task_of(**{"chore-tasks.md": "# Chore — Tasks\n\n## Phase 1: Work\n" + lines})
        start = time.perf_counter()
        assert finished(task) is not None
        return time.perf_counter() - start

    seconds(200)  # warm up
    small, large = seconds(2_000), seconds(20_000)
    assert large < small * 40 + 0.05  # ten times the input: far from a hundred times the time


# --- the rules that follow it -------------------------------------------------------------------


def findings(code: str, root: str = "dev/active", config: dict[str, object] | None = None,
             **files: str) -> list[Finding]:
    """The findings of rule *code* alone on one task folder (its severity from *config*, if given)."""
    snapshot = Snapshot({f"{root}/chore/{name}": text.encode() for name, text in files.items()})
    rules = [RULES_BY_CODE[code]()] if config is None else None
    result = review(snapshot, today=TODAY, rules=rules, config=load_config(config) if config else None, strict=True)
    return [f for task in result.tasks for f in task.findings if f.rule == code]


BARE_CONTEXT = "# Chore — Context\n\n## Decisions\n\nUse the existing queue.\n"
PLANNED = "# Chore — Plan\n\n**Status:** Planning\n\n## Summary\n\nMove the job to the queue.\n"


def test_fresh_work_is_asked_for_a_living_context_at_info_only_and_says_why() -> None:
    for code in ("CTX001", "CTX003", "CTX004"):
        files = {"chore-context.md": BARE_CONTEXT, "chore-tasks.md": OPEN, "chore-plan.md": PLANNED}
        (found,) = findings(code, **files)
        assert found.severity is Severity.INFO, code
        assert found.message.endswith("The work has not started yet (chore-plan.md says 'Planning' and no box is "
                                      "ticked), so this is only a suggestion."), code
        (under_way,) = findings(code, **{"chore-context.md": BARE_CONTEXT, "chore-tasks.md": HALF})
        assert under_way.severity > Severity.INFO and "not started" not in under_way.message, code


def test_a_severity_set_in_the_config_wins_over_the_state() -> None:
    files = {"chore-context.md": BARE_CONTEXT, "chore-tasks.md": OPEN}
    found = findings("CTX004", config={"rules": {"CTX004": {"severity": "high"}}}, **files)
    assert [f.severity for f in found] == [Severity.HIGH]


def test_finished_work_is_not_asked_for_estimates_criteria_order_or_a_timeline() -> None:
    plan = "# Chore — Plan\n\n**Status:** ✅ Complete\n\n### Phase 1: A (2 days)\n### Phase 2: B (3 days)\n"
    left = ("# Chore — Tasks\n\n## Phase 1: A\n- [ ] a1\n- [ ] a2\n\n## Phase 2: B\n- [ ] b1\n- [ ] b2\n\n"
            "## Phase 3: C\n- [ ] c1\n")
    for code in ("TSK004", "TSK006", "TSK007", "PLN004"):
        assert findings(code, "dev/archive", **{"chore-tasks.md": left, "chore-plan.md": plan}) == [], code
        going = plan.replace("✅ Complete", "In Progress")
        assert findings(code, **{"chore-tasks.md": left, "chore-plan.md": going}), code


def test_a_large_plan_under_way_with_no_risk_register_is_still_flagged() -> None:
    plan = ("# Chore — Plan\n\nTotal: 6 weeks\n\n## Summary\n\nMove every nightly job to the queue, one team "
            "at a time, without losing a run.\n\n## Current State\n\nCron on two hosts.\n\n## Phases\n\n"
            "### Phase 1: Reports (2 weeks)\n### Phase 2: Billing (4 weeks)\n\n## Success Metrics\n\n- No lost run.\n\n"
            "## Timeline\n\n- Phase 1 by March, Phase 2 by April.\n")
    context = "# Chore — Context\n\nLast Updated: 2026-01-14\n\n## Fire risk of the old host\n\nIt overheats.\n"
    (found,) = findings("PLN001", **{"chore-plan.md": plan, "chore-tasks.md": HALF, "chore-context.md": context})
    assert work_state(task_of(**{"chore-tasks.md": HALF})).state is WorkState.UNDER_WAY
    assert found.severity is Severity.MEDIUM and "'Risks and Mitigation'" in found.message
