"""The story model: where each file of a task says the work stands, and where the folder does.

Per file, the overall status statements (``Status:`` / ``Progress:`` lines, a title badge, a
progress summary, a ``Last Updated: … (Phase 2 complete)`` note, the first line of a ``## Status``
section at the top), each with a normalised
:class:`State`, its line, its words and whether it speaks for the whole work or for named parts
(``Phase 1A Complete``). Per task, a derived :class:`TaskState` from the folder (``dev/archive``
and friends), the statements and the checkboxes. Pure: a function of the documents alone.

Not statements: a ``Status`` column of a table (a table of phases, sprints or tasks with a status
column is read apart, by :func:`work_rows`: its rows marked done or under way show that the work
has begun, never where the whole work stands), a legend
(``✅ = done``, ``[ ] Open / [x] Fixed``), an instruction (``complete the migration``), and
status words in prose (only labelled lines, title badges and progress summaries count).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from rules.core._story_words import State, from_status, read_value
from rules.core.extract import find_status
from rules.core.model import CheckItem, Document, Progress, Role, Status, TaskDocs
from rules.core.phases import is_later_heading, is_legend_item, phases
from rules.core.sections import first_line, first_subsection_line, is_prose, title_section
from rules.core.text import clip, strip_comments
from rules.core.vocabulary import STATUS_LABELS

__all__ = ["BEGUN_MARKS", "HEADER_LINES", "State", "Statement", "TaskState", "TaskStory", "core_documents",
           "file_statements", "footer_statements", "open_work", "overall", "set_aside", "story", "work_rows"]

HEADER_LINES = 12  # a statement this near the top speaks for the file even under a first "##" heading
_FOOTER_LINES = 10


class TaskState(enum.StrEnum):
    """Where the folder as a whole stands, strongest evidence first."""

    ARCHIVED = "archived"  # under dev/archive, dev/completed, …
    DECLARED_DONE = "declared_done"  # a file's overall status says done
    ALL_TICKED = "all_ticked"  # every box of the tasks file is ticked
    IN_PROGRESS = "in_progress"
    NOT_STARTED = "not_started"

    @property
    def finished(self) -> bool:
        return self in (TaskState.ARCHIVED, TaskState.DECLARED_DONE)


@dataclass(frozen=True, slots=True)
class Statement:
    """One status statement of a file."""

    kind: str  # "label" (Status: …), "badge" (title emoji/word), "progress" (6/6, 100%), "note" (Last Updated
    # (…)), "date" (Completed: 2026-01-09)
    state: State
    line: int
    words: str  # the value as written, clipped
    place: str  # "header" | "body" | "footer"
    scoped: bool = False  # about named parts of the work (Phase 1A), not the whole
    done_parts: tuple[str, ...] = ()  # ids of the parts it calls done


@dataclass(frozen=True, slots=True)
class TaskStory:
    state: TaskState
    evidence: Statement | None  # the statement behind DECLARED_DONE, if any
    evidence_doc: Document | None
    contested: bool = False  # declared done, but another file's status or open boxes say otherwise

    @property
    def settled(self) -> bool:
        """Finished beyond dispute: archived, or declared done with nothing in the folder saying otherwise."""
        return self.state is TaskState.ARCHIVED or (self.state is TaskState.DECLARED_DONE and not self.contested)


# "**Status:** …", "> Status: …", "- **Overall Progress**: …", "상태: …", "## 구현 상태: 완료"
# (Korean "implementation status"), "状态：已完成", "Stan: w toku"; never a table row.
_LABEL_RE = re.compile(
    r"^\s*+(?:>\s*+)?(?:[-*+]\s++)?(?:#{1,6}\s++)?[*_]*+\s*+"
    r"((?:overall|current|project|task|implementation|work)\s+|(?:전체|현재|구현|작업|프로젝트)\s*+)?"
    rf"(status|state|progress|{'|'.join(STATUS_LABELS)})"
    r"\s*+[*_]*+\s*+[:：]\s*+[*_]*+\s*+(?P<value>\S.*)$",
    re.IGNORECASE,
)
_LABEL_CUES = ("status", "state", "progress", "상태", "진행", "状态", "狀態", "状態", "进度", "進度", "進捗",
               "ステータス", "stan", "статус", "состояние", "прогресс", "estado", "progres", "situação", "fortschritt")
_PROGRESS_LABELS = ("progress", "진행", "进度", "進度", "進捗", "прогресс", "progreso", "progresso", "fortschritt")
_NOTE_RE = re.compile(r"\(([^()]{3,80})\)\s*$")
_MARKUP_RE = re.compile(r"[*_`]+")


def file_statements(doc: Document) -> tuple[Statement, ...]:
    """Every status statement of *doc*, in line order (computed once per document)."""
    return doc.derive(_statements)


def _statements(doc: Document) -> tuple[Statement, ...]:
    first_sub = first_subsection_line(doc)
    footer_from = _footer_start(doc)

    in_phase = [(phase.section.line, phase.section.end_line) for phase in phases(doc)]

    def place(line: int) -> str:
        if line < first_sub or (line <= HEADER_LINES and not any(start <= line <= end for start, end in in_phase)):
            return "header"  # near the top, but not a phase's own status line ("### Phase 1" then "Status: complete")
        return "footer" if line >= footer_from else "body"

    found: dict[int, Statement] = {}
    title = doc.title
    if title is not None and title.level == 1 and (state := from_status(title.status)) is not None:
        found[title.line] = Statement("badge", state, title.line, title.title, "header")
    for number in doc.lines_containing(_LABEL_CUES):
        if number in doc.code_lines or number in found:
            continue
        if (statement := _label(doc.line_text(number), number, place(number))) is not None:
            found[number] = statement
    if (statement := _status_section(doc, first_sub)) is not None and statement.line not in found:
        found[statement.line] = statement
    for ref in doc.dates:
        if ref.label == "completed" and ref.date is not None and place(ref.line) == "header":
            found.setdefault(ref.line, Statement("date", State.DONE, ref.line, f"Completed: {ref.raw}"[:120], "header"))
            continue
        note = _NOTE_RE.search(ref.raw)
        if note and ref.line not in found and place(ref.line) != "body":
            state, scoped, done, ambiguous = read_value(note.group(1))
            if state is not None and not ambiguous:
                found[ref.line] = Statement("note", state, ref.line, note.group(1), place(ref.line), scoped, done)
    for claim in doc.progress:
        if (claim.line not in found and place(claim.line) == "header" and claim.line not in doc.code_lines
                and (statement := _progress(claim)) is not None):
            found[claim.line] = statement
    return tuple(found[line] for line in sorted(found))


def _label(text: str, number: int, where: str) -> Statement | None:
    if text.lstrip().startswith("|"):
        return None
    match = _LABEL_RE.match(clip(strip_comments(text)))
    if not match:
        return None
    value = _MARKUP_RE.sub("", match.group("value")).strip()
    state, scoped, done, ambiguous = read_value(value)
    if state is None or ambiguous:
        return None
    if match.group(2).lower().startswith(_PROGRESS_LABELS) and state is State.DONE and "/" in value:
        progress = _fraction_state(value)
        state = progress if progress is not None else state
    return Statement("label", state, number, value[:120], where, scoped, done)


# A heading that is only the status label: "## Status", "## Current Status", "### 상태", "## Stan". Not
# "## Current State": a plan's describes the system before the work (DOC001 reads a context's apart).
_STATUS_HEADING_RE = re.compile(
    r"(?:(?:overall|current|project|task|implementation|work)\s+|(?:전체|구현|작업|프로젝트)\s*+)?"
    rf"(?:status|{'|'.join(STATUS_LABELS)})",
    re.IGNORECASE,
)
_LEAD_RE = re.compile(r"^\s*+(?:[-*+]\s++)?(?:\*\*|__)(?P<bold>[^*_\n]{1,120}?)(?:\*\*|__)")
_FIRST_SENTENCE_RE = re.compile(r"(?<=[.!?])\s")


def _status_section(doc: Document, first_sub: int) -> Statement | None:
    """The value a status section at the top gives on its first line: ``## Status`` then ``done``,
    or ``**Program complete 2026-08-01.** All steps landed…`` (its bold lead, else its first
    sentence). Only the file's first section, or one that starts within :data:`HEADER_LINES`,
    speaks for the file; a table, a checkbox, a heading or code under it is no such value."""
    for section in doc.sections:
        if section.line > max(first_sub, HEADER_LINES):
            return None
        if section.level == 1 or not _STATUS_HEADING_RE.fullmatch(section.key):
            continue
        if (number := first_line(doc, section)) is None:
            continue
        if not is_prose(doc, number):
            return None
        text = doc.line_text(number)
        lead = _LEAD_RE.match(text)
        value = lead.group("bold") if lead else _FIRST_SENTENCE_RE.split(text.strip(), maxsplit=1)[0]
        value = _MARKUP_RE.sub("", strip_comments(value)).strip(" -*+.:")
        state, scoped, done, ambiguous = read_value(clip(value))
        if state is None or ambiguous:
            return None
        return Statement("label", state, number, value[:120], "header", scoped, done)
    return None


_FRACTION_RE = re.compile(r"(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)")


def _fraction_state(value: str) -> State | None:
    match = _FRACTION_RE.search(value)
    if not match or float(match.group(2)) <= 0:
        return None
    done, total = float(match.group(1)), float(match.group(2))
    return State.DONE if done >= total else State.NOT_STARTED if done == 0 else State.IN_PROGRESS


_SCOPE_RE = re.compile(r"(?i)\b(?:phase|stage|step|session|sprint|milestone|part)\s*[0-9]")


def _progress(claim: Progress) -> Statement | None:
    """A progress summary near the top: ``6/6 tasks complete (100%)``; a phase's own count is not overall."""
    if _SCOPE_RE.search(claim.text) or claim.text.lstrip().startswith("|"):
        return None
    if claim.total:
        done = claim.done or 0.0
        state = State.DONE if done >= claim.total else State.NOT_STARTED if done == 0 else State.IN_PROGRESS
    elif claim.percent is not None:
        state = State.DONE if claim.percent >= 100 else State.NOT_STARTED if claim.percent == 0 else State.IN_PROGRESS
    else:
        return None
    return Statement("progress", state, claim.line, claim.text[:120], "header")


def _footer_start(doc: Document) -> int:
    """First line of the footer: after the last horizontal rule near the end, else the last lines."""
    last = doc.line_count
    for number in range(last, max(0, last - _FOOTER_LINES * 2), -1):
        if doc.line_text(number).strip() in ("---", "***", "___") and number not in doc.code_lines:
            return number + 1 if last - number <= _FOOTER_LINES * 2 else last - _FOOTER_LINES + 1
    return max(HEADER_LINES + 1, last - _FOOTER_LINES + 1)


def overall(doc: Document) -> Statement | None:
    """The file's overall status: its first header statement about the whole work (label first)."""
    header = [s for s in file_statements(doc) if s.place == "header" and not s.scoped]
    for kind in ("label", "badge", "progress", "date"):
        if found := next((s for s in header if s.kind == kind), None):
            return found
    return None


def footer_statements(doc: Document) -> tuple[Statement, ...]:
    return tuple(s for s in file_statements(doc) if s.place == "footer")


def core_documents(task: TaskDocs) -> tuple[Document, ...]:
    """The plan, context and tasks files, then extras beside them (a HANDOFF.md; not sub-folders)."""
    return _core(task)


def story(task: TaskDocs) -> TaskStory:
    """The folder's derived state (computed from the documents; cheap, no caching needed)."""
    declared = next(((doc, s) for doc in _core(task) if (s := overall(doc)) is not None and s.state is State.DONE),
                    None)
    if task.archived:
        return TaskStory(TaskState.ARCHIVED, declared[1] if declared else None, declared[0] if declared else None)
    if declared:
        contested = bool(open_work(task.tasks)) if task.tasks is not None else False
        contested = contested or any((s := overall(d)) is not None and s.state is not State.DONE for d in _core(task))
        return TaskStory(TaskState.DECLARED_DONE, declared[1], declared[0], contested)
    items = task.tasks.items if task.tasks else ()
    if items and all(item.checked for item in items):
        return TaskStory(TaskState.ALL_TICKED, None, None)
    begun = any(item.checked for item in items) or any(
        (s := overall(doc)) is not None and s.state.begun for doc in _core(task))
    return TaskStory(TaskState.IN_PROGRESS if begun else TaskState.NOT_STARTED, None, None)


def _core(task: TaskDocs) -> tuple[Document, ...]:
    """The plan, context and tasks files, then extras that are not in sub-folders (a HANDOFF.md)."""
    depth = task.path.count("/") + 1
    extras = tuple(d for d in task.extras if d.role is Role.EXTRA and d.path.count("/") == depth and not task.loose)
    return (*(d for d in (task.plan, task.context, task.tasks) if d is not None), *extras)



_SET_ASIDE_RE = re.compile(r"(?i)\b(?:optional|deferred|future|later|out of scope|stretch|nice[- ]to[- ]have"
                           r"|won'?t do|not needed|n/a|skipped)\b")


def set_aside(item: CheckItem) -> bool:
    """An open box left open on purpose: optional, deferred, on hold, or struck through."""
    return item.status in (Status.OPTIONAL, Status.PAUSED) or "~~" in item.text or bool(_SET_ASIDE_RE.search(item.text))


def open_work(doc: Document) -> list[CheckItem]:
    """The open boxes of *doc* that are work still to do: boxes set aside, boxes under future /
    follow-up / optional headings and the sample boxes of a legend left out."""
    later = doc.derive(_later_sections)
    return [i for i in doc.items if not i.checked and not set_aside(i) and not _under(doc, i.section, later)
            and not is_legend_item(doc, i)]


# A table tracks work when one column names the work (phase, sprint, milestone, task…) and another
# its status: "| Sprint | Status |", "| # | Task | Status | Notes |", "| 단계 | 상태 |".
_WORK_COLUMNS = ("phase", "sprint", "milestone", "stage", "step", "task", "week", "단계", "작업", "阶段", "任务",
                 "フェーズ", "タスク", "etap", "zadani", "этап", "задач", "fase", "tarea", "tarefa")
_STATUS_COLUMNS = ("status", "state", "상태", "状态", "狀態", "状態", "ステータス", "stan", "статус", "estado")
# The marks of a part of the work (a phase heading, a table row, an item) that say it has begun.
BEGUN_MARKS = frozenset({Status.COMPLETE, Status.IN_PROGRESS, Status.PARTIAL})


def work_rows(doc: Document) -> tuple[tuple[int, Status], ...]:
    """The rows of *doc*'s work tables (a column naming phases, sprints or tasks and a status column,
    outside code blocks) whose status cell reads as done or under way, as (line, status), in line
    order. Rows marked pending, planned or blocked are not listed."""
    return doc.derive(_work_rows)


def _work_rows(doc: Document) -> tuple[tuple[int, Status], ...]:
    found: list[tuple[int, Status]] = []
    for table in doc.tables:
        status = table.column(*_STATUS_COLUMNS)
        work = table.column(*_WORK_COLUMNS)
        if status is None or work is None or work == status or table.line in doc.code_lines:
            continue
        for row, line in zip(table.rows, table.row_lines, strict=False):
            mark = find_status(row[status]) if status < len(row) else None
            if mark in BEGUN_MARKS and row[work].strip():
                found.append((line, mark))
    return tuple(found)


def _later_sections(doc: Document) -> frozenset[int]:
    """Sections titled as later work; never the document's title: "Framework V2 — Tasks" or "Search
    Enhancement — Tasks" names the work itself, not work put off."""
    title = title_section(doc)
    return frozenset(i for i, s in enumerate(doc.sections) if s is not title and is_later_heading(s.title))


def _under(doc: Document, index: int | None, later: frozenset[int]) -> bool:
    while index is not None:
        if index in later:
            return True
        index = doc.sections[index].parent
    return False
