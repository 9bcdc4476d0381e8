"""Helpers of the freshness and stale-narrative rules (DOC010–DOC015): dates and where a finding goes."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from rules.core.finding import Finding
from rules.core.model import LAST_UPDATED_LABELS, Document, Section, TaskDocs
from rules.core.sections import LOG_RE

MAX_PER_FILE = 20  # findings of one rule in one file: past that, a reader has the pattern and the file a rewrite


def in_role_category(finding: Finding, doc: Document) -> Finding:
    """*finding* reported under the category of the file it is in (a stale plan line is a plan problem)."""
    return finding.in_role_category(doc.acting_role)


def core_docs(task: TaskDocs) -> tuple[Document, ...]:
    return tuple(d for d in (task.plan, task.context, task.tasks) if d is not None)


def stamps(doc: Document) -> list[tuple[dt.date, int]]:
    """(date, line) of the dated ``Last Updated`` stamps of *doc*, outside code, in line order."""
    return [(ref.date, ref.line) for ref in doc.dates
            if ref.label in LAST_UPDATED_LABELS and ref.date is not None and ref.line not in doc.code_lines]


def updated_on(doc: Document | None) -> dt.date | None:
    """The document's ``Last Updated`` date, if it states a readable one."""
    ref = doc.last_updated if doc is not None else None
    return ref.date if ref is not None else None


def newest_update(task: TaskDocs) -> tuple[Document, dt.date] | None:
    """The core document updated last, with its date (the first of equals, in plan/context/tasks order)."""
    dated = [(d, date) for d in core_docs(task) if (date := updated_on(d)) is not None]
    return max(dated, key=lambda pair: pair[1]) if dated else None


# --- dates in running text ------------------------------------------------------------------

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _month(group: str) -> str:
    """A month word (``Mar``, ``March``, ``Sept.``) captured as *group*."""
    return rf"(?P<{group}>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{{0,6}}\.?"


# One alternation, each branch anchored on a digit, a month word or ``Q``; no nested quantifiers.
_TEXT_DATE_RE = re.compile(
    r"(?i)(?<![\w.])(?:"
    r"(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
    rf"|{_month('nm')}\s(?P<nd>\d{{1,2}})(?:st|nd|rd|th)?,?\s(?P<ny>\d{{4}})"
    rf"|(?P<dd>\d{{1,2}})(?:st|nd|rd|th)?\s{_month('dm')},?\s(?P<dy>\d{{4}})"
    rf"|{_month('mm')}\s(?P<my>\d{{4}})"
    r"|q(?P<q>[1-4])(?:\s?/\s?q(?P<q2>[1-4]))?\s(?P<qy>\d{4})"
    r")(?![\w-])"
)


def dates_in(text: str) -> Iterator[tuple[int, dt.date, str]]:
    """``(offset, last day meant, raw)`` for each date written in *text*: a day (``2025-03-01``, an
    ISO timestamp ``2025-11-02T17:00:00.000Z``, ``March 3, 2025``, ``3 March 2025``), a month
    (``March 2025``: its last day) or a quarter
    (``Q1 2025``, ``Q2/Q3 2025``: the last day of the last quarter)."""
    for match in _TEXT_DATE_RE.finditer(text):
        date = _date_of(match)
        if date is not None:
            yield match.start(), date, match.group(0)


_DAY_RE = re.compile(r"\d{1,2}(?:st|nd|rd|th)?,?\s\d{4}$")  # "March 3, 2026": the day before the year


def is_day(raw: str) -> bool:
    """A date naming a day (``2026-01-13``, ``3 March 2026``, ``March 3, 2026``), not a month or a quarter."""
    return raw[:1].lower() != "q" and (raw[:1].isdigit() or _DAY_RE.search(raw) is not None)


def _date_of(match: re.Match[str]) -> dt.date | None:
    group = match.group
    try:
        if group("iy"):
            return dt.date(int(group("iy")), int(group("im")), int(group("id")))
        if group("nm"):
            return dt.date(int(group("ny")), _MONTHS.index(group("nm").lower()) + 1, int(group("nd")))
        if group("dm"):
            return dt.date(int(group("dy")), _MONTHS.index(group("dm").lower()) + 1, int(group("dd")))
        if group("mm"):
            return _month_end(int(group("my")), _MONTHS.index(group("mm").lower()) + 1)
        quarter = int(group("q2") or group("q"))
        return _month_end(int(group("qy")), quarter * 3)
    except ValueError:
        return None


def _month_end(year: int, month: int) -> dt.date:
    first_of_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - dt.timedelta(days=1)


# --- where a line stands: a dated entry, a log, the current state -----------------------------

_LEAD_RE = re.compile(r"[\s>*_+#|(\[-]*+(?:\d{1,3}\.\s)?[\s*_(\[]*+")
_CURRENT_RE = re.compile(r"\b(?:current|status|state|where we are|summary|overview|quick|now)\b")


def line_date(text: str) -> dt.date | None:
    """The date an entry line starts with (``- **2025-03-02:** …``, ``2025-03-02 — …``)."""
    lead = _LEAD_RE.match(text)
    start = lead.end() if lead else 0
    found = next(dates_in(text[start:start + 40]), None)
    return found[1] if found is not None and found[0] == 0 else None


def section_date(doc: Document, section: Section | None) -> dt.date | None:
    """The date in the title of the innermost enclosing section that has one."""
    while section is not None:
        found = next(dates_in(section.title), None)
        if found is not None:
            return found[1]
        section = doc.sections[section.parent] if section.parent is not None else None
    return None


def is_current(doc: Document, section: Section | None) -> bool:
    """True when the nearest enclosing section that says what it holds is a current-state one."""
    while section is not None:
        if LOG_RE.search(section.key):
            return False
        if _CURRENT_RE.search(section.key):
            return True
        section = doc.sections[section.parent] if section.parent is not None else None
    return False


