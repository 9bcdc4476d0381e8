"""Facts computed once and shared: ``TaskDocs.derive``, the sections rules ask about per checkbox."""

from __future__ import annotations

import dataclasses

from rules.core.model import Role, TaskDocs
from rules.core.parse import parse_document
from rules.core.phases import in_later_section, is_legend_item, is_open_task
from rules.core.text import fold


def test_task_derive_computes_once_per_task_and_a_copy_starts_afresh() -> None:
    calls: list[str] = []

    def doc_count(task: TaskDocs) -> int:
        calls.append(task.name)
        return len(task.documents)

    plan = parse_document("dev/active/a/a-plan.md", "# Plan\n", Role.PLAN)
    task = TaskDocs(name="a", root="dev/active", path="dev/active/a", plan=plan)
    assert task.derive(doc_count) == 1
    assert task.derive(doc_count) == 1
    assert calls == ["a"]
    other = dataclasses.replace(task, name="b", plan=None)
    assert other.derive(doc_count) == 0  # a task built from another does not inherit its facts
    assert calls == ["a", "b"]
    assert other == dataclasses.replace(task, name="b", plan=None)  # the cache is not part of equality


def test_later_and_legend_sections_reach_every_nested_item() -> None:
    text = """\
# Tasks

## Build

- [ ] Write the importer

## Future Enhancements

### Nice to have

- [ ] Dark mode

## Status Legend

### Marks

- [ ] Pending work item
"""
    doc = parse_document("dev/active/a/a-tasks.md", text, Role.TASKS)
    importer, dark_mode, sample = doc.items
    assert not in_later_section(doc, importer) and is_open_task(doc, importer)
    assert in_later_section(doc, dark_mode) and not is_open_task(doc, dark_mode)
    assert is_legend_item(doc, sample) and not is_open_task(doc, sample)
    assert not is_legend_item(doc, importer)


def test_fold_folds_the_three_special_letters_and_leaves_ascii_alone() -> None:
    assert fold("İstanbul ıı ſtate") == "istanbul ii state"
    assert fold("Plain ASCII Text") == "plain ascii text"
