"""The story model: status statements per file and the derived state of a task folder."""

from __future__ import annotations

import pytest

from rules.core._story_words import read_value
from rules.core.model import Document, Role, TaskDocs
from rules.core.parse import parse_document
from rules.core.phases import is_later, is_later_heading
from rules.core.story import State, TaskState, file_statements, footer_statements, open_work, overall, story


def _doc(text: str, role: Role = Role.PLAN, name: str = "x-plan.md") -> Document:
    return parse_document(f"dev/active/x/{name}", text, role)


@pytest.mark.parametrize(
    ("value", "state", "scoped", "done"),
    [
        ("✅ COMPLETED - all work finished and deployed", State.DONE, False, ()),
        ("Planning Complete - Ready for Implementation", State.PLANNING, False, ()),
        ("Ready to implement", State.PLANNING, False, ()),
        ("✅ READY TO START", State.PLANNING, False, ()),  # the mark decorates the words that follow it
        ("🚧 In progress", State.IN_PROGRESS, False, ()),
        ("In Progress", State.IN_PROGRESS, False, ()),
        ("Not complete yet", State.IN_PROGRESS, False, ()),
        ("Not started", State.NOT_STARTED, False, ()),
        ("Partially complete", State.IN_PROGRESS, False, ()),
        ("Complete (6/6)", State.DONE, False, ()),
        ("Awaiting review", State.REVIEW, False, ()),
        ("✅ Core complete, testing pending", State.REVIEW, False, ()),  # built, not yet proven
        ("Implementation complete, compiles, ready for testing", State.REVIEW, False, ()),
        ("Complete, deployed", State.DONE, False, ()),
        ("On hold until the vendor replies", State.BLOCKED, False, ()),
        ("Phase 1A Complete - Ready for Testing", State.DONE, True, ("1A",)),
        ("Phases 2 & 3 complete", State.DONE, True, ("2", "3")),
        ("Phases 1, 2 and 3 complete", State.DONE, True, ("1", "2", "3")),
        ("Phase 2 Complete, Phase 3 Partial", State.DONE, True, ("2",)),
        ("Session 1 Complete", State.DONE, True, ("1",)),
        ("진행 중", State.IN_PROGRESS, False, ()),
        ("완료", State.DONE, False, ()),
        ("80% complete", State.IN_PROGRESS, False, ()),  # a share of the work, not all of it
        ("~45 % done", State.IN_PROGRESS, False, ()),
        ("3/5 complete", State.IN_PROGRESS, False, ()),
        ("0% complete", State.NOT_STARTED, False, ()),
        ("100% complete", State.DONE, False, ()),
        ("5/5 complete", State.DONE, False, ()),
        ("80% 완료", State.IN_PROGRESS, False, ()),
    ],
)
def test_status_values_are_normalised(value: str, state: State, scoped: bool, done: tuple[str, ...]) -> None:
    found, is_scoped, done_parts, ambiguous = read_value(value)
    assert (found, is_scoped, done_parts, ambiguous) == (state, scoped, done, False)


@pytest.mark.parametrize(
    "value",
    [
        "complete the migration before Friday",  # an instruction
        "finish all remaining steps",
        "see the table below",  # no status word at all
    ],
)
def test_values_that_are_not_statuses(value: str) -> None:
    assert read_value(value)[0] is None


@pytest.mark.parametrize("value", ["✅ = done", "[ ] Open / [x] Fixed", "Draft / Complete"])
def test_legends_and_templates_are_ambiguous(value: str) -> None:
    assert read_value(value)[3] is True


def test_header_label_badge_and_footer_are_found() -> None:
    doc = _doc("# Billing ✅\n\n**Status:** In Progress\n\n## Phases\n\n1. Writer\n\n"
               + "text\n" * 20 + "---\n\n**Last Updated:** 2026-01-09 (Phase 2 complete)\n")
    statements = file_statements(doc)
    assert [(s.kind, s.state, s.place) for s in statements] == [
        ("badge", State.DONE, "header"), ("label", State.IN_PROGRESS, "header"), ("note", State.DONE, "footer")]
    said = overall(doc)
    assert said is not None and said.kind == "label" and said.line == 3  # a label speaks before a badge
    assert footer_statements(doc)[0].done_parts == ("2",)


def test_table_columns_legends_prose_and_code_are_not_statements() -> None:
    doc = _doc(
        "# Plan\n\n"
        "| Risk | Status |\n|---|---|\n| Quota | Complete |\n\n"  # a Status column of a risk table
        "Status legend: ✅ = done, ⏳ = pending\n"
        "Legend: ✅ = done\n"
        "We must complete the migration first.\n"  # prose, no label
        "```\nStatus: COMPLETE\n```\n"
    )
    assert file_statements(doc) == ()
    assert overall(doc) is None


def test_a_phase_scoped_status_is_not_the_files_overall_status() -> None:
    doc = _doc("# Plan\n\n**Status**: Phase 1A Complete - ready for testing\n")
    assert file_statements(doc)[0].scoped
    assert overall(doc) is None


@pytest.mark.parametrize(
    ("text", "line", "state", "words"),
    [
        ("# Export\n\n## Status\n\ndone\n\nMore prose.\n", 5, State.DONE, "done"),
        ("# Export\n\n## Current Status\n\n**Shipped on 2026-03-02.** Both formats are live.\n", 5, State.DONE,
         "Shipped on 2026-03-02"),
        ("# Export\n\n## Goal\n\nOne CSV a month.\n\n## Status\n\nIn progress. The PDF writer is next.\n", 9,
         State.IN_PROGRESS, "In progress"),  # within the first lines: it still speaks for the file
        ("# Export\n\n### 상태\n\n진행 중\n", 5, State.IN_PROGRESS, "진행 중"),
    ],
)
def test_a_status_section_at_the_top_gives_its_first_line_as_the_status(
        text: str, line: int, state: State, words: str) -> None:
    said = overall(_doc(text, Role.CONTEXT, "x-context.md"))
    assert said is not None and (said.line, said.state, said.words, said.place) == (line, state, words, "header")


@pytest.mark.parametrize(
    "text",
    [
        "# Export\n\n## Status\n\n| Part | Status |\n|---|---|\n| CSV | Done |\n",  # a table of parts
        "# Export\n\n## Status\n\n- [x] CSV writer\n- [ ] PDF writer\n",  # a checklist
        "# Export\n\n## Status\n\n```\nstatus: done\n```\n",  # code
        "# Export\n\n## Status\n\nSee the table below.\n",  # no status word
        "# Export\n\n## Goal\n\n" + "One CSV a month.\n" * 12 + "\n## Status\n\nDone.\n",  # far down
    ],
)
def test_a_status_section_without_a_status_first_line_or_far_down_says_nothing(text: str) -> None:
    assert overall(_doc(text, Role.CONTEXT, "x-context.md")) is None


def test_progress_summary_in_the_header_is_overall() -> None:
    doc = _doc("# Tasks\n\n**Overall Progress**: 100% (4 of 4 sub-phases complete)\n\n## Phase 3: 2/5 done\n",
               Role.TASKS, "x-tasks.md")
    said = overall(doc)
    assert said is not None and said.kind == "progress" and said.state is State.DONE


def _task(*docs_: tuple[str, Role, str], archived: bool = False) -> TaskDocs:
    root = "dev/archive" if archived else "dev/active"
    parsed = {role: parse_document(f"{root}/x/{name}", text, role) for text, role, name in docs_}
    return TaskDocs(name="x", root=root, path=f"{root}/x", plan=parsed.get(Role.PLAN),
                    context=parsed.get(Role.CONTEXT), tasks=parsed.get(Role.TASKS), archived=archived)


def test_task_state_is_derived_from_folder_statements_and_boxes() -> None:
    ticked = ("# Tasks\n\n- [x] a\n- [x] b\n", Role.TASKS, "x-tasks.md")
    half = ("# Tasks\n\n- [x] a\n- [ ] b\n", Role.TASKS, "x-tasks.md")
    none = ("# Tasks\n\n- [ ] a\n- [ ] b\n", Role.TASKS, "x-tasks.md")
    done_plan = ("# Plan\n\n**Status:** ✅ COMPLETE\n", Role.PLAN, "x-plan.md")
    planning = ("# Plan\n\n**Status:** Planning\n", Role.PLAN, "x-plan.md")
    assert story(_task(half, archived=True)).state is TaskState.ARCHIVED
    declared = story(_task(done_plan, half))
    assert declared.state is TaskState.DECLARED_DONE and declared.evidence is not None
    assert declared.evidence.line == 3
    assert story(_task(planning, ticked)).state is TaskState.ALL_TICKED
    assert story(_task(planning, half)).state is TaskState.IN_PROGRESS
    assert story(_task(planning, none)).state is TaskState.NOT_STARTED
    assert TaskState.ARCHIVED.finished and TaskState.DECLARED_DONE.finished and not TaskState.ALL_TICKED.finished


@pytest.mark.parametrize(
    ("line", "state"),
    [
        ("## 구현 상태: 완료", State.DONE),  # Korean "implementation status: done", as a heading
        ("**현재 상태**: 진행 중", State.IN_PROGRESS),  # "current status"
        ("전체 진행상태: 대기", State.NOT_STARTED),
        ("작업상태: 완료", State.DONE),  # written without the space
    ],
)
def test_korean_qualified_status_labels_are_statements(line: str, state: State) -> None:
    doc = _doc(f"# 계획\n\n{line}\n", Role.CONTEXT, "x-context.md")

    said = overall(doc)

    assert said is not None and said.kind == "label" and said.state is state


def test_korean_status_words_in_a_table_or_prose_are_not_statements() -> None:
    doc = _doc("# 계획\n\n| 항목 | 구현 상태 |\n|---|---|\n| 필터 | 완료 |\n\n구현 상태는 아래 표를 본다.\n",
               Role.CONTEXT, "x-context.md")

    assert file_statements(doc) == ()


@pytest.mark.parametrize(
    ("heading", "later"),
    [
        ("## Future Enhancements (Post-MVP)", True),
        ("## Deferred Issues", True),  # the word the phases vocabulary always had
        ("## Follow-ups", True),  # the words open work's headings always had
        ("## Ideas", True),
        ("## Post-launch", True),
        ("### UI Enhancements", False),  # a part of the work, not work put off
        ("### Testing - Phase 1A", False),
    ],
)
def test_one_later_work_vocabulary_for_open_work_and_phases(heading: str, later: bool) -> None:
    """Open work (story) and later phases (phases) read a heading over work put off alike."""
    doc = _doc(f"# Tasks\n\n{heading}\n\n- [ ] Something\n", Role.TASKS, "x-tasks.md")
    section = doc.sections[1]
    assert is_later_heading(section.title) is later
    assert (open_work(doc) == []) is later
    assert is_later(doc, doc.items[0]) is later
