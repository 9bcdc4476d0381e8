"""The consistency rules name both places of a disagreement: the primary and ``related``."""

from __future__ import annotations

import datetime as dt

from rules.consistency.con001_item_status_conflict import ItemStatusConflict
from rules.consistency.con002_progress_claim_mismatch import ProgressClaimMismatch
from rules.consistency.con003_phase_coverage_mismatch import PhaseCoverageMismatch
from rules.consistency.con004_last_updated_dates_diverge import LastUpdatedDatesDiverge
from rules.core.discovery import Snapshot, discover
from rules.core.finding import Category, Finding, Location
from rules.core.model import TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.story.doc013_undated_plan_or_tasks import UndatedPlanOrTasks
from rules.tasks.tsk003_phase_status_contradicts_checkboxes import PhaseStatusContradictsCheckboxes

FOLDER = "dev/active/billing"
PLAN = f"{FOLDER}/billing-plan.md"
CONTEXT = f"{FOLDER}/billing-context.md"
TASKS = f"{FOLDER}/billing-tasks.md"


def _task(**files: str) -> TaskDocs:
    return discover(Snapshot({f"{FOLDER}/{name}": text.encode() for name, text in files.items()}))[0]


def _check(rule: Rule, task: TaskDocs) -> list[Finding]:
    return list(rule.check(task, RuleContext(dt.date(2026, 3, 1))))


def test_status_conflict_names_the_other_file_as_related() -> None:
    task = _task(**{
        "billing-context.md": "# Billing - Context\n\n## Progress\n\n- INV-4 invoice numbering ✅ COMPLETE\n",
        "billing-tasks.md": "# Billing - Tasks\n\n## Open\n\n- [ ] INV-4 Number invoices per tenant\n",
    })

    (found,) = _check(ItemStatusConflict(), task)

    assert (found.path, found.line, found.related) == (CONTEXT, 5, (Location(TASKS, 5),))


def test_progress_mismatch_points_at_an_open_box_when_the_claim_says_more_is_done() -> None:
    task = _task(**{
        "billing-context.md": "# Billing - Context\n\n**Progress:** 90% complete\n",
        "billing-tasks.md": "# Billing - Tasks\n\n- [x] Ledger table\n- [ ] Invoice API\n- [ ] Dunning emails\n",
    })

    (found,) = _check(ProgressClaimMismatch(), task)

    assert (found.path, found.line, found.related) == (CONTEXT, 3, (Location(TASKS, 4),))


def test_a_phase_marked_complete_names_its_first_open_box_as_related() -> None:
    task = _task(**{
        "billing-tasks.md": "# Billing - Tasks\n\n## Phase 2: API ✅ COMPLETE\n\n- [x] Add the endpoint\n"
                            "- [ ] Add rate limiting\n- [ ] Add paging\n",
    })

    (found,) = _check(PhaseStatusContradictsCheckboxes(), task)

    assert (found.path, found.line, found.related) == (TASKS, 3, (Location(TASKS, 6),))


def test_phase_coverage_lists_every_missing_phase_heading() -> None:
    task = _task(**{
        "billing-plan.md": "# Billing - Plan\n\n### Phase 1: Ledger\n\n### Phase 2: Invoices\n\n### Phase 3: Dunning\n",
        "billing-tasks.md": "# Billing - Tasks\n\n## Phase 1: Ledger\n\n- [ ] Ledger table\n",
    })

    (found,) = _check(PhaseCoverageMismatch(), task)

    assert (found.path, found.line, found.related) == (PLAN, 5, (Location(PLAN, 7),))


def test_diverging_dates_name_the_newest_file_as_related() -> None:
    task = _task(**{
        "billing-plan.md": "# Billing - Plan\n\nLast Updated: 2026-01-02\n",
        "billing-tasks.md": "# Billing - Tasks\n\n**Last Updated:** 2026-02-20\n",
    })

    (found,) = _check(LastUpdatedDatesDiverge(), task)

    assert (found.path, found.line, found.related) == (PLAN, 3, (Location(TASKS, 3),))


def test_a_finished_task_names_its_last_box_and_its_date_as_related() -> None:
    from rules.structure.str006_finished_task_still_active import FinishedTaskStillActive

    task = _task(**{
        "billing-tasks.md": ("# Billing - Tasks\n\n**Last Updated:** 2026-02-20\n\n## Phase 1\n\n"
                             "- [x] Number invoices\n- [x] Send reminders\n\n## Phase 2\n\n- [x] Export to CSV\n"),
    })

    (found,) = _check(FinishedTaskStillActive(), task)

    assert (found.path, found.line) == (TASKS, 7)
    assert found.related == (Location(TASKS, 12), Location(TASKS, 3))
    assert "'billing-tasks.md' last updated 2026-02-20" in found.message


def test_a_finished_task_names_its_closing_status_line_as_related() -> None:
    from rules.structure.str006_finished_task_still_active import FinishedTaskStillActive

    body = "\n".join(f"Step {n} was carried out and checked." for n in range(20))
    task = _task(**{"billing-context.md": f"# Billing - Context\n\n**Status:** ✅ Complete\n\n{body}\n\n"
                                          "**Status:** ✅ Complete and deployed\n"})

    (found,) = _check(FinishedTaskStillActive(), task)

    assert (found.path, found.line) == (CONTEXT, 3)
    assert found.related == (Location(CONTEXT, 26),)


def test_a_file_named_unlike_the_others_names_them_as_related() -> None:
    from rules.structure.str004_inconsistent_file_naming import InconsistentFileNaming

    task = _task(**{"billing-plan.md": "# Plan\n", "context.md": "# Context\n", "tasks.md": "# Tasks\n"})

    (found,) = _check(InconsistentFileNaming(), task)

    assert (found.path, found.line) == (PLAN, 1)
    assert found.related == (Location(f"{FOLDER}/context.md", 1), Location(f"{FOLDER}/tasks.md", 1))


def test_undated_plan_and_tasks_beside_a_dated_context_are_a_gap_between_the_files() -> None:
    plan = "# Billing - Plan\n\n## Phases\n\n1. Invoice writer\n"
    tasks = "# Billing - Tasks\n\n- [x] Invoice writer\n"
    dated = _task(**{"billing-plan.md": plan, "billing-tasks.md": tasks,
                     "billing-context.md": "# Billing - Context\n\n## Session Progress (2026-02-20)\n\nWriter done.\n"})
    undated = _task(**{"billing-plan.md": plan, "billing-tasks.md": tasks,
                       "billing-context.md": "# Billing - Context\n\n## Session Progress\n\nWriter done.\n"})

    (gap,) = _check(UndatedPlanOrTasks(), dated)
    (alone,) = _check(UndatedPlanOrTasks(), undated)

    assert gap.category is Category.CONSISTENCY and "dated 2026-02-20 (line 3)" in gap.message
    assert Location(CONTEXT, 3) in gap.related and Location(TASKS, 1) in gap.related
    assert alone.category is Category.PLAN
