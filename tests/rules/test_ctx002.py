"""CTX002 stale-context says how far behind the context is, in days counted right."""

from __future__ import annotations

import datetime as dt

from rules.api import review
from rules.core.discovery import Snapshot
from rules.registry import RULES_BY_CODE


def test_a_context_one_day_behind_the_tasks_is_one_day_behind() -> None:
    snapshot = Snapshot({
        "dev/active/sync/sync-context.md": b"# Sync - Context\n\n**Last Updated:** 2025-11-04\n",
        "dev/active/sync/sync-tasks.md": b"# Sync - Tasks\n\n**Last Updated:** 2025-11-05\n\n- [ ] Retry\n",
    })

    result = review(snapshot, today=dt.date(2025, 11, 30), rules=[RULES_BY_CODE["CTX002"]()], strict=True)

    (message,) = [f.message for task in result.tasks for f in task.findings]
    assert message == ("Context was last updated on 2025-11-04, 26 days before the review date (limit 14) and "
                       "1 day behind 'sync-tasks.md' (dated 2025-11-05).")
