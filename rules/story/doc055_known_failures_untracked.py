"""DOC055 known-failures-untracked."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, TaskDocs
from rules.core.phases import is_open, quoted_some
from rules.core.rule import Rule, RuleContext
from rules.story._follow_ups import POINTER_RE
from rules.story._fresh import core_docs, in_role_category

# Failing tests (or errors) accepted as not this work's: "1 pre-existing unrelated failure", "14
# pre-existing failures", "known failures", "tests already failing on main", "unrelated test failures".
_NEEDLES = ("pre-existing", "preexisting", "pre existing", "known fail", "already fail", "previously fail",
            "unrelated fail", "unrelated test")
_ACCEPTED_RE = re.compile(
    r"(?i)\bpre[- ]?existing\b(?:\s+\w+){0,3}?\s+(?:test\s+)?(?:failures?|failing|errors?|broken)\b"
    r"|\b(?:failures?|failing|errors?)\b[^.;\n]{0,40}\bpre[- ]?existing\b"
    r"|\bknown\s+(?:test\s+)?failures?\b|\b(?:already|previously)\s+failing\b"
    r"|\bunrelated\s+(?:test\s+)?(?:failures?|errors?)\b|\bunrelated\s+tests?\s+fail"
)
# A ticked box that fixed them: "- [x] Fix pre-existing lint errors".
_FIXED_BOX_RE = re.compile(r"(?i)^\s*(?:[-*+]|\d+[.)])\s+\[[xX✓]\]\s*(?:fix|resolv|repair|clean)")
# An open box about failing or flaky tests tracks them.
_FIX_TASK_RE = re.compile(r"(?i)\bfail\w*|\bflak\w*|\bbroken\s+tests?\b|\bred\s+tests?\b")


class KnownFailuresUntracked(Rule):
    """Failing tests are waved through as pre-existing or unrelated, and nothing tracks them.

    Reads the lines of plan, context and tasks (outside code blocks) that accept failures as not
    this work's: "1 pre-existing unrelated failure", "14 pre-existing failures", "known failures",
    "already failing on main", "unrelated test failures"; not a ticked box that fixed them ("- [x] Fix
    pre-existing lint errors"). Reported when none of those lines says
    where the failures are tracked (an issue or ticket number, a link, "tracked in …") and no open
    box of the folder is about failing or flaky tests. One finding, at the first such line, in the
    category of its file, listing the others.

    Why: a failure everybody agrees is "not ours" is nobody's. It stays red, hides the next real
    regression behind it, and teaches every later session that a red suite is normal.

    Bad:
        - [x] `pytest` — all tests pass (1 pre-existing failure in test_cache_manager)

    Good:
        - [x] `pytest` — all tests pass (1 pre-existing failure in test_cache_manager, tracked in #87)
    """

    code = "DOC055"
    name = "known-failures-untracked"
    category = Category.TASKS
    severity = Severity.LOW
    rationale = "Failures accepted as pre-existing with nothing tracking them stay red and hide new regressions."
    fix = "Link the issue that tracks the failing tests, or add a task to fix or quarantine them."
    effort_minutes = 10

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        docs = core_docs(task)
        accepted = [(doc, number) for doc in docs for number in _accepted(doc)]
        if not accepted or any(_FIX_TASK_RE.search(item.text) for doc in docs for item in doc.items
                               if is_open(item)):
            return
        if any(POINTER_RE.search(doc.line_text(number)) for doc, number in accepted):
            return
        doc, number = accepted[0]
        texts = [d.line_text(n).strip(" -*") for d, n in accepted]
        finding = self.finding(
            task, doc, number,
            f"Failing tests are accepted as pre-existing or unrelated, and nothing says where they are tracked: "
            f"{quoted_some(texts, 70)}.",
            key="known-failures", related=[place for place in accepted[1:10]],
        )
        yield in_role_category(finding, doc)


def _accepted(doc: Document) -> Iterator[int]:
    for number in doc.lines_containing(_NEEDLES):
        text = doc.line_text(number)
        if number not in doc.code_lines and _ACCEPTED_RE.search(text) and not _FIXED_BOX_RE.match(text):
            yield number
