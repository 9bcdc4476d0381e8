"""DOC011 past-date-in-future-tense."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from itertools import islice

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.core.sections import in_log
from rules.core.text import CODE_SPAN_RE, clip, days
from rules.story._fresh import (
    MAX_PER_FILE,
    core_docs,
    dates_in,
    in_role_category,
    line_date,
    newest_update,
    section_date,
    updated_on,
)

# Words that put a date ahead of the writer: the date is a plan, a promise or a deadline.
_AHEAD_RE = re.compile(
    r"(?i)\b(?:will|shall|going to|planned|planning|scheduled|target(?:ed|ing)?|due(?!\sto\b)|deadline|eta|"
    r"expected\s(?:by|in|on|for|around|before)|launch|launching|next|upcoming|aim(?:ing)?\sfor)\b"
)
# "will be done by", "to be released": a promise, not a report.
_PROMISED_RE = re.compile(
    r"(?i)\b(?:will|shall|should|must|to)\s(?:be\s)?(?:done|completed?|finished|shipped|released|launched|merged|"
    r"deployed|fixed|resolved|delivered)\b"
)
# Words that say the thing happened: the line reports the past, whatever else it says.
_DONE_RE = re.compile(
    r"(?i)\b(?:completed?|done|finished|shipped|released|launched|merged|deployed|fixed|resolved|was|were|"
    r"had|did|already|passed|happened|delivered|slipped|missed|postponed|moved|ran|ended|started|began|failed|"
    r"broke|occurred|found|noticed|reported|since|ago|last)\b|✅|\[x\]"
)
_BREAK_RE = re.compile(r"[.;!?]\s|[.;!?]$|\|")  # a sentence or table-cell break between the word and the date
_AHEAD_WINDOW = 40  # characters before the date in which the future word must stand
_YEAR_RE = re.compile(r"\d\d\d\d")  # every date dates_in reads ends with a year (as \d{4}, ~2x faster in sre)
_AHEAD_REACH = 32  # characters past a line's end that a future word starting on it may span (at most ~20)


class PastDateInFutureTense(Rule):
    """A date the file speaks of as still ahead ("will ship by", "planned for", "next review",
    "target", "launch") is already past by the file's own ``Last Updated`` date.

    The reference date is the file's ``Last Updated``; a file without one is read against the
    newest ``Last Updated`` of its folder. Days, months (``March 2025``: its last day) and quarters
    (``Q1 2025``: its last day) count; a date without a year does not (it may mean next year).
    Lines that say the thing happened (done, shipped, ✅, a ticked box), labelled date lines,
    code, and entries of a log or under a dated heading (written as of that date) are skipped; the
    future word must stand in the same sentence, shortly before the date. At most 20 findings per
    file. Reported under the category of the file it is in.

    Why: a plan or promise whose date has gone by without a word tells the reader that nobody
    revisited the text: either the thing happened and the docs never said so, or it slipped and
    the docs still promise the old date.

    Bad:
        **Last Updated:** 2025-11-18
        The beta will ship by 2025-09-30.

    Good:
        **Last Updated:** 2025-11-18
        The beta shipped on 2025-10-02 (planned for 2025-09-30).
    """

    code = "DOC011"
    name = "past-date-in-future-tense"
    category = Category.CONTEXT
    severity = Severity.LOW
    rationale = "A future-tense date that has already passed shows text nobody revisited since."
    fix = "Say what happened on that date (done, moved to a new date, dropped), or remove the stale plan."
    effort_minutes = 5

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        newest = newest_update(task)
        for doc in core_docs(task):
            reference = updated_on(doc) or (newest[1] if newest else None)
            if reference is None:
                continue
            for line, date, raw in islice(_past_promises(doc, reference), MAX_PER_FILE):
                message = (f"{raw!r} is written as still ahead ({clip(doc.line_text(line).strip())!r}) but is "
                           f"{days((reference - date).days)} before the file's date {reference.isoformat()}.")
                yield in_role_category(self.finding(task, doc, line, message, key=f"{raw}:{date}"), doc)


def _past_promises(doc: Document, reference: dt.date) -> Iterator[tuple[int, dt.date, str]]:
    labelled = {ref.line for ref in doc.dates}
    ticked = {n for item in doc.items if item.checked for n in item.lines}
    for number in _ahead_lines(doc):
        if number in doc.code_lines or number in labelled or number in ticked:
            continue
        text = CODE_SPAN_RE.sub(" ", doc.line_text(number))
        if _DONE_RE.search(_PROMISED_RE.sub(" ", text)) or _in_dated_or_log_entry(doc, number, text):
            continue
        for offset, date, raw in dates_in(text):
            before = _BREAK_RE.split(text[max(0, offset - _AHEAD_WINDOW):offset])[-1]
            if date < reference and _AHEAD_RE.search(before):
                yield number, date, raw
                break


def _ahead_lines(doc: Document) -> list[int]:
    """The lines where a future word starts and a date may stand: every date has a four-digit year,
    so one C scan for those picks the few lines the (slower) word pattern is then tried on."""
    lower, starts = doc.lower, doc.line_starts
    found = []
    for number in doc.lines_containing((), (_YEAR_RE,)):
        end = starts[number] if number < len(starts) else len(lower)
        # A match may run on past the line ("expected\nby"): the window reaches beyond the longest.
        ahead = _AHEAD_RE.search(lower, starts[number - 1], end + _AHEAD_REACH)
        if ahead is not None and ahead.start() < end:
            found.append(number)
    return found


def _in_dated_or_log_entry(doc: Document, number: int, text: str) -> bool:
    """A line of a log, under a dated heading or starting with a date was written as of that
    entry: a date after it was ahead then, and an old entry is history, not a stale promise."""
    section = doc.section_of(number)
    if section is not None and section.line == number:  # a heading: judged by the sections above it
        section = doc.sections[section.parent] if section.parent is not None else None
    return line_date(text) is not None or section_date(doc, section) is not None or in_log(doc, section)
