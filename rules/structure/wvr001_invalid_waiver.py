"""WVR001 invalid-waiver."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.core.text import LineCounter
from rules.core.waivers import Waiver, find_waivers

_NOT_BLANK = re.compile(r"\S")
_BARE_RE = re.compile(r"devdocs-review-disable(?!\s+[A-Za-z]{3}\d{3}(?![A-Za-z0-9]))")


class InvalidWaiver(Rule):
    """A ``devdocs-review-disable`` comment that does not apply: no reason, an unreadable or past
    ``until`` date, an unknown rule code, or no rule code at all.

    Why: a waiver is a documented decision to accept a finding. Without a reason nobody can judge
    it later; past its date the decision has lapsed; with a wrong code it silently waives nothing.
    Such waivers are ignored, and this finding says why. WVR001 itself cannot be waived.

    Bad:
        <!-- devdocs-review-disable CTX002 -->
        <!-- devdocs-review-disable CTX002 reason="frozen" until=2025-01-31 -->   (in the past)
        <!-- devdocs-review-disable CXT002 reason="typo in the code" -->

    Good:
        <!-- devdocs-review-disable CTX002 reason="frozen until the Q3 audit" until=2026-09-30 -->
    """

    code = "WVR001"
    name = "invalid-waiver"
    category = Category.STRUCTURE
    severity = Severity.MEDIUM
    rationale = "A waiver without a reason, past its date or naming no real rule waives nothing."
    fix = 'Write the waiver as `<!-- devdocs-review-disable CODE reason="why" until=YYYY-MM-DD -->`.'
    effort_minutes = 5

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        known = ctx.known_codes  # the registry's codes, passed in (the registry imports this module)
        for doc in task.documents:
            for waiver in find_waivers(doc):
                if (problem := waiver.problem(ctx.today)) is not None:
                    kind = _kind(waiver)
                    codes = ", ".join(waiver.codes)
                    message = f"Waiver for {codes} is ignored: it {problem}."
                    yield self.finding(task, doc, waiver.line, message, key=f"{codes}:{kind}",
                                       fix=_FIXES[kind].format(codes=codes))
                for code in waiver.codes:
                    if code.startswith("WVR") or code not in known:
                        what = "cannot be waived" if code in known else "is not a devdocs-review rule"
                        message = f"Waiver names {code!r}, which {what}; it waives nothing."
                        yield self.finding(task, doc, waiver.line, message, key=f"{code}:unknown",
                                           fix=_FIXES["self" if code in known else "unknown"])
            for line, comment in doc.comments:
                lines = LineCounter(comment)
                for match in _BARE_RE.finditer(comment):
                    text = _quoted(comment, match.start())
                    yield self.finding(task, doc, line + lines.before(match.start()),
                                       f"Waiver comment {text!r} names no rule code; it waives nothing.",
                                       key="no-code")


def _kind(waiver: Waiver) -> str:
    if not (waiver.reason or "").strip():
        return "no-reason"
    return "expired" if waiver.until is not None else "bad-until"


_FIXES = {
    "no-reason": 'Add reason="…" to the {codes} waiver saying why the finding is accepted.',
    "bad-until": "Write the {codes} waiver's until= date as YYYY-MM-DD.",
    "expired": "Fix what {codes} reports and delete the waiver, or renew it with a new date and reason.",
    "self": "Delete this waiver; WVR001 findings go away when the waivers they name are fixed.",
    "unknown": "Correct the rule code (`devdocs-review rules` lists them) or delete the waiver.",
}


def _quoted(comment: str, start: int) -> str:
    """``comment[start:].split("-->")[0].strip()[:60]`` without copying the rest of a long comment
    once per waiver in it (*start* is where a waiver's text starts, never a blank)."""
    close = comment.find("-->", start)
    end = len(comment) if close < 0 else close
    head = comment[start:min(end, start + 60)]
    return head if _NOT_BLANK.search(comment, start + 60, end) else head.rstrip()
