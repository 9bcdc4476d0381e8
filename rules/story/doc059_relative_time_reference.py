"""DOC059 relative-time-reference."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.core.text import CODE_SPAN_RE, clip, more_such_lines
from rules.story._common import quote
from rules.story._fresh import core_docs, in_role_category, line_date, section_date

# Time said relative to the moment of writing: it means nothing once that moment has passed.
_RELATIVE_RE = re.compile(
    r"(?i)(?<![\w/])(?:yesterday(?:'s)?|tomorrow(?:'s)?|tonight|this\s(?:morning|afternoon|evening)|last\snight"
    r"|earlier\stoday|later\stoday"
    r"|(?:~\s?)?(?:\d{1,3}|a\sfew|few|several|an?|one|two|three)\s(?:minutes?|mins?|hours?|hrs?|days?)\sago)(?![\w/])"
)
_NEEDLES = ("yesterday", "tomorrow", "tonight", "this morning", "this afternoon", "this evening", "last night",
            "earlier today", "later today", " ago")


class RelativeTimeReference(Rule):
    """A plan, context or tasks file says when something happened relative to the moment it was
    written: "Yesterday: the refactor landed", "Start time: ~2 hours ago", "By tomorrow, most emails
    will have gone out".

    Reads ``yesterday``, ``tomorrow``, ``tonight``, ``this morning``, ``last night``, ``earlier
    today`` and ``N minutes / hours / days ago`` in running text; not in code, not as one of a pair
    naming a feature's options (``today/tomorrow``), and not in an entry that carries its own date (a
    line or a section dated by its title: ``### 2026-01-05 — session 3``), where the day is fixed.
    One finding per task, at the first such line, naming every other one.

    Why: the docs are read days and sessions later. "Yesterday" then points at no day at all, and
    a reader (or an agent) resuming the work cannot tell how old the fact is or order it against
    the log.

    Bad:
        ## Timeline
        1. **Yesterday**: the mobile refactor landed.
        2. **Today**: the E2E suite showed 46 failures.

    Good:
        ## Timeline
        1. **2025-10-30**: the mobile refactor landed.
        2. **2025-10-31**: the E2E suite showed 46 failures.
    """

    code = "DOC059"
    name = "relative-time-reference"
    category = Category.CONTEXT  # scored in the category of the file holding the first one
    severity = Severity.LOW
    rationale = "'Yesterday' or '2 hours ago' means nothing to the next reader: the day it points at is lost."
    fix = "Write the date (or the date and time) instead of the relative word."
    effort_minutes = 3

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        places = [(doc, line, text) for doc in core_docs(task) for line, text in _relative_lines(doc)]
        if not places:
            return
        doc, line, text = places[0]
        also = more_such_lines(len(places) - 1)
        message = (f"{quote(text)} dates something relative to when it was written{also}: once that moment has "
                   "passed, no reader can tell when it was.")
        finding = self.finding(task, doc, line, message, key="relative-time",
                               effort_minutes=min(15, 2 + len(places)),
                               related=[(other, number) for other, number, _text in places[1:]])
        yield in_role_category(finding, doc)


def _relative_lines(doc: Document) -> Iterator[tuple[int, str]]:
    for line in doc.lines_containing(_NEEDLES):
        if line in doc.code_lines:
            continue
        raw = clip(doc.line_text(line))
        text = CODE_SPAN_RE.sub("", raw)
        if _RELATIVE_RE.search(text) is None:
            continue
        if line_date(raw) is not None or section_date(doc, doc.section_of(line)) is not None:
            continue  # a dated entry: its day fixes what "yesterday" means
        yield line, raw
