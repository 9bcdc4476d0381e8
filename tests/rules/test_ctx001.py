"""CTX001 missing-last-updated: a context dated only by its session heading."""

from __future__ import annotations

import datetime as dt

from rules.api import review
from rules.core.discovery import Snapshot
from rules.core.finding import Severity
from rules.registry import RULES_BY_CODE

CONTEXT = b"# Billing\n\n## Session Progress (2026-01-12)\n\nInvoice export merged.\n"


def _findings(files: dict[str, bytes]) -> list:
    result = review(Snapshot(files), today=dt.date(2026, 1, 15), rules=[RULES_BY_CODE["CTX001"]()], strict=True)
    return [f for task in result.tasks for f in task.findings]


def test_a_context_dated_only_by_its_session_heading_is_low() -> None:
    tasks = b"# Billing tasks\n\n- [x] Invoice export\n- [ ] Tax rounding\n"

    (finding,) = _findings({"dev/active/billing/billing-context.md": CONTEXT,
                            "dev/active/billing/billing-tasks.md": tasks})

    assert (finding.line, finding.severity) == (3, Severity.LOW)
    assert finding.message == (
        "Context 'billing-context.md' has no `Last Updated:` line; only its heading 'Session Progress "
        "(2026-01-12)' carries a date, which says when that session's notes began, not when the file last changed.")


def test_before_any_work_it_is_info() -> None:
    tasks = b"# Billing tasks\n\n- [ ] Invoice export\n- [ ] Tax rounding\n"

    (finding,) = _findings({"dev/active/billing/billing-context.md": CONTEXT,
                            "dev/active/billing/billing-tasks.md": tasks})

    assert finding.severity is Severity.INFO
