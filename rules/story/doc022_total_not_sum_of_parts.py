"""DOC022 total-not-sum-of-parts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from rules.core.extract import find_estimates
from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, Estimate, Table, TaskDocs
from rules.core.numbers import prose
from rules.core.rule import Rule, RuleContext
from rules.story._lists import list_block, list_starts

_TOTAL_LABEL = re.compile(r"(?i)^(?:grand[ ]|overall[ ])?(?:total|sum)\b")
_TOTAL_LINE = re.compile(r"(?i)^[\s>*_-]*(?:\*\*)?(?:estimated[ ])?(?:grand[ ]|overall[ ])?total\b[^:|]{0,30}:")
_CELL_NUMBER = re.compile(r"^[~≈]?(\d{1,3}(?:,\d{3})+|\d{1,7})(?:\.(\d{1,2}))?$")
_BLANK_CELLS = frozenset({"", "-", "—", "–", "0"})
_PER_UNIT = re.compile(r"(?i)\beach\b|\bper\b|×|\b\d+[ ]?x[ ]|/(?:day|week|file|item|task)\b|\bevery\b")
_APPROX = re.compile(r"(?i)~|≈|\babout\b|\baround\b|\bapprox|\broughly\b|\+")


@dataclass(frozen=True, slots=True)
class _Span:
    low: float
    high: float
    approx: bool
    minutes: bool = False  # a duration in minutes, not a plain number


class TotalNotSumOfParts(Rule):
    """A stated total is not the sum of the parts listed with it.

    Two shapes, both read from the document alone: a table whose ``Total`` row does not equal the
    sum of the rows above it (column by column, for columns of plain numbers or durations), and a
    list of durations with its total (``Weekend 1 (8 hours):`` above the list, or ``Total: 6 hours``
    right under it) that the items do not add up to, or a count announced over a list
    (``Deleted approximately 400 lines:``) that its items' counts of the same thing (``- teamStore.js:
    ~170 lines``, ``- TeamSelectionManager.js: ~295 lines``) do not add up to. Ranges add up as ranges; a total or part
    written ``~``/``about`` may be off by 15%. Percentages, per-unit figures ("8 min each") and
    lists with an item that gives no duration are not summed.

    Why: a total is the number a reader plans with. When it disagrees with its parts, either a part
    was added or dropped without the total being updated, or the total was never computed.

    Bad:
        **Sprint 1 (6 hours):**
        - Schema: 2h
        - API: 3h
        - UI: 3h

    Good:
        **Sprint 1 (8 hours):**
        - Schema: 2h
        - API: 3h
        - UI: 3h
    """

    code = "DOC022"
    name = "total-not-sum-of-parts"
    category = Category.CONSISTENCY
    severity = Severity.MEDIUM
    rationale = "A total that is not the sum of its parts misleads every plan built on it."
    fix = "Recompute the total from its parts (or add the part the total counts and the list lacks)."
    effort_minutes = 5

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        for doc in task.documents:
            for table in doc.tables:
                if (problem := _table_total(table)) is not None:
                    line, message = problem
                    yield self.finding(task, doc, line, message, key=message[:80])
            starts = list_starts(doc)
            for index, start in enumerate(starts):
                if _one_duration(doc, start) is None:
                    found = _count_total(doc, start)  # "Deleted ~400 lines:" over "- a.js: ~170 lines"
                else:
                    found = _list_total(doc, start, alone=_alone(doc, starts, index))
                if found is not None:
                    line, message = found
                    yield self.finding(task, doc, line, message, key=message[:80])


# --- tables ---------------------------------------------------------------------------------------


def _table_total(table: Table) -> tuple[int, str] | None:
    totals = [i for i, row in enumerate(table.rows) if row and _TOTAL_LABEL.match(_bare(row[0]))]
    if len(totals) != 1 or totals[0] != len(table.rows) - 1 or len(table.rows) < 3:
        return None
    parts = table.rows[:-1]
    if any("total" in _bare(row[0]).lower() for row in parts):
        return None  # subtotals: the parts are not disjoint
    total_row = table.rows[-1]
    wrong: list[str] = []
    for column in range(1, len(table.header)):
        cells = [row[column] if column < len(row) else "" for row in parts]
        stated = _cell(total_row[column]) if column < len(total_row) else None
        values = [_cell(cell) for cell in cells if _bare(cell) not in _BLANK_CELLS]
        if stated is None or not values or any(v is None or v.minutes != stated.minutes for v in values):
            continue
        summed = _add([v for v in values if v is not None])
        if not _agrees(summed, stated):
            wrong.append(f"{_bare(table.header[column]) or f'column {column + 1}'}: "
                         f"the rows add up to {_show(summed)}, the total says {_show(stated)}")
    if not wrong:
        return None
    return table.row_lines[-1], "The table's total row does not add up (" + "; ".join(wrong) + ")."


def _bare(cell: str) -> str:
    return cell.strip().strip("*_`").strip()


def _cell(cell: str) -> _Span | None:
    """A cell holding one plain number or one duration (in minutes); anything else is not summed."""
    text = _bare(cell)
    if "%" in text:
        return None
    number = _CELL_NUMBER.match(text)
    if number is not None:
        value = float(number.group(1).replace(",", "") + "." + (number.group(2) or "0"))
        return _Span(value, value, text[:1] in "~≈")
    found = find_estimates(text, 0)
    if len(found) != 1 or found[0].is_effort_size or len(found[0].text) < len(text.lstrip("~≈ ")) - 2:
        return None
    return _minutes(found[0], text)


# --- lists ----------------------------------------------------------------------------------------


def _alone(doc: Document, starts: list[int], index: int) -> bool:
    """Whether the list at ``starts[index]`` is the first list of its section (a total under it is its own)."""
    section = doc.section_of(starts[index])
    return index == 0 or section is None or starts[index - 1] < section.line


def _list_total(doc: Document, start: int, *, alone: bool) -> tuple[int, str] | None:
    items, last = list_block(doc, start)
    if len(items) < 2:
        return None
    totals = [line for line in items if _is_total_line(doc.line_text(line))]
    closing = (items[-1], _one_duration(doc, items[-1])) if totals == items[-1:] and len(items) > 2 else None
    if closing is not None:
        items = items[:-1]  # "- Total: 1.5 hours" as the list's last item
    elif totals:
        return None
    parts: list[_Span] = []
    for line in items:  # stops at the first item without one duration: most lists are not durations
        if (part := _one_duration(doc, line)) is None:
            return None
        parts.append(part)
    if any(_PER_UNIT.search(prose(doc.line_text(i))) for i in items):
        return None
    summed = _add(parts)
    above = _announced_total(doc, start)
    # A total under a list that has its own total above, or under the second list of a section, is
    # a grand total of more than this list ("Weekend 1 (8h)", "Weekend 2 (7h)", "Total: 15h").
    below = closing or (_total_below(doc, last) if alone and above[1] is None else (0, None))
    for line, stated in (above, below):
        if line and stated is not None and not _agrees(summed, stated):
            return line, (f"The {len(items)} items listed (lines {items[0]}-{items[-1]}) add up to "
                          f"{_show(summed)}, not the {_show(stated)} stated as their total.")
    return None


def _is_total_line(text: str) -> bool:
    return "total" in text.lower() and _TOTAL_LINE.match(prose(text)) is not None  # the word first: C speed


def _one_duration(doc: Document, line: int) -> _Span | None:
    text = prose(doc.line_text(line))
    found = [e for e in find_estimates(text, line) if not e.is_effort_size]
    return _minutes(found[0], text) if len(found) == 1 else None


def _announced_total(doc: Document, start: int) -> tuple[int, _Span | None]:
    """``**Weekend 1 (8 hours):**`` right above the list: a duration that ends the line with a colon."""
    line = start - 1
    text = prose(doc.line_text(line)).rstrip(" \t*_")
    if not text.endswith(":") or line in doc.code_lines or _PER_UNIT.search(text):
        return 0, None
    return line, _one_duration(doc, line)


def _total_below(doc: Document, last: int) -> tuple[int, _Span | None]:
    """``**Total:** ~2 hours`` on the first non-blank line after the list."""
    line = last + 1
    while line <= doc.line_count and not doc.line_text(line).strip():
        line += 1
    text = prose(doc.line_text(line))
    if line in doc.code_lines or not _TOTAL_LINE.match(text) or _PER_UNIT.search(text):
        return 0, None
    return line, _one_duration(doc, line)


# A count of things of one kind: "~400 lines", "12 files", "83 errors". The unit is singular-folded.
_COUNT_RE = re.compile(
    r"(?i)(?<![\w.,/-])([~≈]\s?)?(\d{1,3}(?:,\d{3})+|\d{1,6})\s?\+?\s?"
    r"(lines|line|files|file|errors|error|tests|test|endpoints|endpoint|functions|function|components|component"
    r"|warnings|warning|bugs|bug|issues|issue|screens|screen|pages|page)\b(?![\w-])")


def _counts(text: str) -> list[tuple[float, str, bool]]:
    """(value, unit, approximate) of each count in *text*, its unit singular."""
    return [(float(m.group(2).replace(",", "")), m.group(3).lower().rstrip("s"), bool(m.group(1)))
            for m in _COUNT_RE.finditer(text)]


def _count_total(doc: Document, start: int) -> tuple[int, str] | None:
    """A count announced on the line right above a list (``Deleted approximately **400 lines**:``) that
    the items, each giving one count of the same unit (``- teamStore.js: ~170 lines (3 functions)``),
    do not add up to."""
    line = start - 1
    intro = prose(doc.line_text(line)).rstrip(" \t*_")
    if not intro.endswith(":") or line in doc.code_lines or _PER_UNIT.search(intro):
        return None
    announced = _counts(intro)
    if len(announced) != 1:
        return None
    total, unit, approx = announced[0]
    items, _last = list_block(doc, start)
    if len(items) < 2:
        return None
    values: list[float] = []
    for item in items:
        text = prose(doc.line_text(item))
        mine = [c for c in _counts(text) if c[1] == unit]
        if len(mine) != 1 or _PER_UNIT.search(text) or _is_total_line(text):
            return None
        values.append(mine[0][0])
        approx = approx or mine[0][2] or _APPROX.search(text) is not None
    summed = _Span(sum(values), sum(values), approx)
    stated = _Span(total, total, approx or _APPROX.search(intro) is not None)
    if _agrees(summed, stated):
        return None
    plural = unit + "s"
    return line, (f"The {len(items)} items listed (lines {items[0]}-{items[-1]}) add up to {sum(values):g} "
                  f"{plural}, not the {total:g} {plural} stated as their total.")


# --- arithmetic -----------------------------------------------------------------------------------


def _minutes(estimate: Estimate, text: str) -> _Span:
    return _Span(estimate.minutes, estimate.minutes_high, _APPROX.search(text) is not None, True)


def _add(parts: list[_Span]) -> _Span:
    return _Span(sum(p.low for p in parts), sum(p.high for p in parts), any(p.approx for p in parts),
                 parts[0].minutes)


def _agrees(summed: _Span, stated: _Span) -> bool:
    slack = 0.15 if summed.approx or stated.approx else 0.02
    low, high = stated.low * (1 - slack), stated.high * (1 + slack)
    return summed.high >= low and summed.low <= high


def _show(span: _Span) -> str:
    scale, unit = (60, " h") if span.minutes and span.high >= 60 else (1, " min") if span.minutes else (1, "")
    low, high = round(span.low / scale, 2), round(span.high / scale, 2)
    return (f"{low:g}" if low == high else f"{low:g}-{high:g}") + unit
