"""DOC016 unfilled-log-entry."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, Section, TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.story._fresh import MAX_PER_FILE, core_docs, in_role_category

# A date still to be filled in: "[Date]", "<date>", "{date}", "YYYY-MM-DD", "[today's date]".
_DATE_PLACEHOLDER_RE = re.compile(
    r"(?i)[\[<{]\s*(?:date|today'?s?\sdate|yyyy-mm-dd|dd/mm/yyyy|mm/dd/yyyy|session\sdate)\s*[\]>}]"
    r"|\byyyy-mm-dd\b|\bdd/mm/yyyy\b|\bmm/dd/yyyy\b"
)
# A line of a template with nothing written in: "- [ ] Issues found:", "- ", "---", "Notes:".
_EMPTY_LINE_RE = re.compile(
    r"\s*+(?:[-*+]\s*+(?:\[[ xX]?\]\s*+)?|\d+\.\s*+)?(?:[^:\n]{0,40}:)?[\s*_]*+|\s*+[-*_]{3,}\s*+"
)

_TEMPLATE_RE = re.compile(r"\b(?:templates?|format|example|how to log)\b")


class UnfilledLogEntry(Rule):
    """A log entry left as a blank template: its heading still has a placeholder date
    (``Session 2: [Date]``, ``YYYY-MM-DD``) and nothing under it but empty labels and boxes.

    An entry under a heading that calls it a template, format or example is a model to copy and
    is not reported. At most 20 findings per file. Reported under the category of the file it is in.

    Why: an entry scaffolded for a session that never got written reads as if a session happened
    and recorded nothing. The reader cannot tell whether work was done and not logged, or never
    started, and the log no longer ends where the work ended.

    Bad:
        ### Session 3: [Date]
        - [ ] Phases completed:
        - [ ] Issues found:

    Good:
        ### Session 3: 2026-01-14
        - [x] Phases completed: 4 and 5
        - [x] Issues found: none
    """

    code = "DOC016"
    name = "unfilled-log-entry"
    category = Category.TASKS
    severity = Severity.LOW
    rationale = "A blank template entry in a log reads as a session that happened and recorded nothing."
    fix = "Fill the entry in (date, what was done) or delete it until the session happens."
    effort_minutes = 3

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        for doc in core_docs(task):
            unfilled = (section for section in doc.sections
                        if section.level > 1 and _DATE_PLACEHOLDER_RE.search(section.title)
                        and _blank(doc, section) and not _in_template(doc, section))
            for section in islice(unfilled, MAX_PER_FILE):
                message = f"Log entry {section.title!r} still has a placeholder date and nothing written under it."
                yield in_role_category(self.finding(task, doc, section.line, message, key=section.key), doc)


def _in_template(doc: Document, section: Section) -> bool:
    """A template kept on purpose, to copy: the entry or a section above it says so."""
    current: Section | None = section
    while current is not None:
        if _TEMPLATE_RE.search(current.key):
            return True
        current = doc.sections[current.parent] if current.parent is not None else None
    return False


def _blank(doc: Document, section: Section) -> bool:
    """Nothing but blank lines, empty labels and empty boxes under the heading (sub-sections included)."""
    return all(_EMPTY_LINE_RE.fullmatch(line) for line in doc.body(section))
