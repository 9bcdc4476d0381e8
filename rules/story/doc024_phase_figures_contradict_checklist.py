"""DOC024 phase-figures-contradict-checklist."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from rules.core.finding import Category, Finding, Severity
from rules.core.model import CheckItem, Document, Table, TaskDocs
from rules.core.phases import MENTION_RE, is_phase_tracker, is_set_aside, phase_key, phases, short
from rules.core.rule import Rule, RuleContext
from rules.core.tallies import HEADING_COUNT_RE, readings, totals

_TOTAL_COLUMN = ("total", "tasks", "items", "tests", "checks", "count")
_DONE_COLUMN = ("passed", "pass", "done", "complete", "ticked", "finished")
_WHOLE_RE = re.compile(r"(?i)\b(?:overall|total|whole|project|all phases|entire)\b")
_CELL_INT = re.compile(r"^[*_ ]*(\d{1,4})[*_ ]*$")
# "3/9", "**0 / 22**", "3/9 tasks"; a column of them counts only when headed as progress (a "Tests passing"
# column counts something else than the phase's tasks)
_PROGRESS_COLUMN = ("progress", "done", "complete", "task", "item", "status", "진행", "完成", "进度")
_CELL_FRACTION = re.compile(r"^[*_ ]*+(\d{1,4})\s*+/\s*+(\d{1,4})(?:\s*+(?:tasks?|items?|boxes))?[*_ ]*+$")


@dataclass(frozen=True, slots=True)
class _Boxes:
    total: int
    ticked: int
    top_total: int  # the same, top-level boxes only (a table may count tasks, not their sub-steps)
    top_ticked: int
    groups: int  # sub-sections holding boxes (a table may count "### 1.1" groups), and those all ticked
    groups_done: int

    def agrees(self, done: int, total: int) -> bool:
        counts = ((self.ticked, self.total), (self.top_ticked, self.top_total), (self.groups_done, self.groups))
        return (done, total) in counts


class PhaseFiguresContradictChecklistOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    tolerance: float = Field(10, ge=0, le=100, description="Points a phase percentage may differ from its boxes.")
    min_boxes: int = Field(3, ge=1, description="Compare only phases with this many boxes or more.")


class PhaseFiguresContradictChecklist(Rule):
    """A phase's stated figures disagree with the checkboxes under that phase's own heading.

    Two shapes, each naming exactly one phase: a progress percentage ("Phase 4 … 50% done", on a
    tracker line or the phase heading, the phase named before the figure and the line not about the
    whole task) compared with the share of ticked boxes in that phase's section; and a summary table
    with one row per phase and a total and a done/passed column, or a progress / done / tasks column
    of ``done/total`` cells (``| Phase 1 | 0/3 | Not started |``), compared with the number of boxes
    and of ticked boxes in each phase's section (all of them, only the top-level ones, or the
    sub-sections holding them: a table may count tasks or groups of them, not steps). A progress
    cell is reported only when it also says none, some or all of the phase done and the boxes say
    otherwise. A third shape is a heading that says how many tasks it holds ("## Phase 2: API (4
    tasks)", in any section, so phases named in another language count too), reported when no way
    of counting its boxes (all, top-level, groups under sub-headings, numbered tasks) gives that
    number. Phase trackers, deliberately set-aside boxes and status legends are not counted.

    Why: the per-phase figures are what a reader scans to see where the work stands. When the
    checklist under the phase says otherwise, the summary was not updated when the boxes were
    (or the other way round), and the reader plans from the wrong one.

    Bad:
        - [ ] Phase 2 (API) - 75% done

        ## Phase 2: API
        - [x] Routes
        - [ ] Validation
        - [ ] Pagination
        - [ ] Docs

    Good:
        - [ ] Phase 2 (API) - 25% done
    """

    code = "DOC024"
    name = "phase-figures-contradict-checklist"
    category = Category.CONSISTENCY
    severity = Severity.MEDIUM
    rationale = "Per-phase figures that the phase's own checklist contradicts misreport where the work stands."
    fix = "Recount the phase's boxes and correct the figure (or tick the boxes the figure counts as done)."
    effort_minutes = 5
    Options = PhaseFiguresContradictChecklistOptions

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        for doc in task.documents:
            boxes = _phase_boxes(doc)
            if not boxes:
                continue
            for claim in doc.progress:
                named = _phase_of_percent(claim.text)
                if named is None or claim.percent is None or claim.done is not None or named not in boxes:
                    continue
                counted = boxes[named]
                if counted.total < self.options.min_boxes:
                    continue
                share = 100 * counted.ticked / counted.total
                if abs(share - claim.percent) > self.options.tolerance:
                    yield self.finding(
                        task, doc, claim.line,
                        f"{named} is given as {claim.percent:g}% done, but {counted.ticked} of its "
                        f"{counted.total} boxes are ticked ({share:.0f}%).",
                        key=f"{named}:percent",
                    )
            for table in doc.tables:
                yield from self._table(task, doc, table, boxes)
        for doc in task.documents:
            yield from self._heading_counts(task, doc)

    def _heading_counts(self, task: TaskDocs, doc: Document) -> Iterator[Finding]:
        """Headings that say how many tasks they hold ("## Phase 2: API (4 tasks)") over boxes that no
        way of counting (all, top-level, groups, numbered tasks) gives that number: one finding per file."""
        legend = {i.line for s in doc.sections if "legend" in s.key for i in doc.items_in(s)}
        wrong: list[tuple[int, str]] = []
        for section in doc.sections:
            if (match := HEADING_COUNT_RE.search(section.title)) is None:
                continue
            items = [i for i in doc.items_in(section) if _countable(i) and i.line not in legend]
            if len(items) < self.options.min_boxes:
                continue
            stated, tallies = int(match.group(1) or match.group(2)), readings(doc, items)
            if stated not in totals(tallies):
                counted = {t.total: t.how for t in reversed(tallies)}
                found = ", ".join(f"{total} {how}" for total, how in sorted(counted.items(), reverse=True))
                wrong.append((section.line, f"{short(section.title, 60)!r} says {stated}, holds {found}"))
        if wrong:
            yield self.finding(
                task, doc, wrong[0][0],
                "A heading's task count matches no way of counting the boxes under it ("
                + "; ".join(w for _, w in wrong) + ").",
                key="heading-counts", severity=Severity.LOW, related=[(doc, line) for line, _ in wrong[1:]],
            )

    def _table(self, task: TaskDocs, doc: Document, table: Table, boxes: dict[str, _Boxes]) -> Iterator[Finding]:
        total_at, done_at = table.column(*_TOTAL_COLUMN), table.column(*_DONE_COLUMN)
        if total_at is None or done_at is None or total_at == done_at or total_at == 0:
            total_at = done_at = None
        fraction_at = _fraction_column(table) if total_at is None else None
        wrong: list[tuple[int, str]] = []
        for row, line in zip(table.rows, table.row_lines, strict=False):
            named = _one_phase(row[0]) if row else None
            if named is None or named not in boxes:
                continue
            figures = _figures(row, total_at, done_at, fraction_at)
            counted = boxes[named]
            if figures is None or counted.agrees(*figures):
                continue
            if fraction_at is not None and _stage(*figures) == _stage(counted.ticked, counted.total):
                # "3/9" may count top-level tasks or groups where the boxes count sub-steps too: a
                # progress cell is wrong only when it says none, some or all done and the boxes do not.
                continue
            shown = f"{counted.ticked}/{counted.total}"
            if counted.top_total != counted.total:
                shown += f" ({counted.top_ticked}/{counted.top_total} top-level)"
            wrong.append((line, f"{named}: {figures[0]}/{figures[1]} in the table, {shown} boxes"))
        if wrong:
            yield self.finding(
                task, doc, wrong[0][0],
                "The phase table's counts disagree with the phases' checkboxes (" + "; ".join(w for _, w in wrong)
                + ").",
                key=f"table:{table.line}",
            )


def _phase_of_percent(text: str) -> str | None:
    """The one phase a percentage line is about: named before the first percentage, and the line not
    about the whole task ("Overall: 60% complete, Phase 2 next" is about the task)."""
    cut = text.find("%")
    if cut < 0 or _WHOLE_RE.search(text):
        return None
    return _one_phase(text[:cut]) if _one_phase(text) is not None else None


def _one_phase(text: str) -> str | None:
    found = {phase_key(m) for m in MENTION_RE.finditer(text)}
    return found.pop() if len(found) == 1 else None


def _figures(
    row: tuple[str, ...], total_at: int | None, done_at: int | None, fraction_at: int | None
) -> tuple[int, int] | None:
    """(done, total) of a phase row: from its total and done columns, else from its "done/total"
    cell in the table's progress column (a "Progress" column holding "3/9")."""
    if total_at is not None and done_at is not None:
        if max(total_at, done_at) >= len(row):
            return None
        total, done = _int(row[total_at]), _int(row[done_at])
        return None if total is None or done is None else (done, total)
    if fraction_at is None or fraction_at >= len(row) or (match := _CELL_FRACTION.match(row[fraction_at])) is None:
        return None
    done, total = int(match.group(1)), int(match.group(2))
    return (done, total) if 0 <= done <= total else None


def _fraction_column(table: Table) -> int | None:
    """A column of ``done/total`` counts (``| Phase 2: API | 3/9 | In progress |``): the first after
    the phase names, headed as progress, whose every cell in a phase row is one."""
    rows = [row for row in table.rows if row and _one_phase(row[0]) is not None]
    for at in range(1, len(table.header)):
        if not any(word in table.header[at].lower() for word in _PROGRESS_COLUMN):
            continue
        if rows and all(at < len(row) and _CELL_FRACTION.match(row[at]) for row in rows):
            return at
    return None


def _stage(done: int, total: int) -> int:
    """0 none done, 1 some, 2 all."""
    return 0 if done <= 0 else 2 if done >= total else 1


def _int(cell: str) -> int | None:
    match = _CELL_INT.match(cell)
    return int(match.group(1)) if match else None


def _phase_boxes(doc: Document) -> dict[str, _Boxes]:
    """Boxes under each phase heading (sub-sections included) of *doc*, by phase id; ids named twice left out."""
    legend = {i.line for s in doc.sections if "legend" in s.key for i in doc.items_in(s)}
    found: dict[str, _Boxes] = {}
    seen: set[str] = set()
    for phase in phases(doc):
        if phase.id in seen:
            found.pop(phase.id, None)
            continue
        seen.add(phase.id)
        items = [i for i in doc.items_in(phase.section) if _countable(i) and i.line not in legend]
        if items:
            top = [i for i in items if i.depth == 0]
            groups = [g for g in map(doc.items_in, doc.subsections(phase.section)) if g]
            found[phase.id] = _Boxes(len(items), sum(1 for i in items if i.checked),
                                     len(top), sum(1 for i in top if i.checked),
                                     len(groups), sum(1 for g in groups if all(i.checked for i in g)))
    return found


def _countable(item: CheckItem) -> bool:
    return not is_phase_tracker(item) and (item.checked or not is_set_aside(item))
