"""DOC063 progress-figures-disagree."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, TaskDocs
from rules.core.phases import MENTION_RE
from rules.core.rule import Rule, RuleContext
from rules.core.story import core_documents
from rules.story._common import quote
from rules.story._fresh import line_date, section_date

# A line that gives the whole work's progress as a percentage: "**Overall Progress**: 40% (Phases 1-2 ✅)",
# "进度: 85% 完成", "진행률: 60%", "Postęp: 30%". The label is the progress word alone (with "overall",
# "total", "project"): "Phase 2 progress: 50%" or "Coverage: 80%" is not the whole work's.
_PROGRESS_RE = re.compile(
    r"(?i)^\s*(?:[-*+>]\s+)?(?:\*\*|__)?(?:(?:overall|total|project|current|整体|总|전체)\s*)?(?:project\s+)?"
    r"(?:progress|completion|进度|진행률|진행도|진척도|postęp|fortschritt|progreso|progresso)(?:\*\*|__)?"
    r"\s*+[:：]\s*+(?:\*\*|__)?\s*+~?(?P<value>\d{1,3}(?:\.\d+)?)\s*+%"  # possessive: a line of blanks
)  # after "Progress:" is not tried as every split between the runs (200 s per 200 KB before)
_EMPHASIS_RE = re.compile(r"\*\*|__")
# Phases named as a range: "Phases 1-4", "第1-4阶段", "1~3단계".
_PHASE_RANGE_RE = re.compile(r"(?i)\bphases?\s*\d+\s*[-–~]\s*\d+|第\s*\d+\s*[-–~]\s*\d+\s*阶段"
                             r"|\d+\s*[-–~]\s*\d+\s*(?:阶段|단계)")
_HINTS = ("progress", "completion", "进度", "진행", "진척", "postęp", "fortschritt", "progres")


@dataclass(frozen=True, slots=True)
class _Figure:
    line: int
    value: float
    date: dt.date | None


class ProgressFiguresDisagree(Rule):
    """One file gives the whole work's progress as two different percentages.

    Reads lines whose label is the progress word alone (``**Overall Progress**: 40%``, ``Progress:
    85%``, ``进度: 60%``, ``진행률: 70%``, ``Postęp: 30%``), outside code. A figure under a heading
    that names one phase is that phase's own (unless the line names phases itself: ``85% (Phases
    1-4 done)``), and a figure dated earlier than another is history (progress over time). The
    figures left, undated or of the latest date, are reported when they differ. One finding per
    file, at the first figure, naming the others.

    Why: the progress line is what a reader quotes. Two of them in one file (a header written at the
    start and a summary appended later, or the other way round) leave the reader to guess which one
    is current, and one of them is wrong.

    Bad:
        **Overall Progress**: 40% (Phases 1-2 done, Phase 3 in progress)
        …
        **Overall Progress**: 0% Complete (0/39 tasks)

    Good:
        **Overall Progress**: 40% (Phases 1-2 done, Phase 3 in progress)
    """

    code = "DOC063"
    name = "progress-figures-disagree"
    category = Category.CONSISTENCY
    severity = Severity.MEDIUM
    rationale = "Two progress figures in one file give two answers to how far the work is."
    fix = "Keep one progress line with the current figure; move older figures to a dated log."
    effort_minutes = 5

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        for doc in core_documents(task):
            current = _current(_figures(doc))
            if len({f.value for f in current}) < 2:
                continue
            first, others = current[0], [f for f in current[1:] if f.value != current[0].value]
            shown = ", ".join(f"{f.value:g}% at line {f.line}" for f in others[:4])
            message = (f"{doc.name} gives the work's progress as {first.value:g}% "
                       f"({quote(_EMPHASIS_RE.sub('', doc.line_text(first.line)), 50)}) and as {shown}.")
            yield self.finding(task, doc, first.line, message, key=f"{doc.name}:progress",
                               related=[(doc, f.line) for f in others[:10]])


def _figures(doc: Document) -> list[_Figure]:
    """The whole work's progress figures of *doc*: not those under one phase's heading (that phase's
    own), unless the line itself names phases ("85% (Phases 1-4 done)": the whole work's)."""
    found = []
    for number in doc.lines_containing(_HINTS):
        if number in doc.code_lines:
            continue
        text = doc.line_text(number)
        match = _PROGRESS_RE.match(text)
        if match is None:
            continue
        section = doc.section_of(number)
        if section is not None and MENTION_RE.search(section.title) and not _names_phases(text):
            continue
        found.append(_Figure(number, float(match.group("value")), line_date(text) or section_date(doc, section)))
    return found


def _names_phases(text: str) -> bool:
    return MENTION_RE.search(text) is not None or _PHASE_RANGE_RE.search(text) is not None


def _current(figures: list[_Figure]) -> list[_Figure]:
    """The figures that claim to be current: the undated ones and those of the latest date (a dated
    figure older than another is history: progress over time)."""
    dates = [f.date for f in figures if f.date is not None]
    latest = max(dates) if dates else None
    return [f for f in figures if f.date is None or f.date == latest]
