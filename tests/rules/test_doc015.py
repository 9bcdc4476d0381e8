"""DOC015 doc-volume-out-of-proportion names the files it counted in the right number."""

from __future__ import annotations

import datetime as dt

from rules.api import review
from rules.core.discovery import Snapshot
from rules.registry import RULES_BY_CODE


def test_one_file_is_one_file() -> None:
    context = "# Trim — Context\n\n**Estimated time:** 20 minutes\n\n" + "".join(f"- note {n}\n" for n in range(60))
    snapshot = Snapshot({"dev/active/trim/trim-context.md": context.encode()})

    rule = RULES_BY_CODE["DOC015"]({"min_lines": 50})  # the default floor (400 lines) is well above this
    result = review(snapshot, today=dt.date(2026, 1, 15), rules=[rule], strict=True)

    (message,) = [f.message for task in result.tasks for f in task.findings]
    assert message.startswith("64 lines of docs in 1 file for work the docs size at ")
