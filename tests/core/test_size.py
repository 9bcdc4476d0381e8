"""The size of the work as the folder states it (rules/core/size.py) and the rules it scales."""

from __future__ import annotations

import datetime as dt

import pytest

from rules.api import review
from rules.core.config import load_config
from rules.core.discovery import Snapshot, discover
from rules.core.finding import Category, Finding, Severity
from rules.core.model import TaskDocs
from rules.core.sections import file_date, header_date, header_lines
from rules.core.size import SESSION_HOURS, is_small, stated_total, work_size
from rules.registry import RULES_BY_CODE

TODAY = dt.date(2026, 1, 15)


def task_of(**files: str) -> TaskDocs:
    snapshot = Snapshot({f"dev/active/chore/{name}": text.encode() for name, text in files.items()})
    return discover(snapshot)[0]


def findings(code: str, **files: str) -> list[Finding]:
    """The findings of rule *code* alone (default options and severity) on one task folder."""
    snapshot = Snapshot({f"dev/active/chore/{name}": text.encode() for name, text in files.items()})
    result = review(snapshot, today=TODAY, rules=[RULES_BY_CODE[code]()], strict=True)
    return [f for task in result.tasks for f in task.findings if f.rule == code]


# --- how big the folder says the work is ---------------------------------------------------------


def test_a_stated_total_sizes_the_work() -> None:
    task = task_of(**{"chore-plan.md": "# Chore\n\n## Scope\n\nTotal effort: 2-3 hours\n"})
    size = work_size(task)
    assert size is not None and size.hours == 3 and size.line == 5
    assert "Total effort: 2-3 hours" in size.text
    found = stated_total(task)
    assert found is not None and found[1].minutes_high == 180


def test_a_part_or_time_spent_is_not_a_total_and_a_phase_total_does_not_count() -> None:
    plan = ("# Chore\n\n## Phase 1: Prepare\n\nTotal: 30 hours\n\n## Notes\n\n"
            "Phase 2 total: 6 hours\nTotal spent so far: 1 hour\nTotal remaining: 2 hours\n")
    task = task_of(**{"chore-plan.md": plan})
    assert stated_total(task) is None
    assert work_size(task) is None


@pytest.mark.parametrize("label", ["**Duration**: ~20 minutes", "Time spent: 2h", "- Effort: 1 day",
                                   "Total time: 90 min", "> Time taken: 3 hours"])
def test_a_duration_label_in_the_header_sizes_the_work(label: str) -> None:
    task = task_of(**{"chore-context.md": f"# Chore — Context\n\n{label}\n\n## What changed\n\nA thing.\n"})
    size = work_size(task)
    assert size is not None and size.line == 3
    assert size.hours == {"**": 20 / 60, "Ti": 2, "- ": 8, "To": 1.5, "> ": 3}[label[:2]]


@pytest.mark.parametrize("label", ["Duration: 2h per phase", "Time spent: 1h so far", "Effort: 3 hours remaining",
                                   "Phase 1 duration: 2 hours", "Time: 30 min a day"])
def test_a_part_a_rate_or_a_remainder_in_the_header_is_not_the_size(label: str) -> None:
    task = task_of(**{"chore-context.md": f"# Chore — Context\n\n{label}\n\n## What changed\n\nA thing.\n"})
    assert work_size(task) is None


def test_a_metadata_block_under_the_first_heading_is_the_header() -> None:
    context = ("# Chore — Session\n\n## Session Summary\n\n**Date**: November 3, 2025\n**Duration**: ~20 minutes\n"
               "**Status**: ✅ Done\n\n---\n\n## What changed\n\nDuration: 9 hours of CI time saved\n")
    task = task_of(**{"chore-context.md": context})
    doc = task.context
    assert doc is not None
    assert list(header_lines(doc)) == list(range(1, 11))
    size = work_size(task)
    assert size is not None and size.hours == pytest.approx(1 / 3) and size.line == 6  # not the body's 9 hours
    ref = header_date(doc)
    assert ref is not None and ref.date == dt.date(2025, 11, 3) and file_date(doc) == ref


def test_a_first_section_with_prose_is_not_the_header() -> None:
    context = "# Chore\n\n## Background\n\nWe need this.\nDuration: 20 minutes\n\n## Next\n\nx\n"
    task = task_of(**{"chore-context.md": context})
    assert task.context is not None and list(header_lines(task.context)) == [1, 2]
    assert work_size(task) is None


def test_a_phase_duration_is_never_the_size_of_the_work() -> None:
    plan = "# Chore\n\n## Phase 1: Prepare\n\nDuration: 2 hours\n\n## Phase 2: Ship\n\nDuration: 40 hours\n"
    assert work_size(task_of(**{"chore-plan.md": plan})) is None


def test_every_estimated_item_sums_to_the_size() -> None:
    tasks = "# Chore — Tasks\n\n- [ ] Drop the old flag (30 min)\n  - [ ] grep for it\n- [x] Update docs (1-2h)\n"
    size = work_size(task_of(**{"chore-tasks.md": tasks}))
    assert size is not None and size.hours == 2.5 and "2 tasks" in size.text


def test_an_unestimated_item_leaves_the_sum_unknown() -> None:
    tasks = "# Chore — Tasks\n\n- [ ] Drop the old flag (30 min)\n- [ ] Update docs\n- [ ] Release (M)\n"
    assert work_size(task_of(**{"chore-tasks.md": tasks})) is None


def test_the_largest_stated_figure_is_the_size() -> None:
    context = "# Chore — Context\n\nTime spent: 1h\n\n## State\n\nHalf done.\n"
    plan = "# Chore — Plan\n\n## Estimate\n\nTotal: 12 hours\n"
    size = work_size(task_of(**{"chore-context.md": context, "chore-plan.md": plan}))
    assert size is not None and size.hours == 12
    assert not is_small(task_of(**{"chore-context.md": context, "chore-plan.md": plan}))


@pytest.mark.parametrize(("value", "small"), [("4 hours", True), ("4.5 hours", False), ("1 day", False),
                                               ("15 min", True)])
def test_small_is_at_most_one_session(value: str, small: bool) -> None:
    task = task_of(**{"chore-plan.md": f"# Chore\n\nEffort: {value}\n"})
    assert (is_small(task) is not None) is small
    assert SESSION_HOURS == 4


def test_a_t_shirt_size_is_not_a_duration() -> None:
    assert work_size(task_of(**{"chore-plan.md": "# Chore\n\nEffort: S\n"})) is None


def test_nothing_stated_is_unknown() -> None:
    assert work_size(task_of(**{"chore-plan.md": "# Chore\n\n## Overview\n\nDo the thing.\n"})) is None


# --- the rules it scales ---------------------------------------------------------------------------

SMALL_PLAN = "# Chore — Plan\n\nTotal: 2 hours\n"
BIG_PLAN = "# Chore — Plan\n\nTotal: 20 hours\n"
UNSIZED_PLAN = "# Chore — Plan\n\nOwner: infra\n"
CONTEXT = "# Chore — Context\n\nLast Updated: 2026-01-14\n\n## Current State\n\nStarted.\n"
TASKS = "# Chore — Tasks\n\n- [ ] One\n- [ ] Two\n"


def _by_key(found: list[Finding]) -> dict[str, Severity]:
    return {f.key: f.severity for f in found}


def test_pln001_asks_small_work_for_overview_and_phases_only() -> None:
    found = findings("PLN001", **{"chore-plan.md": SMALL_PLAN, "chore-context.md": CONTEXT, "chore-tasks.md": TASKS})
    assert _by_key(found) == {"sections": Severity.HIGH, "suggested-sections": Severity.INFO}
    needed = next(f for f in found if f.key == "sections")
    assert needed.message.startswith(
        "Plan 'chore-plan.md' has no 'Executive Summary' or 'Implementation Phases' sections")
    suggested = next(f for f in found if f.key == "suggested-sections")
    assert suggested.message.startswith(
        "Plan 'chore-plan.md' has no 'Current State', 'Risks and Mitigation', 'Success Metrics' or 'Timeline' sections")
    assert suggested.message.endswith(" The docs size the work at one working session or less ('Total: 2 hours', 2 h),"
                                      " so these are only a suggestion.")


@pytest.mark.parametrize("plan", [BIG_PLAN, UNSIZED_PLAN])
def test_pln001_keeps_its_severities_for_larger_or_unsized_work(plan: str) -> None:
    found = findings("PLN001", **{"chore-plan.md": plan, "chore-context.md": CONTEXT, "chore-tasks.md": TASKS})
    assert _by_key(found) == {"sections": Severity.HIGH}  # one finding naming all six, at the worst severity
    for heading in ("Executive Summary", "Implementation Phases", "Current State", "Risks and Mitigation",
                    "Success Metrics", "Timeline"):
        assert f"'{heading}'" in found[0].message
    assert not any("one working session" in f.message for f in found)


@pytest.mark.parametrize(("code", "present"), [("STR001", {"chore-context.md": "# C\n\nDuration: 30 min\n"}),
                                               ("STR003", {"chore-plan.md": SMALL_PLAN})])
def test_a_missing_plan_or_task_list_of_one_session_work_is_low(code: str, present: dict[str, str]) -> None:
    files = {"chore-context.md": CONTEXT, "chore-tasks.md": TASKS, "chore-plan.md": SMALL_PLAN, **present}
    files.pop("chore-plan.md" if code == "STR001" else "chore-tasks.md")
    if code == "STR001":
        files["chore-context.md"] = "# Chore — Context\n\nDuration: 30 min\nLast Updated: 2026-01-14\n"
    (finding,) = findings(code, **files)
    assert finding.severity is Severity.LOW and finding.penalty is None
    assert "one working session" in finding.message
    snapshot = Snapshot({f"dev/active/chore/{name}": text.encode() for name, text in files.items()})
    report = review(snapshot, today=TODAY, rules=[RULES_BY_CODE[code]()], strict=True).tasks[0]
    category = Category.PLAN if code == "STR001" else Category.TASKS
    assert report.category(category).score > 0  # not zeroed


def test_a_missing_plan_of_unsized_work_stays_critical() -> None:
    (finding,) = findings("STR001", **{"chore-context.md": CONTEXT, "chore-tasks.md": TASKS})
    assert finding.severity is Severity.CRITICAL and finding.penalty == 100


def test_the_repo_config_severity_wins_over_the_scaling() -> None:
    files = {"chore-plan.md": "# Chore — Plan\n\nTotal: 2 hours\n\n## Risks\n\n- The cache may go cold.\n",
             "chore-context.md": CONTEXT, "chore-tasks.md": TASKS}
    (scaled,) = findings("PLN003", **files)
    assert scaled.severity is Severity.INFO and "one working session" in scaled.message
    snapshot = Snapshot({f"dev/active/chore/{name}": text.encode() for name, text in files.items()})
    config = load_config({"rules": {"PLN003": {"severity": "high"}}})
    result = review(snapshot, today=TODAY, config=config, strict=True)
    (kept,) = [f for f in result.tasks[0].findings if f.rule == "PLN003"]
    assert kept.severity is Severity.HIGH and "one working session" not in kept.message


def test_task_list_expectations_are_info_for_one_session_work() -> None:
    tasks = ("# Chore — Tasks\n\nTotal: 3 hours\n\n## Phase 1: A\n\n- [ ] a1\n- [ ] a2\n\n## Phase 2: B\n\n"
             "- [ ] b1\n- [ ] b2\n\n## Phase 3: C\n\n- [ ] c1\n- [ ] c2\n")
    for code in ("TSK004", "TSK006", "TSK007"):
        found = findings(code, **{"chore-tasks.md": tasks, "chore-context.md": CONTEXT})
        assert found and all(f.severity is Severity.INFO for f in found), code
        big = findings(code, **{"chore-tasks.md": tasks.replace("3 hours", "30 hours"), "chore-context.md": CONTEXT})
        assert big and all(f.severity > Severity.INFO for f in big), code


def test_one_session_work_gets_a_short_plan_scaffold_and_none_for_suggestions() -> None:
    small = {"chore-context.md": "# Chore — Context\n\nDuration: 30 min\nLast Updated: 2026-01-14\n",
             "chore-tasks.md": TASKS}
    snapshot = Snapshot({f"dev/active/chore/{name}": text.encode() for name, text in small.items()})
    (report,) = review(snapshot, today=TODAY, strict=True).tasks
    (plan,) = [s for s in report.scaffolds if s.path.endswith("-plan.md")]
    assert "## Implementation Phases" in plan.body and "Risk" not in plan.body

    sized = {"chore-plan.md": SMALL_PLAN, "chore-context.md": CONTEXT, "chore-tasks.md": TASKS}
    snapshot = Snapshot({f"dev/active/chore/{name}": text.encode() for name, text in sized.items()})
    (report,) = review(snapshot, today=TODAY, strict=True).tasks
    titles = " ".join(s.title for s in report.scaffolds)
    assert "Risk" not in titles and "Success" not in titles
    unsized = {**sized, "chore-plan.md": UNSIZED_PLAN}
    snapshot = Snapshot({f"dev/active/chore/{name}": text.encode() for name, text in unsized.items()})
    (report,) = review(snapshot, today=TODAY, strict=True).tasks
    assert "Risk" in " ".join(s.title for s in report.scaffolds)


def test_the_exemplar_is_a_complete_doc_set_when_there_is_one() -> None:
    files = {
        "dev/active/tiny/tiny-context.md": "# Tiny — Context\n\nDuration: 15 min\nLast Updated: 2026-01-14\n\n"
                                           "## Current State\n\nDone.\n\n## Next Steps\n\n- Nothing.\n",
        "dev/active/full/full-plan.md": SMALL_PLAN.replace("Total", "Status: open\n\nTotal"),
        "dev/active/full/full-context.md": CONTEXT,
        "dev/active/full/full-tasks.md": TASKS,
        "dev/active/other/other-plan.md": UNSIZED_PLAN,
    }
    result = review(Snapshot({p: t.encode() for p, t in files.items()}), today=TODAY, strict=True)
    reports = {t.name: t for t in result.tasks}
    assert reports["tiny"].score > reports["full"].score  # the context-only task scores best ...
    comparison = reports["other"].comparison
    assert comparison is not None and comparison.exemplar == "dev/active/full"  # ... but the model is complete


@pytest.mark.parametrize(("total", "small"), [("2 hours", True), ("2 days", False)])
def test_phase_details_and_timeline_summary_are_info_for_one_session_work(total: str, small: bool) -> None:
    plan = (f"# Chore — Plan\n\nTotal: {total}\n\n## Phase 1: Prepare (1h)\n\nSome words.\n\n"
            "## Phase 2: Ship (1h)\n\nMore words.\n")
    files = {"chore-plan.md": plan, "chore-context.md": CONTEXT, "chore-tasks.md": TASKS}
    for code in ("PLN002", "PLN004"):
        found = findings(code, **files)
        assert found, code
        assert all((f.severity is Severity.INFO) is small for f in found), code
