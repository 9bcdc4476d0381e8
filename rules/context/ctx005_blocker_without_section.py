"""CTX005 blocker-without-section."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rules.context._common import STATE
from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, Status, TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.core.sections import headings, snippet, synonyms
from rules.core.vocabulary import BLOCKER_HEADINGS, RISK_HEADINGS

_MENTION_RE = re.compile(r"(?i)\bblockers?\b|\bblocked\s+(?:by|on)\b")
_NEGATED_RE = re.compile(
    r"(?i)\b(?:no|not\s+an?|zero|without|any|non)[\s-]+(?:known\s+|current\s+|open\s+|new\s+|real\s+)?block"
    r"|\bblockers?\b\W*(?:none|n/?a|nothing|no\b|-\s*$|$)|\bno longer blocked\b"
)
_ISSUES = synonyms(
    "blockers?", "blocking issues?", "risks?", "issues?", "problems?", "impediments?",
    "open questions?", "concerns", "caveats", "gotchas", "known (?:bugs|limitations)", "이슈", "문제",
    *BLOCKER_HEADINGS, *RISK_HEADINGS,
)


class BlockerWithoutSection(Rule):
    """A blocker is mentioned (a BLOCKED status, "blocker", "blocked by/on") but the context has no
    Blockers / Issues / Risks section, and the mention is not in its current-state section.

    Severity is medium for a BLOCKED status, low for a mention in prose. "No blockers" and
    "Blocker: none" are not mentions.

    Why: a blocker buried in a session log is easy to miss on resume; a section of its own says
    what is blocked, on what, and who can unblock it.

    Bad:
        ## Session Log
        - Deploy to staging is blocked by the expired TLS certificate.

    Good:
        ## Blockers
        - Deploy to staging: blocked by the expired TLS certificate (ops ticket OPS-311).
    """

    code = "CTX005"
    name = "blocker-without-section"
    category = Category.CONTEXT
    severity = Severity.MEDIUM
    rationale = "A blocker mentioned only in passing is missed on resume and never escalated."
    fix = "Add a `## Blockers` section: what is blocked, on what, and who can unblock it."
    effort_minutes = 10

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        doc = task.context
        if doc is None or next(headings(doc, _ISSUES), None) is not None:
            return
        mention = _first_mention(doc)
        if mention is None:
            return
        line, is_status = mention
        if any(s.contains(line) for s in headings(doc, STATE)):
            return  # named in the current-state section
        message = f"Blocker {snippet(_clause(doc.line_text(line)))!r} is not listed in a Blockers or Issues section."
        yield self.finding(task, doc, line, message, key="blocker",
                           severity=Severity.MEDIUM if is_status else Severity.LOW)


def _clause(text: str) -> str:
    """The sentence of a long line that mentions the blocker (the line itself when it is short or
    says nothing of one: a BLOCKED status mark)."""
    match = _MENTION_RE.search(text)
    if match is None or len(text) <= 80:
        return text
    start = text.rfind(". ", 0, match.start())
    end = text.find(". ", match.end())
    return text[start + 2 if start >= 0 else 0: end + 1 if end >= 0 else len(text)]


def _first_mention(doc: Document) -> tuple[int, bool] | None:
    """(line, is a BLOCKED status) of the first blocker mentioned outside code. A bare ⛔ / 🚫 is
    not enough: in decision lists it means "don't", not "blocked"."""
    marks = (m for m in doc.statuses if m.status is Status.BLOCKED and "lock" in m.text.lower())
    status = next((m.line for m in marks), None)
    code = {n for block in doc.code_blocks for n in range(block.line, block.end_line + 1)}
    stop = status or doc.line_count
    for number in range(1, stop + 1):
        text = doc.lines[number - 1]
        if ("lock" not in text and "LOCK" not in text) or number in code:
            continue  # cheap filter before the regexes
        if _MENTION_RE.search(text) and not _NEGATED_RE.search(text):
            return number, False
    return (status, True) if status is not None else None
