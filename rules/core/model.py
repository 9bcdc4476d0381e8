"""The document model every rule reads: frozen values, 1-based line numbers, no markdown-it tokens.

`parse_document` (rules/core/parse.py) builds a :class:`Document` from text once; discovery
(rules/core/discovery.py) groups documents into a :class:`TaskDocs` per planning task.
"""

from __future__ import annotations

import datetime as dt
import enum
import itertools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from rules.core.text import fold

T = TypeVar("T")


class Role(enum.StrEnum):
    """What a file is for inside one task folder."""

    PLAN = "plan"
    CONTEXT = "context"
    TASKS = "tasks"
    EXTRA = "extra"


class Status(enum.StrEnum):
    """A normalised status marker (emoji or word) found in a heading, an item or a line."""

    COMPLETE = "complete"
    IN_PROGRESS = "in_progress"
    PENDING = "pending"
    BLOCKED = "blocked"
    NOT_STARTED = "not_started"
    OPTIONAL = "optional"
    PARTIAL = "partial"
    PAUSED = "paused"
    FAILED = "failed"

    @property
    def is_done(self) -> bool:
        return self is Status.COMPLETE

    @property
    def is_open(self) -> bool:
        return self in _OPEN_STATUSES


_OPEN_STATUSES = frozenset({Status.PENDING, Status.NOT_STARTED, Status.IN_PROGRESS, Status.BLOCKED})


@dataclass(frozen=True, slots=True)
class Estimate:
    """A time estimate: ``30 min``, ``2h``, ``2-3 hours``, ``Day 1, 4 hours`` or effort ``S/M/L/XL``."""

    text: str
    line: int
    minutes: int  # low end of a range; effort sizes map to a nominal duration
    minutes_high: int
    is_effort_size: bool = False


@dataclass(frozen=True, slots=True)
class Progress:
    """A progress claim: ``95% complete``, ``5.5/6 complete (92%)``, ``Progress: 6/6 (100%)``."""

    text: str
    line: int
    percent: float | None
    done: float | None = None
    total: float | None = None


@dataclass(frozen=True, slots=True)
class DateRef:
    """A labelled date such as ``Last Updated: 2025-11-11``."""

    label: str  # lower-cased label, e.g. "last updated"
    line: int
    date: dt.date | None  # None when the label is present but the value is not a date
    raw: str


@dataclass(frozen=True, slots=True)
class StatusMark:
    """A status found on one line, optionally tied to an item id (``CRITICAL-6 ... COMPLETE``)."""

    status: Status
    line: int
    text: str  # the line, stripped
    item_ids: tuple[str, ...] = ()
    in_heading: bool = False
    in_checkbox: bool = False


@dataclass(frozen=True, slots=True)
class Link:
    text: str
    target: str
    line: int


@dataclass(frozen=True, slots=True)
class CodeBlock:
    info: str
    line: int  # line of the opening fence
    end_line: int  # last line of the block
    content: str


@dataclass(frozen=True, slots=True)
class Table:
    line: int
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    row_lines: tuple[int, ...]
    section: int | None  # index into Document.sections

    def column(self, *names: str) -> int | None:
        """Index of the first header cell containing any of *names* (case-insensitive)."""
        lowered = [cell.lower() for cell in self.header]
        for index, cell in enumerate(lowered):
            if any(name in cell for name in names):
                return index
        return None


@dataclass(frozen=True, slots=True)
class Section:
    """A heading and the lines it owns, up to the next heading of the same or a higher level."""

    title: str  # heading text with markup removed
    level: int
    line: int
    end_line: int  # inclusive
    parent: int | None  # index into Document.sections
    status: Status | None = None
    item_ids: tuple[str, ...] = ()
    estimates: tuple[Estimate, ...] = ()
    key: str = ""  # normalised title (lower case, no emoji or numbering), computed once

    def __post_init__(self) -> None:
        if not self.key:
            object.__setattr__(self, "key", normalise_title(self.title))

    def contains(self, line: int) -> bool:
        return self.line <= line <= self.end_line


@dataclass(frozen=True, slots=True)
class CheckItem:
    """A ``- [ ]`` / ``- [x]`` list item."""

    text: str
    checked: bool
    line: int
    end_line: int
    depth: int  # 0 for a top-level item
    section: int | None  # index of the innermost enclosing section
    status: Status | None = None
    item_ids: tuple[str, ...] = ()
    estimates: tuple[Estimate, ...] = ()

    @property
    def lines(self) -> range:
        """The lines the box spans, its nested lines included."""
        return range(self.line, self.end_line + 1)


# The role a supporting file's name gives it (Document.acting_role), by the words of its name.
_ACTING_ROLE_RE: tuple[tuple[Role, re.Pattern[str]], ...] = (
    (Role.PLAN, re.compile(r"(?<![a-z])(?:plan|proposal|prompt|roadmap)(?![a-z])")),
    (Role.CONTEXT, re.compile(r"(?<![a-z])(?:handoff|hand-off|reference|notes|session)(?![a-z])")),
    (Role.TASKS, re.compile(r"(?<![a-z])(?:checklist|todo|sprint)(?![a-z])")),
)


@dataclass(frozen=True, slots=True)
class Document:
    """One parsed planning file."""

    path: str
    role: Role
    lines: tuple[str, ...]
    sections: tuple[Section, ...] = ()
    items: tuple[CheckItem, ...] = ()
    tables: tuple[Table, ...] = ()
    links: tuple[Link, ...] = ()
    code_blocks: tuple[CodeBlock, ...] = ()
    statuses: tuple[StatusMark, ...] = ()
    dates: tuple[DateRef, ...] = ()
    progress: tuple[Progress, ...] = ()
    estimates: tuple[Estimate, ...] = ()
    comments: tuple[tuple[int, str], ...] = ()  # (line, text) of HTML comments, for waivers
    problems: tuple[str, ...] = ()  # input problems already handled (e.g. decoded with replacement)
    text: str = ""  # the whole document, newline-normalised: one regex pass beats a loop over lines
    # Derived from the fields above once, when the document is built, and shared by every rule:
    lower: str = field(init=False, repr=False, compare=False)  # fold(text): lower case, same offsets
    code_lines: frozenset[int] = field(init=False, repr=False, compare=False)  # lines in code blocks
    child_sections: tuple[tuple[int, ...], ...] = field(init=False, repr=False, compare=False)  # by index
    line_starts: tuple[int, ...] = field(init=False, repr=False, compare=False)  # offset of each line in text
    _derived: dict[Callable[[Document], Any], Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_derived", {})
        object.__setattr__(self, "lower", fold(self.text))
        object.__setattr__(self, "line_starts", tuple(itertools.accumulate(
            (len(line) + 1 for line in self.lines[:-1]), initial=0)))
        object.__setattr__(self, "code_lines", frozenset(
            n for block in self.code_blocks for n in range(block.line, block.end_line + 1)))
        children: list[list[int]] = [[] for _ in self.sections]
        for index, section in enumerate(self.sections):
            if section.parent is not None:
                children[section.parent].append(index)
        object.__setattr__(self, "child_sections", tuple(map(tuple, children)))

    @property
    def acting_role(self) -> Role:
        """The role this file's findings are scored under: its own, or for a supporting file the role
        its name gives it (``master-plan.md`` beside the plan, ``action-prompt.md``: plan;
        ``HANDOFF.md``, ``QUICK_REFERENCE.md``, ``session-notes.md``: context; ``SPRINT_1.md``,
        ``CHECKLIST-old.md``: tasks); a file whose name says none keeps the folder's (structure)."""
        if self.role is not Role.EXTRA:
            return self.role
        name = self.path.rsplit("/", 1)[-1].lower()
        return next((role for role, pattern in _ACTING_ROLE_RE if pattern.search(name)), Role.EXTRA)

    def derive(self, compute: Callable[[Document], T]) -> T:
        """``compute(self)``, computed once per document and shared by every rule that asks.

        For facts several rules derive from the model (phase headings, preamble labels, criteria
        sections): *compute* is a module-level function of the document alone (pure, no options),
        and its value is treated as read-only.
        """
        try:
            return cast(T, self._derived[compute])
        except KeyError:
            value = self._derived[compute] = compute(self)
            return value

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def title(self) -> Section | None:
        return self.sections[0] if self.sections else None

    @property
    def line_count(self) -> int:
        return len(self.lines)

    @property
    def last_updated(self) -> DateRef | None:
        for ref in self.dates:
            if ref.label in LAST_UPDATED_LABELS:
                return ref
        return None

    def line_at(self, offset: int) -> int:
        """The line (1-based) that holds character *offset* of ``text`` (and of ``lower``)."""
        return bisect_right(self.line_starts, offset)

    def lines_containing(self, needles: Sequence[str], patterns: Sequence[re.Pattern[str]] = ()) -> list[int]:
        """The lines (1-based, in order) whose folded text holds one of *needles* (lower case) or a
        match of one of *patterns* (which must not span lines): a few C-speed searches of the
        whole text instead of a search per line."""
        lower, found = self.lower, set()
        for needle in needles:
            at = lower.find(needle)
            while at >= 0:
                line = self.line_at(at)
                found.add(line)
                at = lower.find(needle, self.line_starts[line]) if line < len(self.line_starts) else -1
        for pattern in patterns:
            found.update(self.line_at(match.start()) for match in pattern.finditer(lower))
        return sorted(found)

    def line_text(self, line: int) -> str:
        return self.lines[line - 1] if 1 <= line <= len(self.lines) else ""

    def find_section(self, *synonyms: str, max_level: int = 6) -> Section | None:
        """First section whose normalised title contains any synonym (each already lower-case)."""
        for section in self.sections:
            if section.level <= max_level and any(s in section.key for s in synonyms):
                return section
        return None

    def section_index(self, line: int) -> int | None:
        """Index of the innermost section containing *line* (by bisection, then up the parents)."""
        return innermost_section(self.sections, line)

    def section_of(self, line: int) -> Section | None:
        """Innermost section containing *line*."""
        index = self.section_index(line)
        return self.sections[index] if index is not None else None

    def children(self, index: int) -> Iterator[Section]:
        """The sections directly under the section at *index*, in document order."""
        for child in self.child_sections[index]:
            yield self.sections[child]

    def subsections(self, section: Section) -> list[Section]:
        """The sections directly under *section* (one of this document's), in document order."""
        index = bisect_left(self.sections, section.line, key=_section_line)
        return list(self.children(index))

    def items_in(self, section: Section) -> tuple[CheckItem, ...]:
        """The checkboxes under *section*'s heading, sub-sections included (items are in line order)."""
        items = self.items
        return items[bisect_right(items, section.line, key=_item_line): bisect_right(items, section.end_line,
                                                                                     key=_item_line)]

    def sections_within(self, section: Section) -> tuple[Section, ...]:
        """Every section nested under *section* (at any depth), in document order."""
        sections = self.sections
        return sections[bisect_right(sections, section.line, key=_section_line):
                        bisect_right(sections, section.end_line, key=_section_line)]

    def tables_in(self, section: Section) -> tuple[Table, ...]:
        """The tables that start inside *section* (its sub-sections included), in document order."""
        tables = self.tables
        return tables[bisect_left(tables, section.line, key=_table_line):
                      bisect_right(tables, section.end_line, key=_table_line)]

    def estimates_in(self, first: int, last: int) -> tuple[Estimate, ...]:
        """The estimates on lines *first* to *last* (inclusive; estimates are in line order)."""
        found = self.estimates
        return found[bisect_left(found, first, key=_estimate_line): bisect_right(found, last, key=_estimate_line)]

    def body(self, section: Section) -> tuple[str, ...]:
        """The lines under a heading, the heading itself excluded."""
        return self.lines[section.line : section.end_line]


@dataclass(frozen=True, slots=True)
class TaskDocs:
    """Everything known about one planning task: a folder under a doc root, or loose files."""

    name: str  # folder name, or the common prefix of loose files
    root: str  # e.g. "dev/active"
    path: str  # folder path, or root for loose files
    plan: Document | None = None
    context: Document | None = None
    tasks: Document | None = None
    extras: tuple[Document, ...] = ()
    loose: bool = False
    archived: bool = False
    unreadable: tuple[tuple[str, str], ...] = ()  # (path, reason) for files that could not be read
    duplicates: tuple[tuple[Role, str], ...] = ()  # a second file claiming a role already taken
    all_paths: tuple[str, ...] = field(default=())  # every file path seen in the task
    _derived: dict[Callable[[TaskDocs], Any], Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_derived", {})

    def derive(self, compute: Callable[[TaskDocs], T]) -> T:
        """``compute(self)`` once per task, shared by every rule that asks (as :meth:`Document.derive`)."""
        try:
            return cast(T, self._derived[compute])
        except KeyError:
            value = self._derived[compute] = compute(self)
            return value

    @property
    def documents(self) -> tuple[Document, ...]:
        core = tuple(d for d in (self.plan, self.context, self.tasks) if d is not None)
        return core + self.extras

    def doc(self, role: Role) -> Document | None:
        return {Role.PLAN: self.plan, Role.CONTEXT: self.context, Role.TASKS: self.tasks}.get(role)


LAST_UPDATED_LABELS = frozenset({"last updated", "updated", "last update", "last modified", "date updated"})

_NOT_WORD = re.compile(r"[\W_]+")  # anything but letters and digits (Unicode-aware), in one C pass


def normalise_title(title: str) -> str:
    """``"### 2. Current State (현재 상태) ✅"`` → ``"current state 현재 상태"``."""
    words = _NOT_WORD.sub(" ", title).lower().split()
    return " ".join(w for w in words if not w.isdigit())


def innermost_section(sections: Sequence[Section], line: int) -> int | None:
    """Index of the innermost of *sections* (in line order, properly nested) containing *line*."""
    index: int | None = bisect_right(sections, line, key=_section_line) - 1
    while index is not None and index >= 0:
        if sections[index].contains(line):
            return index
        index = sections[index].parent
    return None


def _section_line(section: Section) -> int:
    return section.line


def _item_line(item: CheckItem) -> int:
    return item.line


def _estimate_line(estimate: Estimate) -> int:
    return estimate.line


def _table_line(table: Table) -> int:
    return table.line
