"""Issue 9 item 9: PLN001 and TSK006 report one finding per file, every place of it kept."""

from __future__ import annotations

import datetime as dt
import re

from rules.api import review
from rules.core.config import load_config
from rules.core.discovery import Snapshot
from rules.core.finding import Finding, Location, Severity
from rules.core.scoring import combined_penalty
from rules.registry import RULES_BY_CODE

TODAY = dt.date(2026, 1, 15)
TASKS = ("# Feed — Tasks\n\n## Phase 1: Episodes\n\n- [ ] Store the audio\n- [ ] Read the notes\n\n"
         "## Phase 2: Feed\n\n- [ ] Render the RSS\n\n## Phase 3: Listing\n\n- [ ] Submit the feed\n")


def findings(code: str, config: dict[str, object] | None = None, **files: str) -> list[Finding]:
    snapshot = Snapshot({f"dev/active/feed/{name}": text.encode() for name, text in files.items()})
    rules = None if config else [RULES_BY_CODE[code]()]
    result = review(snapshot, today=TODAY, rules=rules, config=load_config(config) if config else None, strict=True)
    return [f for task in result.tasks for f in task.findings if f.rule == code]


def test_tsk006_names_every_phase_once_with_each_heading_a_related_place() -> None:
    (found,) = findings("TSK006", **{"feed-tasks.md": TASKS})

    assert found.line == 3 and found.related == (Location("dev/active/feed/feed-tasks.md", 8),
                                                 Location("dev/active/feed/feed-tasks.md", 12))
    assert found.message.startswith("3 phases of feed-tasks.md have open tasks and no acceptance or verification "
                                    "criteria: 'Phase 1: Episodes' (2 open tasks, first: 'Store the audio'); ")
    assert found.severity is Severity.MEDIUM
    assert found.penalty == combined_penalty([Severity.MEDIUM] * 3) == 30  # what three findings would deduct
    more = TASKS.replace("- [ ] Render the RSS\n", "- [ ] Render the RSS\n- [ ] Add the artwork\n")
    (grown,) = findings("TSK006", **{"feed-tasks.md": more})
    assert grown.message != found.message and grown.fingerprint == found.fingerprint  # waivers and deltas hold


def test_a_configured_severity_drops_the_combined_penalty() -> None:
    found = findings("TSK006", config={"rules": {"TSK006": {"severity": "low"}}}, **{"feed-tasks.md": TASKS})

    assert [(f.severity, f.penalty) for f in found] == [(Severity.LOW, None)]


def test_pln001_keeps_the_timeline_place_as_a_related_location() -> None:
    plan = "# Feed — Plan\n\nShip the podcast feed.\n\n## Steps\n\n1. Episodes\n2. Feed\n"

    (found,) = findings("PLN001", **{"feed-plan.md": plan, "feed-tasks.md": TASKS})

    assert found.line == 1 and found.related == (Location("dev/active/feed/feed-plan.md", 5),)
    assert "'Timeline'" in found.message and "'Risks and Mitigation'" in found.message
    assert found.severity is Severity.HIGH  # the worst of them: the overview (a lead of under eight words)
    assert found.penalty == combined_penalty([Severity.HIGH, *[Severity.MEDIUM] * 3, Severity.LOW, Severity.LOW])


def test_pln001_with_one_missing_section_reads_as_before() -> None:
    plan = ("# Feed — Plan\n\n## Summary\n\nShip the podcast feed.\n\n## Current State\n\nNone yet.\n\n"
            "## Phases\n\n### Phase 1: Episodes\n### Phase 2: Feed\n\n## Success Metrics\n\n- Listed in two apps.\n\n"
            "## Related\n\n- The tasks file beside this plan.\n")

    (found,) = findings("PLN001", **{"feed-plan.md": plan, "feed-tasks.md": TASKS})

    assert found.message == ("Plan 'feed-plan.md' has no 'Risks and Mitigation' section "
                             "(each risk with likelihood, impact and mitigation).")
    assert (found.severity, found.penalty, found.related) == (Severity.MEDIUM, None, ())


def test_ctx007_names_every_oversized_section_once() -> None:
    entry = "".join(f"- step {n} done\n" for n in range(160))
    context = ("# Feed — Context\n\n**Last Updated:** 2026-01-15\n\n## Current State\n\nFeed renders.\n\n"
               + "".join(f"## Session {n}\n\n{entry}\n" for n in (1, 2, 3)))

    (found,) = findings("CTX007", **{"feed-context.md": context})

    starts = [n for n, line in enumerate(context.splitlines(), start=1) if line.startswith("## Session")]
    assert found.line == starts[0]
    assert found.related == tuple(Location("dev/active/feed/feed-context.md", n) for n in starts[1:])
    assert found.message.startswith("3 sections are longer than 150 lines: 'Session 1' (")
    assert found.penalty == combined_penalty([Severity.LOW] * 3)
    (one,) = findings("CTX007", **{"feed-context.md": context.split("## Session 2")[0]})
    assert one.message.startswith("Section 'Session 1' is ") and one.related == () and one.penalty is None


def test_ctx008_names_every_copy_of_a_paragraph_once() -> None:
    stamp = "**Session ID:** 20260106-1517 **Branch:** feed/loop **Started by:** the nightly agent loop"
    entries = "".join(f"## Iteration {n}\n\n{stamp}\n\n- step {n} done\n\n" for n in range(4))
    context = "# Feed — Context\n\n" + entries

    (found,) = findings("CTX008", **{"feed-context.md": context})

    lines = [n for n, line in enumerate(context.splitlines(), start=1) if line == stamp]
    assert found.line == lines[1]
    assert found.related == tuple(Location("dev/active/feed/feed-context.md", n) for n in (lines[0], *lines[2:]))
    assert found.message.endswith(f"appears 4 times (lines {', '.join(map(str, lines))}).")
    assert found.penalty is None  # scored once, like any repeat


def test_pln003_names_every_unmitigated_risk_of_a_section_once() -> None:
    plan = ("# Feed — Plan\n\n## Risks\n\n- Customers schedule exports at the same minute\n"
            "- Bucket permissions drift between regions\n- Large feeds time out → stream them in pages\n"
            "- Podcast apps cache stale artwork\n")

    (found,) = findings("PLN003", **{"feed-plan.md": plan})

    assert found.line == 5
    assert found.related == (Location("dev/active/feed/feed-plan.md", 6), Location("dev/active/feed/feed-plan.md", 8))
    assert found.message == ("3 risks under 'Risks' have no mitigation: 'Customers schedule exports at the same "
                             "minute'; 'Bucket permissions drift between regions'; 'Podcast apps cache stale artwork'.")
    assert found.penalty == combined_penalty([Severity.MEDIUM] * 3)
    (low,) = findings("PLN003", config={"rules": {"PLN003": {"severity": "low"}}}, **{"feed-plan.md": plan})
    assert (low.severity, low.penalty) == (Severity.LOW, None)


def test_doc048_names_every_stale_focus_line_of_a_file_once() -> None:
    tasks = ("# Feed — Tasks\n\n**Current Focus**: Phase 2 - Feed\n\n## Phase 1: Episodes ✅ COMPLETE\n\n"
             "- [x] Store the audio\n\n## Phase 2: Feed ✅ COMPLETE\n\n- [x] Render the RSS\n\n"
             "## Session 3\n\nCurrently working on: Phase 1 (episodes)\n")

    (found,) = findings("DOC048", **{"feed-tasks.md": tasks})

    path = "dev/active/feed/feed-tasks.md"
    assert found.line == 3 and found.message.endswith("; so do line 15 (Phase 1).")
    assert found.related == (Location(path, 9), Location(path, 15), Location(path, 5))
    assert found.penalty == combined_penalty([Severity.LOW] * 2)


def test_pln002_reports_the_plans_phase_gaps_as_one_finding_scored_as_the_separate_ones() -> None:
    phases = "".join(f"### Phase {n}: Step {n}{' (1 day)' if n == 7 else ''} ⏳\n\n**Goal:** step {n} works.\n"
                     "**Acceptance criteria:** it does.\n\n" for n in range(1, 8))
    plan = "# Feed — Plan\n\n## Phases\n\n" + phases

    (found,) = findings("PLN002", **{"feed-plan.md": plan})

    lines = [n for n, text in enumerate(plan.splitlines(), start=1) if text.startswith("### Phase")]
    assert (found.line, [place.line for place in found.related]) == (lines[0], lines[1:6])
    assert found.message.startswith("Phase 'Phase 1: Step 1 ⏳' has no duration. Phase 'Phase 2: Step 2 ⏳' has no "
                                    "duration.")
    assert found.message.endswith("Phase 'Phase 5: Step 5 ⏳' has no duration. 1 more phase lacks details too.")
    assert found.penalty == combined_penalty([Severity.MEDIUM] * 6) and found.effort_minutes == 30
    fewer = plan.replace("Step 2 ⏳", "Step 2 (1 day) ⏳").replace("Step 3 ⏳", "Step 3 (1 day) ⏳")
    (grown,) = findings("PLN002", **{"feed-plan.md": fewer})
    assert grown.fingerprint == found.fingerprint and len(grown.related) == 3  # waivers and deltas hold


CHECKLIST = ("# Feed — Tasks\n\n**Progress:** 90% complete\n\n"
             "- [x] Store the audio\n- [ ] Read the notes\n- [ ] Render the RSS\n")


def test_con002_claims_the_boxes_contradict_are_one_finding_and_a_claim_that_does_not_add_up_its_own() -> None:
    context = ("# Feed — Context\n\n**Last Updated:** 2026-01-14\n\n**Overall progress:** 95% complete\n\n"
               "**Status:** 2/4 done (75%)\n")

    found = findings("CON002", **{"feed-context.md": context, "feed-tasks.md": CHECKLIST})

    merged, arithmetic = sorted(found, key=lambda f: -len(f.related))
    assert (merged.path, merged.line) == ("dev/active/feed/feed-context.md", 5)
    assert merged.message == ("1 of 3 boxes in feed-tasks.md are ticked (33%), but 2 progress claims say otherwise: "
                              "'**Overall progress:** 95% complete' (line 5) says 95%; "
                              "'**Progress:** 90% complete' (feed-tasks.md:3) says 90%.")
    assert Location("dev/active/feed/feed-tasks.md", 3) in merged.related
    assert merged.severity is Severity.HIGH
    assert merged.penalty == combined_penalty([Severity.HIGH] * 2, "CON002") == 120  # task-wide: as two findings
    assert arithmetic.line == 7 and "does not add up" in arithmetic.message


def test_con002_a_waiver_in_one_file_leaves_the_other_files_claim_reported() -> None:
    context = ("# Feed — Context\n\n**Last Updated:** 2026-01-14\n\n**Overall progress:** 95% complete\n\n"
               "<!-- devdocs-review-disable CON002 reason=\"the context tracks the release\" -->\n")

    snapshot = Snapshot({"dev/active/feed/feed-context.md": context.encode(),
                         "dev/active/feed/feed-tasks.md": CHECKLIST.encode()})
    (task,) = review(snapshot, today=TODAY, rules=[RULES_BY_CODE["CON002"]()], strict=True).tasks

    assert sorted((f.path.rsplit("/", 1)[-1], f.line, f.waived) for f in (*task.findings, *task.waived)) == [
        ("feed-context.md", 5, True), ("feed-tasks.md", 3, False)]


def test_doc001_a_tasks_files_disagreeing_in_several_pairs_are_one_finding() -> None:
    plan = "# Feed — Plan\n\n**Status:** In Progress\n\n## Phases\n\n### Phase 1: Episodes\n"
    context = "# Feed — Context\n\n**Last Updated:** 2026-01-14\n\n**Status:** Complete\n"
    tasks = "# Feed — Tasks\n\n**Progress:** 0%\n\n- [ ] Store the audio\n- [ ] Read the notes\n- [ ] Render the RSS\n"

    (found,) = findings("DOC001", **{"feed-plan.md": plan, "feed-context.md": context, "feed-tasks.md": tasks})

    assert found.message.startswith("The task's files disagree on where the work stands: (1) ")
    pairs = len(re.findall(r"\(\d\) ", found.message))
    assert pairs >= 2
    files = {place.path.rsplit("/", 1)[-1] for place in found.locations}
    assert files == {"feed-plan.md", "feed-context.md", "feed-tasks.md"}
    assert found.severity is Severity.HIGH
    assert found.penalty == combined_penalty([Severity.HIGH] * pairs, "DOC001")  # task-wide: as the separate ones


def test_doc030_a_tasks_phase_numbering_clashes_are_one_finding() -> None:
    plan = ("# Feed — Plan\n\n## Phases\n\n### Phase 1: Episodes\n### Phase 2: Feed\n### Phase 3: Listing\n\n"
            "## Timeline\n\n### Phase 3: Analytics\n")
    tasks = ("# Feed — Tasks\n\n## Phase 1: Listing\n- [ ] x\n\n## Phase 2: Episodes\n- [ ] y\n\n"
             "## Phase 3: Feed\n- [ ] z\n")

    (found,) = findings("DOC030", **{"feed-plan.md": plan, "feed-tasks.md": tasks})

    assert found.message.startswith("The task's phase numbers mean different work: (1) ")
    assert "(2) " in found.message
    assert {place.path.rsplit("/", 1)[-1] for place in found.locations} == {"feed-plan.md", "feed-tasks.md"}
