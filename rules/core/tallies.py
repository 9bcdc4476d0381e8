"""The ways a checklist can be counted, for rules that compare a stated task count with the boxes.

A written "24 tasks" may count every box, only the top-level boxes (a task and its sub-steps are
one task), the headings that group boxes ("### 1.2 Add the endpoint" with its steps under it), or
the numbered tasks ("**2.3** Write the migration"). A stated count contradicts a checklist only
when it matches none of these readings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rules.core.model import CheckItem, Document

# "1.2", "**2.3**", "T4", "TASK-12", "Task 3:" opening an item or a heading: a task with a number of its own
_NUMBERED_RE = re.compile(r"^[*_ ]*(?:\d{1,3}(?:\.\d{1,3})+|[A-Z]{1,6}-?\d{1,4}|task[ ]\d{1,4})\b", re.IGNORECASE)

# The nouns a heading uses to say how many tasks it holds ("(12 tasks)", "(4 zadania)", "— 3 Aufgaben")
TASK_NOUN = r"(?:tasks?|to-?dos?|zadań|zadania|zadanie|aufgaben?|tareas?|tâches?)"
# "## Phase 1: Parser (5 tasks)", "## Cleanup — 3 tasks": the heading's own count, and nothing else in the parentheses
HEADING_COUNT_RE = re.compile(
    rf"(?i)\((\d{{1,3}})[ ]{TASK_NOUN}\)|[—–:-][ ]{{0,3}}(\d{{1,3}})[ ]{TASK_NOUN}[ ]{{0,3}}$"
)


@dataclass(frozen=True, slots=True)
class Tally:
    """One reading of a checklist: how many tasks, and how many of them done."""

    how: str  # "boxes", "top-level boxes", "groups", "numbered tasks"
    total: int
    done: int


def readings(doc: Document, items: Sequence[CheckItem]) -> tuple[Tally, ...]:
    """Every reasonable count of *items* (boxes of *doc*); empty readings left out."""
    if not items:
        return ()
    found = [Tally("boxes", len(items), _ticked(items))]
    top = [i for i in items if i.depth == 0]
    found.append(Tally("top-level boxes", len(top), _ticked(top)))
    groups: dict[int | None, list[CheckItem]] = {}
    for item in items:
        groups.setdefault(item.section, []).append(item)
    found.append(Tally("groups", len(groups), sum(1 for g in groups.values() if all(i.checked for i in g))))
    numbered = [i for i in top if _NUMBERED_RE.match(i.text)]
    headed = [g for index, g in groups.items()
              if index is not None and _NUMBERED_RE.match(doc.sections[index].title)
              and not any(_NUMBERED_RE.match(i.text) for i in g)]
    if numbered or headed:
        found.append(Tally("numbered tasks", len(numbered) + len(headed),
                           _ticked(numbered) + sum(1 for g in headed if all(i.checked for i in g))))
    return tuple(t for t in found if t.total)


def totals(tallies: Iterable[Tally]) -> frozenset[int]:
    return frozenset(t.total for t in tallies)


def _ticked(items: Iterable[CheckItem]) -> int:
    return sum(1 for i in items if i.checked)
