"""DOC049 line-ranges-overlap."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.core.story import core_documents
from rules.core.text import clip
from rules.story._fresh import in_role_category

_FILE = r"`?((?:[\w.-]{1,80}/){0,12}[\w-][\w.-]{0,80}\.[A-Za-z]{1,5})`?"
# "`src/queue.go` (lines 135-194)", "**File**: src/queue.go, lines 114-180", "queue.go L10-L40"
_NAMED_RANGE = re.compile(rf"{_FILE}[*_]{{0,2}}[ ]?[(,]?[ ]?(?:lines?|L)[ ]?(\d{{1,5}})[ ]?[-–][ ]?L?(\d{{1,5}})\b",
                          re.IGNORECASE)
_COLON_RANGE = re.compile(rf"{_FILE}:(\d{{1,5}})[-–](\d{{1,5}})\b")  # "src/queue.go:135-194"
# What every range above holds, tested first: a digit run right before a dash (most lines have none).
_RANGE_HINT = re.compile(r"\d[ ]?[-–][ ]?[lL]?\d")


@dataclass(frozen=True, slots=True)
class _Range:
    file: str  # the file's name
    path: str  # as written, from its first folder
    first: int
    last: int
    line: int


class LineRangesOverlap(Rule):
    """Two line ranges a file gives for the same source file overlap, neither holding the other.

    Reads ranges written with the file's name (``internal/queue.go (lines 135-194)``,
    ``queue.go:114-180``, ``queue.go L10-L40``) outside code, within one document (``queue.go`` and
    ``internal/queue.go`` are one file, ``api/index.ts`` and ``web/index.ts`` two): two pieces of code
    either sit apart, or one holds the other (a method inside its class), or they are the same. A
    range that starts inside another and ends after it (135-194 and 114-180) cannot be both right.
    Ranges in different files are not compared (the code may have moved between the sessions that
    wrote them), nor read in the supporting documents of sub-folders (``docs/review-change.md``: a
    review cites the code of each point it makes, and its citations overlap as the points do).

    Why: a reader (or an agent) opens the file at the given lines to find the change. When the
    ranges contradict each other, at least one of them sends the reader to the wrong code.

    Bad:
        **File**: `internal/queue.go` (lines 135-194), the auto-pause change
        **File**: `internal/queue.go` (lines 114-180), the new sync loop

    Good:
        **File**: `internal/queue.go` (lines 182-241), the auto-pause change
        **File**: `internal/queue.go` (lines 114-180), the new sync loop
    """

    code = "DOC049"
    name = "line-ranges-overlap"
    category = Category.CONSISTENCY
    severity = Severity.LOW
    rationale = "Two overlapping line ranges for different code of one file send the reader to the wrong lines."
    fix = "Check the file and correct the line range (or name the function instead of lines that drift)."
    effort_minutes = 3

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        for doc in core_documents(task):  # not the supporting docs in sub-folders: a review cites as it goes
            seen: dict[str, list[_Range]] = {}
            for found in _ranges(doc):
                clash = next((r for r in seen.get(found.file, []) if _cross(r, found)), None)
                seen.setdefault(found.file, []).append(found)
                if clash is None:
                    continue
                message = (f"{found.file} is given lines {found.first}-{found.last} at line {found.line} and "
                           f"lines {clash.first}-{clash.last} at line {clash.line}: the ranges overlap, neither "
                           "holding the other.")
                finding = self.finding(task, doc, clash.line, message, key=f"{found.file}:{clash.first}",
                                       related=[(doc, found.line)])
                yield in_role_category(finding, doc)


def _ranges(doc: Document) -> Iterator[_Range]:
    for number in doc.lines_containing((), (_RANGE_HINT,)):  # one search of the whole text
        if number in doc.code_lines:
            continue
        text = clip(doc.lines[number - 1])
        for match in (*_NAMED_RANGE.finditer(text), *_COLON_RANGE.finditer(text)):
            first, last = int(match.group(2)), int(match.group(3))
            if first < last:
                path = match.group(1).lstrip("./")
                yield _Range(path.rsplit("/", 1)[-1], path, first, last, number)


def _cross(one: _Range, other: _Range) -> bool:
    """The same file (one path ends with the other), each range starting outside the other and ending in it."""
    if not (one.path.endswith(other.path) or other.path.endswith(one.path)):
        return False  # two files of one name in different folders
    return one.first < other.first <= one.last < other.last or other.first < one.first <= other.last < one.last
