"""DOC059 relative-time-reference: one finding per task, quoting the first line and counting the rest."""

from __future__ import annotations

import datetime as dt

from rules.api import review
from rules.core.discovery import Snapshot
from rules.registry import RULES_BY_CODE


def test_every_relative_line_of_the_task_is_one_finding() -> None:
    snapshot = Snapshot({
        "dev/active/mobile/mobile-context.md": b"# Mobile\n\n## Timeline\n\n1. Yesterday: the refactor landed.\n",
        "dev/active/mobile/mobile-tasks.md": b"# Mobile\n\n- [ ] Rerun the suite tomorrow\n- [ ] Recheck 3 hours ago\n",
    })

    result = review(snapshot, today=dt.date(2026, 1, 15), rules=[RULES_BY_CODE["DOC059"]()], strict=True)

    (finding,) = [f for task in result.tasks for f in task.findings]
    assert finding.message == ("'1. Yesterday: the refactor landed.' dates something relative to when it was written "
                               "(and 2 more such lines): once that moment has passed, no reader can tell when it was.")
    assert [(r.path.rsplit("/", 1)[-1], r.line) for r in finding.related] == [("mobile-tasks.md", 3),
                                                                             ("mobile-tasks.md", 4)]
