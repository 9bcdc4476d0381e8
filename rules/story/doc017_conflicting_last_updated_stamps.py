"""DOC017 conflicting-last-updated-stamps."""

from __future__ import annotations

from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.core.text import days
from rules.story._fresh import core_docs, in_role_category, stamps


class ConflictingLastUpdatedStamps(Rule):
    """One file carries two ``Last Updated`` stamps with different dates (one under the title, one
    at the end, or one per appended session), so it gives two answers to how current it is.

    Reported on the older stamp, which tools and readers take for the file's date when it is the
    first. Reported under the category of the file it is in.

    Why: a session that appends its own stamp instead of updating the existing one leaves the
    old date where readers and tools look first: the file looks stale when it is not, or fresh
    where it is not, and checks on the date (stale context, dates across files) read the wrong one.

    Bad:
        **Last Updated:** 2025-12-01
        …
        *Last Updated: 2025-12-19 (session 4)*

    Good:
        **Last Updated:** 2025-12-19 (session 4)
    """

    code = "DOC017"
    name = "conflicting-last-updated-stamps"
    category = Category.CONTEXT
    severity = Severity.LOW
    rationale = "Two Last Updated dates in one file give two answers to how current it is."
    fix = "Keep one `Last Updated` line, under the title, with the newest date."
    effort_minutes = 2

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        for doc in core_docs(task):
            dated = stamps(doc)
            if len({date for date, _line in dated}) < 2:
                continue
            (old, old_line), (new, new_line) = min(dated), max(dated, key=lambda stamp: (stamp[0], -stamp[1]))
            message = (f"{doc.name} has {len(dated)} `Last Updated` stamps: line {old_line} says {old.isoformat()}, "
                       f"line {new_line} says {new.isoformat()} ({days((new - old).days)} later).")
            finding = self.finding(task, doc, old_line, message, key="stamps", related=[(doc, new_line)])
            yield in_role_category(finding, doc)
