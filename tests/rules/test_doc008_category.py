"""DOC008 is scored where the claim to correct is: the claiming file's category, when one file makes the claims."""

from __future__ import annotations

import datetime as dt

from rules.api import review
from rules.core.discovery import Snapshot
from rules.core.finding import Category
from rules.story.doc008_works_claim_while_untested import WorksClaimWhileUntested

PLAN = b"# Sync - Plan\n\n## Overview\n\nSync the library.\n"
CONTEXT_CLAIM = (b"# Sync - Context\n\n**Last Updated:** 2026-01-10\n\n## Current State\n\n"
                 b"The sync engine is production-ready.\n")
TASKS_UNTESTED = b"# Sync - Tasks\n\n- [x] Build the sync engine\n\n**Manual testing:** Not yet performed\n"
TASKS_CLAIM = b"# Sync - Tasks\n\n- [x] Build the sync engine, now fully functional\n"


def _categories(files: dict[str, bytes]) -> list[Category]:
    result = review(Snapshot(files), today=dt.date(2026, 1, 12), rules=[WorksClaimWhileUntested({})], strict=True)
    return [f.category for f in result.tasks[0].findings]


def test_a_claim_in_one_file_is_that_files_problem_wherever_the_testing_is_recorded() -> None:
    files = {"dev/active/sync/sync-plan.md": PLAN, "dev/active/sync/sync-context.md": CONTEXT_CLAIM,
             "dev/active/sync/sync-tasks.md": TASKS_UNTESTED}
    assert _categories(files) == [Category.CONTEXT]


def test_claims_in_two_files_are_a_consistency_problem() -> None:
    untested_context = CONTEXT_CLAIM + b"\n**Manual testing:** Not yet performed\n"
    files = {"dev/active/sync/sync-plan.md": PLAN, "dev/active/sync/sync-context.md": untested_context,
             "dev/active/sync/sync-tasks.md": TASKS_CLAIM}
    assert _categories(files) == [Category.CONSISTENCY]
