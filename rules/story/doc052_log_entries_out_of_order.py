"""DOC052 log-entries-out-of-order."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from dataclasses import dataclass

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.core.sections import log_sections
from rules.story._common import quote
from rules.story._fresh import dates_in, in_role_category, is_day

_MIN_ENTRIES = 3  # two dated entries have no order to break


@dataclass(frozen=True, slots=True)
class _Entry:
    line: int
    title: str
    date: dt.date


class LogEntriesOutOfOrder(Rule):
    """The dated entries of a log do not follow one order: one of them sits among the wrong dates.

    Reads every group of sibling log sections (a session log's ``### 2026-01-09 …`` entries, dated
    sections under "History") whose titles carry a day (``2026-01-13``, ``March 3, 2026``; a month or
    a quarter is not a day) and compares each entry with the one before it. When most steps go one
    way (oldest first, or newest first) and a step goes the other way, the entry where the order
    breaks is reported, with the entry before it. Entries of the same day are in order either way;
    groups of fewer than three dated entries are left alone. One finding per group.

    Why: a log is read as a timeline. An entry filed among the wrong dates makes the reader (or an
    agent resuming the work) take an older state for the latest one, or miss the newest entry.

    Bad:
        ## Session History
        ### 2026-01-12 — UI components
        ### 2026-02-19 — CLI tooling fixes
        ### 2026-01-13 — grid highlighting

    Good:
        ## Session History
        ### 2026-01-12 — UI components
        ### 2026-01-13 — grid highlighting
        ### 2026-02-19 — CLI tooling fixes
    """

    code = "DOC052"
    name = "log-entries-out-of-order"
    category = Category.CONTEXT  # scored in the category of the file holding the log
    severity = Severity.LOW
    rationale = "A log entry filed among the wrong dates breaks the timeline the reader relies on."
    fix = "Move the entry to its place in the timeline (or correct its date)."
    effort_minutes = 3

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        for doc in task.documents:
            for entries in _dated_groups(doc):
                broken = _break(entries)
                if broken is None:
                    continue
                before, entry, oldest_first = broken
                order = "oldest first" if oldest_first else "newest first"
                message = (f"The log entry {quote(entry.title)} (dated {entry.date.isoformat()}) comes after "
                           f"{quote(before.title)} (dated {before.date.isoformat()}) at line {before.line}, "
                           f"while the other entries run {order}.")
                finding = self.finding(task, doc, entry.line, message, key=f"order:{entry.line}",
                                       related=[(doc, before.line)])
                yield in_role_category(finding, doc)


def _dated_groups(doc: Document) -> Iterator[list[_Entry]]:
    """Sibling log sections with a day in their titles, in document order, per parent."""
    logs = doc.derive(log_sections)
    groups: dict[int | None, list[_Entry]] = {}
    for index, section in enumerate(doc.sections):
        if index not in logs:
            continue
        day = next((date for _offset, date, raw in dates_in(section.title) if is_day(raw)), None)
        if day is not None:
            groups.setdefault(section.parent, []).append(_Entry(section.line, section.title, day))
    for entries in groups.values():
        if len(entries) >= _MIN_ENTRIES:
            yield entries



def _break(entries: list[_Entry]) -> tuple[_Entry, _Entry, bool] | None:
    """The first step against the order most steps follow: (entry before, entry, oldest first?)."""
    steps = [(a, b) for a, b in itertools.pairwise(entries) if a.date != b.date]
    rising = sum(1 for a, b in steps if b.date > a.date)
    falling = len(steps) - rising
    if not rising or not falling or rising == falling:
        return None  # one order throughout, or no order to speak of
    oldest_first = rising > falling
    return next(((a, b, oldest_first) for a, b in steps if (b.date > a.date) != oldest_first), None)
