"""STR010 empty-document."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rules.core.finding import ROLE_CATEGORY, Category, Finding, Severity
from rules.core.model import Document, Role, TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.core.text import strip_comments

_FILLER_RE = re.compile(  # a line that says nothing: rules, bare bullets, TBD-style placeholders
    r"(?i)^[\s>*_#|:=`~\[\]()-]*(?:(?:tbd|tba|todo|to do|n/?a|none(?: yet)?|wip|placeholder|coming soon"
    r"|fill (?:me )?in|lorem ipsum|\.{3}|…)[\s.!*_`)\]]*)?$"
)


class EmptyDocument(Rule):
    """A plan, context or tasks file exists but says nothing: only a title, headings, dates,
    placeholders (``TBD``) or whitespace.

    Why: an empty file passes a glance at the folder ("all three files are there") while holding
    no plan, no state and no checklist. It is as good as missing, and its category scores 0.

    Bad:
        # Auth — Plan
        Last Updated: 2026-01-10
        ## Overview
        TBD

    Good:
        # Auth — Plan
        ## Overview
        Replace the session cookie with short-lived JWTs so the mobile app can log in.
    """

    code = "STR010"
    name = "empty-document"
    category = Category.STRUCTURE  # each finding is scored in the category of the empty file
    severity = Severity.HIGH
    rationale = "An empty plan, context or tasks file looks present but holds nothing to work from."
    fix = "Write the file's content (or delete it and let the review scaffold it)."
    effort_minutes = 30

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        for role, category in ROLE_CATEGORY.items():
            doc = task.doc(role)
            if doc is None or _has_content(doc):
                continue
            message = f"{doc.name!r} has no content beyond {_what(doc)}; it is as good as missing."
            fix = f"Write the {role} in {doc.name!r}: " + _WHAT_TO_WRITE[role]
            finding = self.finding(task, doc, 1, message, key=role, fix=fix, penalty=100)
            yield finding.with_changes(category=category)


_WHAT_TO_WRITE = {
    Role.PLAN: "overview, phases with goals and acceptance criteria, risks, success metrics, timeline.",
    Role.CONTEXT: "Last Updated, current state, key decisions and files, blockers, next steps.",
    Role.TASKS: "`- [ ]` checkboxes grouped by phase, each with an estimate.",
}


def _has_content(doc: Document) -> bool:
    """True when any line outside headings, dates, comments and placeholders says something."""
    if any(block.content.strip() for block in doc.code_blocks):
        return True
    skip = {s.line for s in doc.sections} | {d.line for d in doc.dates}
    in_comment = False
    for number, text in enumerate(doc.lines, start=1):
        if in_comment or "<!--" in text:
            text, in_comment = _without_comments(text, in_comment)
        if number not in skip and not _FILLER_RE.match(text):
            return True
    return False


def _without_comments(text: str, in_comment: bool) -> tuple[str, bool]:
    """*text* with HTML comments removed, and whether a comment is still open at its end."""
    if in_comment:
        end = text.find("-->")
        if end < 0:
            return "", True
        text = text[end + 3:]
    text = strip_comments(text)
    start = text.find("<!--")
    return (text, False) if start < 0 else (text[:start], True)


def _what(doc: Document) -> str:
    if not doc.sections:
        return "whitespace" if not doc.dates else "a date"
    titles = ", ".join(repr(s.title) for s in doc.sections[:3]) + (", …" if len(doc.sections) > 3 else "")
    return f"the heading{'s' if len(doc.sections) > 1 else ''} {titles}"
