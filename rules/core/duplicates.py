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

Lists are also compared item by item in other words: a list re-typed in another file (each item
reworded, a note appended, the order kept or not) is a near copy when ``NEAR_MIN_SHARED`` of its
items and ``NEAR_SHARE`` of the longer list's items each have a *reworded twin* there: an item
sharing ``REWORDED_MIN_WORDS`` content words, ``REWORDED_SHARE`` of the shorter item's. Function
words and words found in more than ``MAX_WORD_POSTINGS`` items (the folder's subject) never count.
A tasks file restating the plan's steps in its own words is a checklist doing its job, not a copy:
reworded lists count between any other two files.

Any block may also be *re-typed* in another file: a command block with comments added and a flag
changed, a list of checks rewritten line by line. Two blocks are then near copies when they share
``SHINGLE_MIN_SHARED`` word pairs (two consecutive words of a line, case folded) making up
``SHINGLE_SHARE`` of the smaller block's pairs: the smaller block is mostly inside the other. Code
pairs only with code (a sentence naming a command is not a copy of it), prose between the same files
as reworded lists; blocks of ``Label: value`` lines never count (the same settings with other values
share their labels, not their content), nor a word pair found in more than ``MAX_SHINGLE_POSTINGS``
blocks.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import chain, pairwise, product
from typing import TypeVar

from rules.core.model import Document, Role, TaskDocs
from rules.core.units import Unit, units

K = TypeVar("K")

NEAR_MIN_SHARED = 3
NEAR_MIN_CHARS = 90
NEAR_SHARE = 0.6
MIN_LINE_CHARS = 12
MAX_POSTINGS = 8
REWORDED_MIN_WORDS = 3
REWORDED_SHARE = 0.7
MAX_WORD_POSTINGS = 24
SHINGLE_MIN_SHARED = 6
SHINGLE_SHARE = 0.55
MAX_SHINGLE_POSTINGS = 12

_WORD_RE = re.compile(r"[^\W_]{3,}")
_SHINGLE_WORD_RE = re.compile(r"[^\W_]+")
_FUNCTION_WORDS = frozenset(
    ["the", "and", "for", "with", "from", "that", "this", "these", "those", "into", "onto", "are", "was", "were",
     "has", "have", "had", "not", "but", "all", "any", "its", "our", "their", "your", "will", "can", "via", "per",
     "also", "then", "than", "when", "where", "which", "while", "what", "who", "how", "too"])


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
    sides = _Sides(places)
    for i, j in (*_near_pairs(places, sides), *_reworded_pairs(places, sides), *_shingle_pairs(places, sides)):
        union(i, j)
    groups: dict[int, list[Place]] = {}
    for index, place in enumerate(places):
        groups.setdefault(find(index), []).append(place)
    return tuple(Copies(tuple(g), len({p.unit.key for p in g}) == 1) for _, g in sorted(groups.items())
                 if len(g) > 1)


class _Sides:
    """What the pair tests read of each place, looked up once (a place is in many candidate pairs):
    its document's number in the task, whether it is code, its items, and its role as one number
    (``PLAN`` 1, ``TASKS`` 2, any other 0: a pair of prose places is the plan and the tasks file,
    which :func:`_may_reword` leaves alone, exactly when the product of theirs is 2)."""

    __slots__ = ("code", "doc", "items", "role", "words")

    def __init__(self, places: list[Place]) -> None:
        numbers: dict[int, int] = {}
        self.doc = [numbers.setdefault(id(p.doc), len(numbers)) for p in places]
        self.code = [p.unit.kind == "code" for p in places]
        self.role = [_ROLE_NUMBER.get(p.doc.role, 0) for p in places]
        self.items = [p.unit.items for p in places]
        # per place and item: its words (runs of letters and digits) case folded, and whether case
        # folding left the item as it was (then its words of three letters or more are _WORD_RE's)
        self.words = [[(_SHINGLE_WORD_RE.findall(folded), folded == item) for item in items
                       for folded in (item.casefold(),)] for items in self.items]


_ROLE_NUMBER = {Role.PLAN: 1, Role.TASKS: 2}


def _near_pairs(places: list[Place], sides: _Sides) -> list[tuple[int, int]]:
    distinct = [frozenset(i for i in items if len(i) >= MIN_LINE_CHARS) for items in sides.items]
    keyed = [frozenset((code, item) for item in items) for code, items in zip(sides.code, distinct, strict=True)]
    doc = sides.doc
    shared: Counter[tuple[int, int]] = Counter()
    chars: Counter[tuple[int, int]] = Counter()
    for (_, item), indices in _postings(keyed, MAX_POSTINGS).items():
        for a_pos, a in enumerate(indices):
            for b in indices[a_pos + 1:]:
                if doc[a] == doc[b]:
                    continue  # an edited copy in the same file is a before/after pair, on purpose
                shared[a, b] += 1
                chars[a, b] += len(item)
    return [pair for pair, count in shared.items()
            if count >= NEAR_MIN_SHARED and chars[pair] >= NEAR_MIN_CHARS
            and count >= NEAR_SHARE * max(len(distinct[pair[0]]), len(distinct[pair[1]]))]


def _reworded_pairs(places: list[Place], sides: _Sides) -> list[tuple[int, int]]:
    """Lists in different files whose items are mostly reworded twins of each other's (see the module
    docstring). Word postings are capped, so the candidate pairs stay linear in the number of items."""
    items: list[tuple[int, frozenset[str]]] = []  # (place index, content words) of every list item
    for index, place in enumerate(places):
        if place.unit.kind == "list":
            for item, (found, unfolded) in zip(sides.items[index], sides.words[index], strict=True):
                runs = [w for w in found if len(w) >= 3] if unfolded else _WORD_RE.findall(item)
                words = frozenset(runs).difference(_FUNCTION_WORDS)
                if len(words) >= REWORDED_MIN_WORDS:
                    items.append((index, words))
    counts = Counter(chain.from_iterable(words for _, words in items))
    postings = _postings([words for _, words in items], MAX_WORD_POSTINGS, counts)
    owners = [sides.doc[index] for index, _ in items]
    roles = [sides.role[index] for index, _ in items]
    shared: Counter[tuple[int, int]] = Counter()
    for numbers in postings.values():
        if owners[numbers[0]] != owners[numbers[-1]]:
            runs = _runs_by_doc(numbers, owners)
            for a_pos, left in enumerate(runs):
                role = roles[left[0]]
                for right in runs[a_pos + 1:]:
                    if role * roles[right[0]] != 2:  # not the plan's steps restated in the tasks file
                        shared.update(product(left, right))
    common = {word for word, count in counts.items() if count > MAX_WORD_POSTINGS}
    sizes = [len(words - common) if common else len(words) for _, words in items]  # the words that count
    twins: dict[tuple[int, int], tuple[set[int], set[int]]] = {}  # place pair → its items with a twin
    for (a, b), count in shared.items():
        if count >= REWORDED_MIN_WORDS and count >= REWORDED_SHARE * min(sizes[a], sizes[b]):
            pair = (items[a][0], items[b][0])
            found = twins.setdefault(pair, (set(), set()))
            found[0].add(a)
            found[1].add(b)
    return [pair for pair, (left, right) in twins.items()
            if min(len(left), len(right)) >= NEAR_MIN_SHARED
            and min(len(left), len(right)) >= NEAR_SHARE * max(len(sides.items[i]) for i in pair)]


def _postings(keys: list[frozenset[K]], most: int, counts: Counter[K] | None = None) -> dict[K, list[int]]:
    """For each key held by 2 to *most* of the sets *keys*, the (ascending) indices of the sets
    holding it. Keys are counted in C first: most are held by one set only and get no list."""
    counts = counts if counts is not None else Counter(chain.from_iterable(keys))
    wanted = {key for key, count in counts.items() if 1 < count <= most}
    postings: dict[K, list[int]] = {}
    for index, found in enumerate(keys):
        for key in wanted.intersection(found):
            postings.setdefault(key, []).append(index)
    return postings


def _runs_by_doc(numbers: list[int], owners: list[int]) -> list[list[int]]:
    """*numbers* (ascending item numbers) cut into runs of one document each (*owners*: the document
    number of each item): items are numbered in document order, so every pair across two runs is a
    pair of items in two documents (each pair once, smaller number first), and the pairs of a
    posting list are counted in C."""
    runs: list[list[int]] = []
    last = -1
    for number in numbers:
        doc = owners[number]
        if doc == last:
            runs[-1].append(number)
        else:
            runs.append([number])
            last = doc
    return runs


def _shingle_pairs(places: list[Place], sides: _Sides) -> list[tuple[int, int]]:
    """Blocks in different files sharing most of the smaller one's word pairs (see the module
    docstring). Shingle postings are capped, so the candidate pairs stay linear."""
    shingles = [frozenset() if p.unit.is_fields else _shingles(words)
                for p, words in zip(places, sides.words, strict=True)]
    doc, code, role = sides.doc, sides.code, sides.role
    shared: Counter[tuple[int, int]] = Counter()
    for indices in _postings(shingles, MAX_SHINGLE_POSTINGS).values():
        for a_pos, a in enumerate(indices):
            doc_a, code_a, role_a = doc[a], code[a], role[a]
            for b in indices[a_pos + 1:]:
                # another file; code only with code; prose not between the plan and the tasks file
                if doc_a != doc[b] and code_a == code[b] and (code_a or role_a * role[b] != 2):
                    shared[a, b] += 1
    return [(a, b) for (a, b), count in shared.items()
            if count >= SHINGLE_MIN_SHARED and count >= SHINGLE_SHARE * min(len(shingles[a]), len(shingles[b]))]


def _may_retype(one: Place, other: Place) -> bool:
    """Whether *other* may be *one* re-typed: in another file; code only with code (a command and a
    sentence about it are not copies); prose as for reworded lists (not the plan's steps in the tasks)."""
    if (one.unit.kind == "code") != (other.unit.kind == "code"):
        return False
    if one.unit.kind == "code":
        return one.doc is not other.doc
    return _may_reword(one.doc, other.doc)


def _shingles(words: list[tuple[list[str], bool]]) -> frozenset[tuple[str, ...]]:
    """The pairs of consecutive words within each item (*words*: each item's, from :class:`_Sides`)."""
    found: set[tuple[str, ...]] = set()
    for item_words, _unfolded in words:
        found.update(pairwise(item_words))
    return frozenset(found)


def _may_reword(one: Document, other: Document) -> bool:
    """Whether a reworded list in *other* copies one in *one*: never within a file, nor between the
    plan and the tasks file (a checklist restating the plan's steps in its own words is its job)."""
    return one is not other and {one.role, other.role} != {Role.PLAN, Role.TASKS}


def left_to_ctx008(group: Copies) -> bool:
    """Exact copies of prose found only within the context: CTX008 reports each repeat there,
    DOC040 leaves them alone; CTX008 leaves every other group (code, near copies, other files) to DOC040."""
    return group.exact and all(p.doc.role is Role.CONTEXT and p.unit.kind != "code" for p in group.places)
