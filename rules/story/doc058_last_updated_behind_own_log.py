"""DOC058 last-updated-behind-own-log."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, TaskDocs
from rules.core.phases import PHASE_WORD, enclosing
from rules.core.rule import Rule, RuleContext
from rules.core.text import days
from rules.story._common import quote
from rules.story._fresh import core_docs, dates_in, in_role_category, is_day, stamps

# A dated heading that schedules work rather than records it: "Phase 2 (2026-10-05)", "Release — 2026-10-01".
_SCHEDULED_RE = re.compile(rf"(?i)\b(?:{PHASE_WORD}|target|deadline|due|eta|planned|schedule|timeline|roadmap"
                           r"|release|launch|go-live|milestones?|by|until|before|next)\b")


def _scheduled(doc: Document, index: int) -> bool:
    """True when the section at *index* or a heading above it (the file's title aside) schedules work:
    its dates are plans, not records."""
    return any((i == index or doc.sections[i].level > 1) and _SCHEDULED_RE.search(doc.sections[i].title)
               for i in enclosing(doc, index))


class LastUpdatedBehindOwnLog(Rule):
    """A file's ``Last Updated`` stamp is older than a dated section the file itself records.

    Reads the plan, context and tasks: the newest ``Last Updated`` stamp of the file against the
    days in its headings (a session log's ``### 2026-09-25 — wrap-up``, ``## Session 4 (2026-09-25)``,
    a banner ``## Completion record (2026-09-25)``). A heading dated after the stamp, and not after the
    review date (a day still to come is a plan or a typo, not a session that happened), means a
    session wrote its section and left the stamp. Headings that schedule work (a phase, sprint,
    milestone, target, deadline, release or timeline, or a heading under one) are plans, not records,
    and are left alone. One finding per file, on the stamp, naming the newest such heading.

    Why: the stamp is what readers, tools and the other files' comparisons take for the file's
    date. Left behind, it makes a file that was just worked on look stale, and checks that compare
    dates across the folder compare the wrong one.

    Bad:
        **Last Updated:** 2026-09-10
        …
        ## Session Log
        ### 2026-09-25 — archived after the final review

    Good:
        **Last Updated:** 2026-09-25
    """

    code = "DOC058"
    name = "last-updated-behind-own-log"
    category = Category.CONTEXT  # scored in the category of the file holding the stamp
    severity = Severity.LOW
    rationale = "A stamp older than a heading the file itself dates later gives every reader the wrong date."
    fix = "Set `Last Updated` to the date of the newest dated heading (and refresh it with every session)."
    effort_minutes = 2

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        for doc in core_docs(task):
            found = stamps(doc)
            if not found:
                continue
            stamped, stamp_line = max(found, key=lambda stamp: (stamp[0], -stamp[1]))
            entries = [(day, section.line, section.title) for index, section in enumerate(doc.sections)
                       for _offset, day, raw in dates_in(section.title)
                       if is_day(raw) and stamped < day <= ctx.today and not _scheduled(doc, index)]
            if not entries:
                continue
            day, line, title = max(entries, key=lambda entry: (entry[0], -entry[1]))
            message = (f"{doc.name} says it was last updated {stamped.isoformat()} (line {stamp_line}), but it "
                       f"records {quote(title)} at line {line}, dated {day.isoformat()}, "
                       f"{days((day - stamped).days)} later.")
            finding = self.finding(task, doc, stamp_line, message, key="stamp", related=[(doc, line)])
            yield in_role_category(finding, doc)
