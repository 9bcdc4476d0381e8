"""Copies of one block of content across a task's documents (CTX008 and DOC040 share this).

Two units (see :mod:`rules.core.units`) are copies when their normalised text is the same (an
*exact* copy), or when most of their lines or items are the same (a *near* copy: one was edited
after it was pasted, which is the drift duplication leads to). Copies are grouped transitively; a
group names every place.

A near copy needs at least ``NEAR_MIN_SHARED`` shared lines worth ``NEAR_MIN_CHARS`` characters,
making up ``NEAR_SHARE`` of the longer unit's distinct lines, in another file: within one file an
edited copy of a block is usually deliberate (the code before and after a change). Lines shorter than
``MIN_LINE_CHARS`` (a closing brace, ``fi``, "N/A") never count, and a line found in more than
``MAX_POSTINGS`` units is boilerplate (a shared import, a standard checklist item) and does not
count either. That bound keeps the pair count linear in the number of units.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rules.core.model import Document, Role, TaskDocs
from rules.core.units import Unit, units

NEAR_MIN_SHARED = 3
NEAR_MIN_CHARS = 90
NEAR_SHARE = 0.6
MIN_LINE_CHARS = 12
MAX_POSTINGS = 8


@dataclass(frozen=True, slots=True)
class Place:
    doc: Document
    unit: Unit


@dataclass(frozen=True, slots=True)
class Copies:
    """One block found at several places (in the task's document order, then line order)."""

    places: tuple[Place, ...]
    exact: bool  # every place holds the same normalised text


def copies(task: TaskDocs) -> tuple[Copies, ...]:
    """Every group of copies among the task's documents, ordered by first place (computed once per
    task: CTX008 and DOC040 both read it)."""
    return task.derive(_copies)


def _copies(task: TaskDocs) -> tuple[Copies, ...]:
    places = [Place(doc, unit) for doc in task.documents for unit in units(doc) if unit.big_enough]
    parent = list(range(len(places)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        a, b = find(i), find(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    first: dict[str, int] = {}
    for index, place in enumerate(places):
        union(first.setdefault(place.unit.key, index), index)
    for i, j in _near_pairs(places):
        union(i, j)
    groups: dict[int, list[Place]] = {}
    for index, place in enumerate(places):
        groups.setdefault(find(index), []).append(place)
    return tuple(Copies(tuple(g), len({p.unit.key for p in g}) == 1) for _, g in sorted(groups.items())
                 if len(g) > 1)


def _near_pairs(places: list[Place]) -> list[tuple[int, int]]:
    postings: dict[tuple[bool, str], list[int]] = {}
    distinct = [frozenset(i for i in p.unit.items if len(i) >= MIN_LINE_CHARS) for p in places]
    for index, items in enumerate(distinct):
        is_code = places[index].unit.kind == "code"
        for item in items:
            postings.setdefault((is_code, item), []).append(index)
    shared: Counter[tuple[int, int]] = Counter()
    chars: Counter[tuple[int, int]] = Counter()
    for (_, item), indices in postings.items():
        if len(indices) > MAX_POSTINGS:
            continue
        for a_pos, a in enumerate(indices):
            for b in indices[a_pos + 1:]:
                if places[a].doc is places[b].doc:
                    continue  # an edited copy in the same file is a before/after pair, on purpose
                shared[a, b] += 1
                chars[a, b] += len(item)
    return [pair for pair, count in shared.items()
            if count >= NEAR_MIN_SHARED and chars[pair] >= NEAR_MIN_CHARS
            and count >= NEAR_SHARE * max(len(distinct[pair[0]]), len(distinct[pair[1]]))]


def left_to_ctx008(group: Copies) -> bool:
    """Exact copies of prose found only within the context: CTX008 reports each repeat there,
    DOC040 leaves them alone; CTX008 leaves every other group (code, near copies, other files) to DOC040."""
    return group.exact and all(p.doc.role is Role.CONTEXT and p.unit.kind != "code" for p in group.places)
