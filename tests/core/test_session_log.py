"""A context kept as a session log is dated, and says where the work stands, by its newest entry."""

from __future__ import annotations

from rules.core.model import Role
from rules.core.parse import parse_document
from rules.core.sections import newest_log_entry

LOG = """# Progress Log

## Session: 2026-01-12

- Alias swap started.

### Benchmark (2026-01-20)

- A note's date, not an entry's.

## Session: 2026-01-09

- Batch reader written.
"""


def _doc(name: str, role: Role, text: str = LOG):
    return parse_document(f"dev/active/search/{name}", text, role)


def test_the_newest_top_level_dated_entry_of_the_log_that_plays_the_context() -> None:
    entry = newest_log_entry(_doc("progress.md", Role.CONTEXT))

    assert entry is not None and entry.title == "Session: 2026-01-12"  # newest by date, not by place


def test_a_file_named_context_a_plan_or_an_undated_log_has_no_log_entry() -> None:
    assert newest_log_entry(_doc("context.md", Role.CONTEXT)) is None  # keeps its own Last Updated
    assert newest_log_entry(_doc("plan.md", Role.PLAN)) is None
    assert newest_log_entry(_doc("progress.md", Role.EXTRA)) is None  # beside a context file: an extra
    assert newest_log_entry(_doc("log.md", Role.CONTEXT, "# Log\n\n## Setup\n\n- Done.\n")) is None
