"""The judgement benchmark's matcher: synthetic labels and findings, one rule of the README per test."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.judgement_labels import Entry, Group, Label, Place
from bench.judgement_match import (
    FolderScore,
    Observed,
    categories_agree,
    judge,
    match,
    observe,
    score_folder,
    summarise,
)
from rules.core.finding import Category, Finding, Location, Severity

FILES = frozenset({"t-plan.md", "t-context.md", "t-tasks.md"})


def entry(entry_id: str = "E1", *, group: Group = "expected", category: str = "tasks",
          kind: str = "status-coherence", where: tuple[tuple[str, int], ...] = (("t-tasks.md", 10),),
          severity: str | None = "high") -> Entry:
    places = tuple(Place(file, line) for file, line in where)
    return Entry(entry_id, group, category, kind, places, "synthetic", severity)


def seen(category: str = "tasks", *places: tuple[str, int], rule: str = "ANY001") -> Observed:
    return Observed(rule=rule, category=category, places=tuple(Place(f, n) for f, n in places), message="m")


def label(*entries: Entry, score: int = 70) -> Label:
    return Label(
        source=Path("x.yaml"), repo="o/r", commit="0" * 40, corpus="shared", folder="dev/active/t", task=None,
        today=dt.date(2026, 1, 1), labeller="test", split="tune", expert_score=score, expert_grade="C",
        summary="s", entries=entries,
    )


def scored(lab: Label, *findings: Observed, engine_score: int = 70) -> FolderScore:
    return score_folder(lab, findings, files=FILES, task="dev/active/t", engine_score=engine_score,
                        engine_grade="C")


@pytest.mark.parametrize(("line", "matched"), [(7, True), (10, True), (13, True), (6, False), (14, False)])
def test_a_finding_matches_within_three_lines_of_a_labelled_place(line: int, matched: bool) -> None:
    how = match(seen("tasks", ("t-tasks.md", line)), entry(), FILES)

    assert (how == "near") is matched
    assert (how is None) is not matched


def test_a_finding_in_another_file_does_not_match() -> None:
    assert match(seen("tasks", ("t-plan.md", 10)), entry(), FILES) is None


@pytest.mark.parametrize(("finding", "labelled", "kind"), [
    ("consistency", "tasks", "status-coherence"),
    ("consistency", "plan", "numbers"),
    ("consistency", "context", "coverage"),
    ("tasks", "consistency", "status-coherence"),
    ("plan", "consistency", "numbers"),
    ("context", "consistency", "coverage"),
])
def test_consistency_and_the_file_categories_stand_in_for_each_other_on_cross_file_kinds(
        finding: str, labelled: str, kind: str) -> None:
    wanted = entry(category=labelled, kind=kind)

    assert categories_agree(finding, wanted)
    assert match(seen(finding, ("t-tasks.md", 10)), wanted, FILES) == "near"


@pytest.mark.parametrize(("finding", "labelled", "kind"), [
    ("consistency", "tasks", "estimates"),  # not a cross-file kind
    ("tasks", "consistency", "duplication"),
    ("plan", "context", "status-coherence"),  # two file categories never stand in for each other
    ("security", "consistency", "status-coherence"),
    ("structure", "plan", "missing-section"),  # only a missing file is both
    ("consistency", "plan", "missing-file"),
])
def test_other_category_pairs_do_not_match(finding: str, labelled: str, kind: str) -> None:
    assert match(seen(finding, ("t-tasks.md", 10)), entry(category=labelled, kind=kind), FILES) is None


@pytest.mark.parametrize("kind", ["missing-section", "estimates", "risks", "freshness", "verification"])
def test_an_absence_labelled_at_line_1_matches_anywhere_in_its_file(kind: str) -> None:
    absence = entry(category="plan", kind=kind, where=(("t-plan.md", 1),))

    assert match(seen("plan", ("t-plan.md", 200)), absence, FILES) == "file-level"
    assert match(seen("plan", ("t-plan.md", 2)), absence, FILES) == "near"
    assert match(seen("plan", ("t-context.md", 200)), absence, FILES) is None


@pytest.mark.parametrize("kind", ["status-coherence", "numbers", "secret", "readability", "scope"])
def test_text_kinds_at_line_1_are_the_title_line_not_an_absence(kind: str) -> None:
    title = entry(category="plan", kind=kind, where=(("t-plan.md", 1),))

    assert match(seen("plan", ("t-plan.md", 40)), title, FILES) is None
    assert match(seen("plan", ("t-plan.md", 4)), title, FILES) == "near"


@pytest.mark.parametrize(("finding", "labelled"), [("plan", "structure"), ("structure", "tasks"),
                                                  ("context", "structure")])
def test_structure_and_the_file_categories_stand_in_for_each_other_on_a_missing_file(
        finding: str, labelled: str) -> None:
    no_file = entry(category=labelled, kind="missing-file", where=(("t-plan.md", 1),))

    assert categories_agree(finding, no_file)
    assert match(seen(finding, ("t-context.md", 1)), no_file, frozenset({"t-context.md"})) == "missing-file"


def test_a_missing_file_matches_a_file_level_finding_in_any_file_of_the_folder() -> None:
    no_plan = entry(category="plan", kind="missing-file", where=(("t-plan.md", 1),))
    folder = frozenset({"t-context.md", "t-tasks.md"})

    assert match(seen("plan", ("t-context.md", 1)), no_plan, folder) == "missing-file"
    assert match(seen("plan", ("t-tasks.md", 1)), no_plan, folder) == "missing-file"
    assert match(seen("plan", ("t-context.md", 5)), no_plan, folder) is None
    assert match(seen("plan", ("../other/x-context.md", 1)), no_plan, folder) is None


def test_any_place_of_a_finding_can_make_the_match() -> None:
    contradiction = entry(category="consistency", where=(("t-context.md", 40), ("t-tasks.md", 10)))

    related_only = seen("consistency", ("t-plan.md", 100), ("t-tasks.md", 12))

    assert match(related_only, contradiction, FILES) == "near"


@dataclass(frozen=True)
class _Location:
    path: str
    line: int


@dataclass(frozen=True)
class _FindingWithRelated:
    rule: str
    category: Category
    path: str
    line: int
    message: str
    related: tuple[_Location, ...]


def test_observe_takes_the_location_and_the_related_locations_relative_to_the_folder() -> None:
    finding = _FindingWithRelated("CON001", Category.CONSISTENCY, "dev/active/t/t-plan.md", 5, "m",
                                  (_Location("dev/active/t/t-tasks.md", 9), _Location("docs/x.md", 2)))

    observed = observe(finding, "dev/active/t")

    assert observed.category == "consistency"
    assert observed.places == (Place("t-plan.md", 5), Place("t-tasks.md", 9), Place("../../../docs/x.md", 2))


def test_a_real_finding_matches_an_entry_through_a_related_location_only() -> None:
    contradiction = entry(category="consistency", where=(("t-tasks.md", 30),))
    finding = Finding(rule="CON001", name="x", severity=Severity.HIGH, category=Category.CONSISTENCY,
                      task="dev/active/t", path="dev/active/t/t-context.md", line=4, message="m", fix="f",
                      effort_minutes=5, related=(Location("dev/active/t/t-tasks.md", 31),))

    verdict = judge(observe(finding, "dev/active/t"), [contradiction], FILES)

    assert (verdict.verdict, verdict.matches) == ("hit", (contradiction,))
    assert judge(observe(finding.with_changes(related=()), "dev/active/t"), [contradiction], FILES).verdict != "hit"


def test_observe_reads_an_engine_finding() -> None:
    finding = Finding(rule="TSK003", name="x", severity=Severity.HIGH, category=Category.TASKS,
                      task="dev/active/t", path="dev/active/t/t-tasks.md", line=12, message="m", fix="f",
                      effort_minutes=5)

    assert observe(finding, "dev/active/t") == Observed("TSK003", "tasks", (Place("t-tasks.md", 12),), "m")


def test_rule_codes_play_no_part_in_matching() -> None:
    wanted = entry()

    verdicts = {judge(seen("tasks", ("t-tasks.md", 11), rule=code), [wanted], FILES).verdict
                for code in ("TSK003", "CON001", "XYZ999", "")}

    assert verdicts == {"hit"}


def test_an_entry_is_recalled_once_however_many_findings_match_it() -> None:
    result = scored(label(entry("E1"), entry("E2", where=(("t-plan.md", 50),))),
                    seen("tasks", ("t-tasks.md", 9)), seen("tasks", ("t-tasks.md", 11)))

    assert result.recalled == {"E1"}
    assert [e.id for e in result.missed] == ["E2"]
    assert result.repeats == 1
    assert result.false_alarms == ()


def test_one_finding_can_recall_several_entries() -> None:
    result = scored(label(entry("E1"), entry("E2", where=(("t-tasks.md", 12),))), seen("tasks", ("t-tasks.md", 11)))

    assert result.recalled == {"E1", "E2"}
    assert len(result.judged) == 1


def test_a_finding_that_matches_only_a_trap_is_a_false_alarm() -> None:
    trap = entry("T1", group="trap", kind="estimates", where=(("t-tasks.md", 30),), severity=None)

    result = scored(label(entry("E1"), trap), seen("tasks", ("t-tasks.md", 31)))

    assert [j.verdict for j in result.false_alarms] == ["trap"]
    assert [e.id for e in result.false_alarms[0].matches] == ["T1"]


def test_a_finding_that_matches_a_trap_and_an_expected_entry_is_not_a_false_alarm() -> None:
    trap = entry("T1", group="trap", where=(("t-tasks.md", 12),), severity=None)

    result = scored(label(entry("E1"), trap), seen("tasks", ("t-tasks.md", 11)))

    assert result.false_alarms == ()
    assert result.recalled == {"E1"}


def test_a_finding_that_matches_nothing_is_a_false_alarm() -> None:
    result = scored(label(entry("E1")), seen("tasks", ("t-tasks.md", 40)), seen("plan", ("t-tasks.md", 10)))

    assert [j.verdict for j in result.false_alarms] == ["unlabelled", "unlabelled"]
    assert result.recalled == frozenset()


def test_acceptable_entries_excuse_a_finding_but_are_not_counted_in_recall() -> None:
    remark = entry("A1", group="acceptable", where=(("t-tasks.md", 20),), severity=None)

    result = scored(label(entry("E1"), remark), seen("tasks", ("t-tasks.md", 20)))

    assert result.false_alarms == ()
    assert result.recalled == frozenset()
    assert [e.id for e in result.expected] == ["E1"]


def test_critical_and_high_recall_counts_only_those_severities() -> None:
    lab = label(entry("E1", severity="critical"), entry("E2", severity="medium", where=(("t-plan.md", 5),)),
                entry("E3", severity="high", where=(("t-context.md", 5),)))

    result = scored(lab, seen("tasks", ("t-tasks.md", 10)), seen("tasks", ("t-plan.md", 5)))

    assert (len(result.high_expected), result.high_recalled) == (2, 1)
    assert result.recalled == {"E1", "E2"}


def test_hits_through_an_absence_alone_are_counted_apart() -> None:
    absence = entry("E1", category="plan", kind="missing-section", where=(("t-plan.md", 1),))

    result = scored(label(absence), seen("plan", ("t-plan.md", 90)), seen("plan", ("t-plan.md", 1)))

    assert result.file_level_hits == 1
    assert result.false_alarms == ()


def test_summary_pools_counts_and_averages_per_folder_figures() -> None:
    first = scored(label(entry("E1"), entry("E2", where=(("t-plan.md", 50),)), score=60),
                   seen("tasks", ("t-tasks.md", 10)), seen("context", ("t-context.md", 3)), engine_score=70)
    second = scored(label(entry("E1", severity="low"), score=90), seen("tasks", ("t-tasks.md", 10)),
                    engine_score=84)

    total = summarise([first, second])

    assert (total.expected, total.recalled, total.recall) == (3, 2, 2 / 3)
    assert (total.high_expected, total.high_recalled) == (2, 1)
    assert (total.findings, total.false_alarms, total.false_alarm_rate) == (3, 1, 1 / 3)
    assert total.mean_recall == pytest.approx((1 / 2 + 1) / 2)
    assert total.mean_false_alarm_rate == pytest.approx((1 / 2 + 0) / 2)
    assert total.mean_delta == pytest.approx((10 + 6) / 2)


def test_summary_of_folders_without_entries_or_findings_has_no_rates() -> None:
    total = summarise([scored(label())])

    assert (total.recall, total.high_recall, total.false_alarm_rate) == (None, None, None)
    assert total.mean_recall is None
    assert total.mean_delta == 0


def test_findings_by_rule_count_hits_trap_only_and_unlabelled_per_rule() -> None:
    from bench.judgement import rule_rows

    trap = entry("T1", group="trap", kind="estimates", where=(("t-tasks.md", 30),), severity=None)
    result = scored(label(entry("E1"), trap),
                    seen("tasks", ("t-tasks.md", 10), rule="AAA001"), seen("tasks", ("t-tasks.md", 31), rule="AAA001"),
                    seen("tasks", ("t-tasks.md", 60), rule="BBB002"), seen("tasks", ("t-tasks.md", 70), rule="BBB002"))

    rows = rule_rows([result])

    assert rows[1].split() == ["BBB002", "2", "0", "0", "2", "100%"]  # most false alarms first
    assert rows[2].split() == ["AAA001", "2", "1", "1", "0", "50%"]
