"""Property-based tests: arbitrary text in every role never crashes the parser or any rule."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules.api import review
from rules.core.discovery import Snapshot
from rules.core.model import Role
from rules.core.parse import parse_document

MARKDOWN_BITS = st.sampled_from([
    "# ", "## Phase 1: ", "### ", "- [ ] ", "- [x] ", "  - [ ] ", "| a | b |\n|---|---|\n", "```\n", "> ",
    "✅", "⏳", "🟡", "COMPLETE", "PENDING", "(2h)", "30 min", "2-3 hours", "Effort: M", "95% complete",
    "5.5/6 complete (92%)", "Last Updated: 2025-11-11", "CRITICAL-6", "Phase 3", "1.2 ", "[link](../x.md)",
    "<!-- devdocs-review-disable CTX001 reason=\"x\" until=2020-01-01 -->", "postgresql://u:p@h/db",
    "\n", "\n\n", "\t", "*", "_", "`", "|", "[", "]", "\r\n", "\x00", "\ufeff",
])
DOCS = st.lists(st.one_of(MARKDOWN_BITS, st.text(max_size=30)), max_size=60).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=DOCS, role=st.sampled_from(list(Role)))
def test_parser_accepts_any_text(text: str, role: Role) -> None:
    doc = parse_document("dev/active/t/t-plan.md", text, role)

    assert all(1 <= s.line <= s.end_line for s in doc.sections)
    assert all(1 <= item.line <= max(1, len(doc.lines)) for item in doc.items)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=DOCS, context=DOCS, tasks=DOCS, raw=st.binary(max_size=200))
def test_every_rule_accepts_any_documents(plan: str, context: str, tasks: str, raw: bytes) -> None:
    files = {
        "dev/active/t/t-plan.md": plan.encode("utf-8", "surrogatepass"),
        "dev/active/t/t-context.md": context.encode("utf-8", "surrogatepass"),
        "dev/active/t/t-tasks.md": tasks.encode("utf-8", "surrogatepass"),
        "dev/active/t/t-notes.md": raw,
        "dev/archive/old/old-plan.md": raw,
    }

    result = review(Snapshot(files), today=dt.date(2026, 1, 15), strict=True)

    assert 0 <= result.score <= 100
    for task in result.tasks:
        assert all(0 <= c.score <= 100 for c in task.categories)
        assert all(f.line >= 1 for f in task.findings)
