"""One finding per problem: the same rule with the same evidence in many places is one finding,
listing every place, scored once; different evidence stays separate."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from rules.api import review
from rules.core.discovery import Snapshot
from rules.core.finding import Category, Finding, Location, Severity
from rules.core.grouping import fold_same_problems, group_findings

TASK = "dev/active/auth"
PLAN = f"{TASK}/auth-plan.md"
CONTEXT = f"{TASK}/auth-context.md"


def _finding(path: str = PLAN, line: int = 1, *, key: str = "root@db", message: str = "Root login 'root@db'.",
             rule: str = "SEC002", severity: Severity = Severity.HIGH, waived: bool = False,
             related: tuple[Location, ...] = ()) -> Finding:
    return Finding(rule, "infrastructure-exposure", severity, Category.SECURITY, TASK, path, line, message, "f", 10,
                   key=key, waived=waived, related=related)


def test_the_same_evidence_in_many_places_is_one_finding_listing_every_other_place() -> None:
    found = [_finding(PLAN, 3), _finding(CONTEXT, 9), _finding(PLAN, 12), _finding(CONTEXT, 9)]

    grouped = group_findings(found)

    assert len(grouped) == 1
    assert grouped[0].location == Location(PLAN, 3)  # the first place stays the primary
    assert grouped[0].related == (Location(CONTEXT, 9), Location(PLAN, 12))
    assert grouped[0].fingerprint == found[0].fingerprint


def test_different_evidence_rules_or_messages_stay_separate() -> None:
    found = [_finding(line=1), _finding(line=2, key="root@cache", message="Root login 'root@cache'."),
             _finding(line=3, rule="SEC001"), _finding(line=4, message="Phase 'Phase 3 Statistics' is empty.")]

    assert group_findings(found) == found


def test_a_waived_place_does_not_hide_the_same_problem_elsewhere() -> None:
    found = [_finding(PLAN, 3, waived=True), _finding(CONTEXT, 9), _finding(CONTEXT, 20)]

    grouped = group_findings(found)

    assert [(f.waived, f.location, f.related) for f in grouped] == [
        (True, Location(PLAN, 3), ()), (False, Location(CONTEXT, 9), (Location(CONTEXT, 20),))]


def test_a_group_takes_its_highest_severity_and_keeps_the_places_its_members_carried() -> None:
    found = [_finding(PLAN, 3, severity=Severity.MEDIUM, related=(Location(CONTEXT, 1),)),
             _finding(PLAN, 7, severity=Severity.CRITICAL, related=(Location(PLAN, 3),))]

    (grouped,) = group_findings(found)

    assert grouped.severity is Severity.CRITICAL
    assert grouped.related == (Location(CONTEXT, 1), Location(PLAN, 7))


def test_the_engine_reports_one_root_login_in_ten_places_once_and_deducts_for_it_once() -> None:
    mention = "Deploy with `ssh root@10.20.30.40` as before.\n"
    plan = "# Auth - Plan\n\n## Notes\n\n" + mention * 6
    context = "# Auth - Context\n\n" + mention * 4
    snapshot = Snapshot({PLAN: plan.encode(), CONTEXT: context.encode()})

    task = review(snapshot, today=dt.date(2026, 1, 15), focus=[TASK]).tasks[0]

    exposures = [f for f in task.findings if f.rule == "SEC002" and "root" in f.message.lower()]
    assert len(exposures) == 1
    assert len(exposures[0].locations) == 10
    assert {place.path for place in exposures[0].related} == {PLAN, CONTEXT}
    security = next(c for c in task.categories if c.category is Category.SECURITY)
    assert security.deducted == exposures[0].points == 30


def test_the_same_secret_written_twice_is_one_secret_finding_with_both_places() -> None:
    line = "PGPASSWORD='Kq7vLm2xRt9w' psql -h db\n"
    plan = "# Auth - Plan\n\n## Notes\n\n" + line + "\nAgain:\n\n" + line
    snapshot = Snapshot({PLAN: plan.encode()})

    task = review(snapshot, today=dt.date(2026, 1, 15), focus=[TASK]).tasks[0]

    secrets = [f for f in task.findings if f.rule == "SEC001"]
    assert [(f.line, f.related) for f in secrets] == [(5, (Location(PLAN, 9),))]


def test_a_rules_merge_gets_its_findings_one_waiver_state_at_a_time_and_takes_the_first_ones_place() -> None:
    other = _finding(PLAN, 2, rule="SEC001", key="k", message="Another rule.")
    found = [_finding(PLAN, 3, key="a", message="A."), other, _finding(CONTEXT, 9, key="b", message="B.", waived=True),
             _finding(CONTEXT, 12, key="c", message="C."), _finding(PLAN, 20, key="d", message="D.", waived=True)]
    asked: list[list[str]] = []

    def merge(group: Sequence[Finding]) -> Finding:
        asked.append([f.key for f in group])
        return group[0].with_changes(message=" ".join(f.message for f in group))

    grouped = group_findings(found, {"SEC002": merge})

    assert asked == [["a", "c"], ["b", "d"]]
    assert [(f.rule, f.waived, f.message) for f in grouped] == [
        ("SEC002", False, "A. C."), ("SEC001", False, "Another rule."), ("SEC002", True, "B. D.")]
    assert group_findings(found, {"SEC002": lambda group: None}) == found  # None keeps them apart


def test_a_rules_merge_is_given_each_part_on_its_own_and_a_finding_of_no_part_stays_apart() -> None:
    found = [_finding(PLAN, 3, key="a", message="share A."), _finding(PLAN, 5, key="b", message="count B."),
             _finding(CONTEXT, 9, key="c", message="share C."), _finding(CONTEXT, 12, key="d", message="sum D."),
             _finding(PLAN, 20, key="e", message="count E.")]
    asked: list[list[str]] = []

    def merge(group: Sequence[Finding]) -> Finding:
        asked.append([f.key for f in group])
        return group[0].with_changes(message=" ".join(f.message for f in group))

    def part(finding: Finding) -> str | None:
        kind = finding.message.split()[0]
        return None if kind == "sum" else kind

    grouped = group_findings(found, {"SEC002": merge}, {"SEC002": part})

    assert asked == [["a", "c"], ["b", "e"]]
    assert [f.message for f in grouped] == ["share A. share C.", "count B. count E.", "sum D."]


def test_a_finding_at_another_rules_finding_of_the_same_problem_is_folded_into_it() -> None:
    tasks_file = f"{TASK}/auth-tasks.md"
    heading = _finding(tasks_file, 8, rule="TSK003", key="phase", message="'Phase 1 ✅' has 2 open boxes.",
                       severity=Severity.MEDIUM, related=(Location(tasks_file, 12),))
    checks = _finding(tasks_file, 12, rule="DOC032", key="phase-1", message="Phase 1 is complete, tests open.",
                      severity=Severity.HIGH, related=(Location(tasks_file, 8), Location(tasks_file, 13)))
    elsewhere = _finding(tasks_file, 30, rule="DOC032", key="phase-2", message="Phase 2 is complete, tests open.",
                         related=(Location(tasks_file, 28),))
    waived = _finding(tasks_file, 40, rule="DOC032", key="phase-3", message="Phase 3 …", waived=True,
                      related=(Location(tasks_file, 8),))

    folded = fold_same_problems([heading, checks, elsewhere, waived], {"DOC032": ("TSK003",)})

    assert [f.rule for f in folded] == ["TSK003", "DOC032", "DOC032"]  # only the finding at TSK003's place folds
    assert folded[0].location == heading.location and folded[0].message == heading.message
    assert folded[0].related == (Location(tasks_file, 12), Location(tasks_file, 13))
    assert folded[0].severity is Severity.HIGH
    assert fold_same_problems([heading, checks], {}) == [heading, checks]


def test_the_engine_reports_a_phase_marked_complete_over_its_open_test_boxes_once() -> None:
    tasks_file = f"{TASK}/auth-tasks.md"
    tasks = ("# Auth - Tasks\n\n## Phase 1: Login ✅ COMPLETE\n\n- [x] Login form (2h)\n- [x] Session cookie (1h)\n"
             "- [ ] Test the login against staging (1h)\n- [ ] Verify the cookie expiry (1h)\n\n"
             "## Phase 2: Logout\n\n- [ ] Logout button (1h)\n")
    snapshot = Snapshot({tasks_file: tasks.encode()})

    task = review(snapshot, today=dt.date(2026, 1, 15), focus=[TASK]).tasks[0]

    about_phase_1 = [f for f in task.findings if f.rule in {"TSK003", "DOC032"}]
    assert [f.rule for f in about_phase_1] == ["TSK003"]
    assert {place.line for place in about_phase_1[0].locations} >= {3, 7, 8}
