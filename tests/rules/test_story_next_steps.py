"""DOC018 next-step-already-done beside DOC006: which items count as done, and who reports a list."""

from __future__ import annotations

import datetime as dt

from rules.api import review
from rules.core.discovery import Snapshot
from rules.core.finding import Finding
from rules.registry import RULES_BY_CODE
from tests.rules.harness import FIXTURES, load_fixture

TODAY = dt.date(2026, 1, 15)


def _run(code: str, files: dict[str, str]) -> list[Finding]:
    snapshot = Snapshot({f"dev/active/demo/{name}": text.encode() for name, text in files.items()})
    result = review(snapshot, today=TODAY, rules=[RULES_BY_CODE[code]({})])
    return [f for task in result.tasks for f in task.findings]


def _fixture(code: str, name: str) -> list[Finding]:
    result = review(Snapshot(load_fixture(FIXTURES / "DOC018" / name)), today=TODAY, rules=[RULES_BY_CODE[code]({})])
    return [f for task in result.tasks for f in task.findings]


TASKS = """# Demo — Tasks

## Phase 1: Parsing

- [x] Write the CSV parser for bank exports
- [x] Terrain palette
- [ ] Transit line colours

## Phase 2: Styles ✅ COMPLETE

- [x] Satellite source
"""


def test_doc006_reports_the_next_steps_section_and_doc018_leaves_it() -> None:
    doc006 = _fixture("DOC006", "pass_log_and_doc006")
    assert [(f.path.rsplit("/", 1)[-1], f.line) for f in doc006] == [("relay-plan.md", 15)]
    assert _fixture("DOC018", "pass_log_and_doc006") == []


def test_one_finding_per_list_naming_each_item_and_where_it_is_done() -> None:
    found = _run("DOC018", {"demo-tasks.md": TASKS, "demo-context.md": (
        "# Demo — Context\n\n## Next Steps\n\n1. Write the CSV parser for bank exports\n"
        "2. Complete Phase 2: styles\n3. Ship the importer\n")})
    assert len(found) == 1
    finding = found[0]
    assert (finding.line, finding.category.value) == (5, "context")
    assert [(r.path.rsplit("/", 1)[-1], r.line) for r in finding.related] == [
        ("demo-tasks.md", 5), ("demo-context.md", 6), ("demo-tasks.md", 9)]
    assert finding.message.startswith("2 items under 'Next Steps' name work the folder reports done")


def test_an_enumeration_is_done_only_when_every_entry_is() -> None:
    context = "# Demo — Context\n\n## TODO\n\n- Render the map styles ({})\n"
    assert _run("DOC018", {"demo-tasks.md": TASKS, "demo-context.md": context.format("terrain, satellite")})
    assert not _run("DOC018", {"demo-tasks.md": TASKS, "demo-context.md": context.format("terrain, transit")})


def test_a_phase_of_the_same_number_with_another_title_is_not_done() -> None:
    context = "# Demo — Context\n\n**Next steps:**\n\n- Begin Phase 2: {}\n"
    assert _run("DOC018", {"demo-tasks.md": TASKS, "demo-context.md": context.format("styles")})
    assert not _run("DOC018", {"demo-tasks.md": TASKS, "demo-context.md": context.format("exports")})
    assert not _run("DOC018", {"demo-tasks.md": TASKS, "demo-context.md": context.format("styles testing")})


def test_a_list_under_a_section_doc006_reports_is_left_to_it() -> None:
    files = {"demo-tasks.md": TASKS, "demo-plan.md": (
        "# Demo — Plan\n\n**Status:** In Progress\n\n## Next Steps\n\n1. Start Phase 2\n\n"
        "### This week\n\n- Write the CSV parser for bank exports\n\n**Next actions:**\n\n"
        "- Write the CSV parser for bank exports\n")}
    assert [f.line for f in _run("DOC006", files)] == [7]
    assert _run("DOC018", files) == []
    files["demo-plan.md"] = files["demo-plan.md"].replace("Start Phase 2", "Start Phase 3")
    assert [f.line for f in _run("DOC018", files)] == [11]
