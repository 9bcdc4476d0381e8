"""Helpers shared by the story rules: places, checkbox nesting, blockers and criteria sections."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from rules.core.model import CheckItem, Document, Section, Status, TaskDocs
from rules.core.state import finished
from rules.core.story import Statement, TaskState, TaskStory, core_documents
from rules.core.text import strip_comments
from rules.core.vocabulary import BLOCKER_HEADINGS, BLOCKER_LABELS, NONE_WORDS, RESOLVED_WORDS
from rules.story._follow_ups import points_elsewhere


def where(doc: Document, line: int) -> str:
    return f"{doc.name}:{line}"


def quote(text: str, limit: int = 60) -> str:
    text = strip_comments(text).strip().strip("*_ ")
    return repr(text if len(text) <= limit else text[: limit - 1].rstrip() + "…")


def finished_how(task: TaskDocs, story: TaskStory) -> str:
    """``archived under 'dev/archive/'`` or ``declared done in x-tasks.md:3 ('Complete (6/6)')``."""
    if story.state is TaskState.ARCHIVED:
        return f"archived under {task.root + '/'!r}"
    assert story.evidence is not None and story.evidence_doc is not None
    return f"declared done in {where(story.evidence_doc, story.evidence.line)} ({quote(story.evidence.words)})"


def finished_as(task: TaskDocs, story: TaskStory) -> str | None:
    """How the work is finished, for "the task is …": settled (:func:`finished_how`), or every box of
    work ticked with no status saying otherwise (``finished (every box … is ticked (3))``); else None."""
    if story.settled:
        return finished_how(task, story)
    ticked = finished(task)
    return f"finished ({ticked.reason})" if ticked is not None else None


BEGUN_AT = 3  # ticked boxes of the tasks file from which the work has begun


def begun_boxes(task: TaskDocs) -> list[CheckItem]:
    """The tasks file's ticked boxes when there are :data:`BEGUN_AT` or more (the work has begun), else none."""
    ticked = [item for item in task.tasks.items if item.checked] if task.tasks is not None else []
    return ticked if len(ticked) >= BEGUN_AT else []


# --- criteria sections --------------------------------------------------------------------------

# "Archive this folder", "mv dev/active/x dev/archive/", "Archive to dev/complete after merge", "archive when ready"
# "Move this dev/active/ trio to `dev/archive/`"; 아카이브로 이동 / 归档.
ARCHIVE_STEP_RE = re.compile(r"(?i)\b(?:archive|move)\s+(?:this|the)\s+(?:\S+\s+)?(?:task\s+)?"
                             r"(?:folder|task|directory|docs|documents|files|trio|set)\b"
                             r"|\bmv\s+\S*dev/active/"
                             r"|\b(?:archive|move)\s+(?:it\s+|them\s+)?(?:to|into|under)\s+[`'\"]?(?:\./)?dev/"
                             r"|\bmove\b[^.\n]{0,40}?\b(?:to|into|under)\s+[`'\"]?(?:\./)?dev/(?:archive|complete)"
                             r"|\barchive\s+(?:it\s+)?(?:when|once|after)\b|아카이브로?\s*(?:이동|이관)"
                             # 归档 asked for (完成后归档, 将本目录归档, 归档到 …), not 已归档 (archived) or 冷归档
                             r"|(?:请|待|可以?|需要?|准备|之后|后|再|然后)\s*归档|[把将][^。，,.\n]{0,20}归档|归档(?:到|至|进|入)")


def still_to_do(doc: Document, item: CheckItem) -> bool:
    """An open box whose work is still to be done here: it does not say where the work went
    ("tracked in #214", a link) nor ask for the folder itself to be archived."""
    return not points_elsewhere(doc, item) and ARCHIVE_STEP_RE.search(item.text) is None


_CRITERIA_RE = re.compile(r"(?i)definition of done|done when|success (?:criteria|metrics|measures)|measures of success"
                          r"|acceptance criteria|exit criteria|completion criteria"
                          r"|완료 조건|완료 기준|성공 기준|성공 지표")


@dataclass(frozen=True, slots=True)
class CriteriaBlock:
    title: str
    line: int
    items: tuple[CheckItem, ...]


_CRITERIA_LABEL_RE = re.compile(r"^\s*+[*_]{1,2}([^*_]{3,60})[*_]{1,2}\s*+:?\s*+$|^\s*+([^:*#|]{3,40}):\s*+$")


def criteria_blocks(doc: Document) -> Iterator[CriteriaBlock]:
    """Definition-of-done / success / acceptance criteria with checkboxes: sections titled so
    (outermost only), and ``**Acceptance criteria:**`` labels over a list of checkboxes."""
    inside_until = 0
    for section in doc.sections:
        if section.line <= inside_until:
            continue
        if _CRITERIA_RE.search(section.title):
            inside_until = section.end_line
            yield CriteriaBlock(section.title, section.line, doc.items_in(section))
    for number in doc.lines_containing(("criteria", "definition of done", "done when", "완료")):
        label = _CRITERIA_LABEL_RE.match(strip_comments(doc.line_text(number)))
        title = label and (label.group(1) or label.group(2))
        if not title or not _CRITERIA_RE.search(title) or _in_criteria_section(doc, number):
            continue
        block, end = list[CheckItem](), number
        for item in doc.items[bisect_right(doc.items, number, key=_item_line):]:
            if item.line > end + 1 + (1 if not block else 0):
                break
            block.append(item)
            end = item.end_line
        if block:
            yield CriteriaBlock(title.strip(), number, tuple(block))


def _in_criteria_section(doc: Document, line: int) -> bool:
    index = doc.section_index(line)
    while index is not None:
        if doc.sections[index].line != line and _CRITERIA_RE.search(doc.sections[index].title):
            return True
        index = doc.sections[index].parent
    return False


def _item_line(item: CheckItem) -> int:
    return item.line


# --- criteria marked met ------------------------------------------------------------------------

# Criteria of the whole work, as section titles (success metrics too: DOC007 reads their done marks).
_MET_TITLE_RE = re.compile(r"(?i)definition of done|done when|complete when|success (?:criteria|metrics|measures)"
                           r"|measures of success|acceptance criteria|exit criteria|completion criteria"
                           r"|완료 조건|완료 기준|성공 기준|성공 지표|成功指标|成功标准|验收标准|完成标准")
# A heading about one part of the work: "Phase 2 exit criteria", "Must have (Step 1)".
_PART_TITLE_RE = re.compile(r"(?i)\b(?:phase|stage|step|sprint|milestone|part|task)\s*+#?[0-9]")
_ENTRY_RE = re.compile(r"^(\s*+)(?:[-*+]|\d{1,3}[.)])\s++(?P<rest>\S.*)$")
_BOX_RE = re.compile(r"^\[(.)\]")
MIN_MET = 3  # a list of criteria, not one line


@dataclass(frozen=True, slots=True)
class MetCriteria:
    """A list of criteria every entry of which is marked met (``[x]``, ``✅``)."""

    title: str  # the heading over it
    line: int  # the heading's line
    items: tuple[int, ...]  # the lines of its entries


def met_criteria(doc: Document) -> tuple[MetCriteria, ...]:
    """The criteria lists of the whole work in *doc* whose entries are all marked met: the own
    lines of each section titled as criteria (outermost only) and of each of its sub-sections,
    read one by one; sections about one phase or step left out."""
    return doc.derive(_met_criteria)


def _met_criteria(doc: Document) -> tuple[MetCriteria, ...]:
    marks = {mark.line: mark.status for mark in doc.statuses}
    found: list[MetCriteria] = []
    inside_until = 0
    for index, section in enumerate(doc.sections):
        if section.line <= inside_until or not _MET_TITLE_RE.search(section.title):
            continue
        inside_until = section.end_line
        if _about_a_part(doc, index):
            continue
        for at in range(index, index + 1 + len(doc.sections_within(section))):
            part = doc.sections[at]
            if at != index and _PART_TITLE_RE.search(part.title):
                continue
            children = doc.child_sections[at]
            entries = _entries(doc, part.line + 1, doc.sections[children[0]].line - 1 if children else part.end_line)
            if len(entries) >= MIN_MET and all(_marked_met(doc, n, marks) for n in entries):
                found.append(MetCriteria(part.title, part.line, tuple(entries)))
    return tuple(found)


def _about_a_part(doc: Document, index: int | None) -> bool:
    while index is not None:
        if _PART_TITLE_RE.search(doc.sections[index].title):
            return True
        index = doc.sections[index].parent
    return False


def _entries(doc: Document, first: int, last: int) -> list[int]:
    """The top-level list entries on lines *first* to *last* (code blocks left out)."""
    entries: list[tuple[int, int]] = []
    for number in range(first, last + 1):
        match = _ENTRY_RE.match(doc.line_text(number))
        if match and number not in doc.code_lines:
            entries.append((number, len(match.group(1).expandtabs(4))))
    top = min((indent for _n, indent in entries), default=0)
    return [n for n, indent in entries if indent == top]


def entry_text(doc: Document, line: int) -> str:
    """A list entry's text without its bullet or box."""
    match = _ENTRY_RE.match(doc.line_text(line))
    rest = match.group("rest") if match else doc.line_text(line)
    return _BOX_RE.sub("", rest).strip()


def _marked_met(doc: Document, line: int, marks: dict[int, Status]) -> bool:
    match = _ENTRY_RE.match(doc.line_text(line))
    box = _BOX_RE.match(match.group("rest")) if match else None
    if box is not None:
        return box.group(1) in "xX"
    return marks.get(line) is Status.COMPLETE


# --- blockers -----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class BlockerNote:
    doc: Document
    line: int
    text: str
    none: bool  # "Blockers: none", a Blockers section saying there are none


_BLOCKER_LABEL_RE = re.compile(
    r"(?i)^\s*+(?:[-*+]\s++|\d+[.)]\s++)?(?:\[[ xX]\]\s++)?[*_]*+\[?\s*+(?:⚠️?\s*+)?(?:current\s+)?"
    r"(blockers?|blocked by|" + "|".join(BLOCKER_LABELS) + ")"
    r"\s*+\]?[*_]*+\s*+(?:[:：—–-]|\]|\*\*)\s*+[*_]*+\s*+(?P<value>.*)$"
)
_NONE_RE = re.compile(r"(?i)^\W*+(?:none|no\b|nothing|n/?a\b|(?:" + "|".join(NONE_WORDS) + r")(?!\w)|-$|—$|$)")
_RESOLVED_RE = re.compile(r"(?i)~~|✅|☑|\b(?:resolved|fixed|unblocked|cleared|solved|done|completed?|removed|"
                          r"no longer|was blocked|were blocked|" + "|".join(RESOLVED_WORDS) + r")\b")
_HYPOTHETICAL_RE = re.compile(r"(?i)\b(?:if|could|might|may|would|risk|potential(?:ly)?|possible)\b")
_BLOCKER_SECTION_RE = re.compile(r"^(?:current |known |open |active |remaining )?(?:blockers?|blocked|impediments?"
                                 r"|blockers (?:and|&) (?:risks|issues)|" + "|".join(BLOCKER_HEADINGS)
                                 + r")(?: issues| list)?$")


# What every labelled blocker line holds (lower case): a stem of each English word and each of the
# other languages' BLOCKER_LABELS ("bloq" for bloqueos / bloquants, "bloca" for blocages).
_BLOCKER_NEEDLES = ("blocker", "blocked by", "블로커", "차단", "阻塞", "阻碍", "ブロッカー", "bloq", "bloca", "блокер",
                    "blok")


def blocker_notes(task: TaskDocs) -> list[BlockerNote]:
    """Where the folder speaks of blockers: ``Blocker: …`` lines and ``Blockers`` sections."""
    notes: list[BlockerNote] = []
    for doc in core_documents(task):
        labelled: set[int] = set()
        for number in doc.lines_containing(_BLOCKER_NEEDLES):
            text = doc.line_text(number)
            if number in doc.code_lines or text.lstrip().startswith(("|", "#")):
                continue
            match = _BLOCKER_LABEL_RE.match(text)
            if not match:
                continue
            labelled.add(number)
            value = match.group("value").strip().strip("*_ ")
            if _NONE_RE.match(value) and value:
                notes.append(BlockerNote(doc, number, text, True))
            elif value and not _RESOLVED_RE.search(text) and not _HYPOTHETICAL_RE.search(value):
                notes.append(BlockerNote(doc, number, text, False))
        for section in doc.sections:
            if _BLOCKER_SECTION_RE.match(section.key) and not _RESOLVED_RE.search(section.title):
                notes.extend(_section_notes(doc, section, labelled))
        notes.extend(_table_notes(doc))
    return notes


_BLOCKED_CELL_RE = re.compile(r"(?i)^\W*blocked\b")


def _table_notes(doc: Document) -> Iterator[BlockerNote]:
    """Rows of a table that name a blocker: a value in its Blocker column ("Requires VPS access"), or
    "Blocked" in its Status column; not rows whose line marks them resolved."""
    for table in doc.tables:
        blocker = table.column("blocker", "blocked by")
        status = table.column("status")
        if blocker is None and status is None:
            continue
        for row, number in zip(table.rows, table.row_lines, strict=False):
            text = doc.line_text(number)
            named = blocker is not None and blocker < len(row) and not _NONE_RE.match(row[blocker].strip("*_ "))
            blocked = status is not None and status < len(row) and _BLOCKED_CELL_RE.match(row[status]) is not None
            if (named or blocked) and not _RESOLVED_RE.search(text) and not _HYPOTHETICAL_RE.search(text):
                yield BlockerNote(doc, number, " | ".join(cell for cell in row if cell.strip()), False)


def _section_notes(doc: Document, section: Section, skip: set[int]) -> Iterator[BlockerNote]:
    body = [(n, doc.line_text(n)) for n in range(section.line + 1, section.end_line + 1)
            if doc.line_text(n).strip() and n not in doc.code_lines and n not in skip]
    body = [(n, t) for n, t in body if not t.lstrip().startswith(("#", "---", "|", ">"))]
    if not body:
        return
    first_n, first = body[0]
    if _NONE_RE.match(re.sub(r"^\s*(?:[-*+]\s+)?(?:\[[ xX]\]\s+)?", "", first).strip("*_ ")):
        if len(body) == 1:
            yield BlockerNote(doc, first_n, first, True)
        return
    if not re.match(r"^\s*(?:[-*+]|\d+[.)])\s", first) and _RESOLVED_RE.search(first):
        return  # "**Current**: ✅ RESOLVED - Segfault fixed!": the section opens by settling it; the rest is its story
    for number, text in body:
        item = re.match(r"^\s*(?:[-*+]|\d+[.)])\s+(?P<rest>.*)$", text)
        if item is None or text.lstrip().startswith(("- [x]", "* [x]", "- [X]")):
            continue
        rest = item.group("rest")
        if not _RESOLVED_RE.search(rest) and not _HYPOTHETICAL_RE.search(rest) and not _NONE_RE.match(rest):
            yield BlockerNote(doc, number, text, False)


def statement_text(statement: Statement) -> str:
    return quote(statement.words)
