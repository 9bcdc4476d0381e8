"""DOC008 works-claim-while-untested."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, Status, TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.core.sections import in_log_at
from rules.core.story import core_documents
from rules.core.text import fold, strip_comments
from rules.story._common import quote, where
from rules.story._fresh import in_role_category

_MAX_CLAIMS = 5

# "production-ready", "fully functional", "works end to end": the work said to work, as a fact.
_CLAIM_RE = re.compile(
    r"\bproduction[- ]ready\b|\bready for production\b|\bfully (?:functional|working|operational|integrated|tested)\b"
    r"|\bworks? end[- ]to[- ]end\b|\bwork(?:s|ing)? (?:perfectly|flawlessly)\b|\bworks fine\b"
)
# The same words as a goal, a condition or a denial: "Goal: production-ready", "not yet fully functional".
_NOT_A_CLAIM_RE = re.compile(
    r"\b(?:not|never|no longer|isn't|aren't|can't|cannot|doesn't|don't|won't|until|once|when|if|will|would|should"
    r"|must|could|to be|to make|make it"
    r"|get it|goal|target|aim|objective|before|after|towards?|criteria|expected|planned|keeps?|remains?|stays?"
    r"|ensures?)\b|\?"
)
# Said of the work, as a predicate or a status value: "is production-ready", "is now fully working",
# "Status: ✅ Complete and production-ready" (not "pages remain fully functional while the flag is off").
_SAID_OF_RE = re.compile(r"(?:\b(?:is|are|now)|[:：✅]|\band)[*_\s]++(?:[\w-]++[*_\s]++){0,2}$")
# "**Runtime Testing:** ⏳ Not yet performed", "#### Manual QA: PENDING", "Tests: not run"
_TEST_LABEL_RE = re.compile(
    r"^[\s>*_#+-]*+(?:[⏳⬜🔄]\s*+)?(?P<label>[^:：|]{0,40}?\b(?:tests?|testing|playtest(?:ing)?|qa|verification)\b"
    r"[^:：|]{0,20}?)[*_\s]*+[:：]\s*+[*_\s]*+(?P<value>\S.*)$"
)
_NOT_DONE_RE = re.compile(
    r"^\W*+(?:⏳|⬜|pending\b|to ?do\b|not (?:yet )?(?:started|run|performed|done|executed|tested|verified|begun)\b"
    r"|untested\b|never run\b|none (?:run|yet)\b|not yet\b)"
)
# A verbless predicate after a comma or at a heading: "…, UI fully functional", "## What's working perfectly".
_SHORT_SUBJECT_RE = re.compile(r"^[\s#*_>-]*+(?:[\w'’-]++[\s*_]++){1,3}$")
# A testing section or phase whose heading says it has not run: "## Phase 6: End-to-End Testing (Pending)".
_TEST_HEADING_RE = re.compile(r"\b(?:tests?|testing|qa|verification)\b")
_PLAN_LABEL_RE = re.compile(r"\b(?:strategy|plan|approach|framework|command|commands|file|files|notes?|tips?)\b")


class WorksClaimWhileUntested(Rule):
    """The folder says the work is production-ready or fully working while it also says the testing
    has not been done.

    Reports a statement that the work works, as a fact ("production-ready", "fully functional",
    "fully integrated", "works end to end", "working perfectly", "works fine"; not as a goal, a
    condition or a denial; also verbless after a comma or in a heading: "…, UI fully functional",
    ``## What's working perfectly``), in a task folder one of whose files labels its testing as not
    done (``Runtime testing: ⏳ Not yet performed``, ``#### Manual QA: PENDING``, ``Tests: not
    run``, a testing heading marked pending: ``## Phase 6: Integration Testing (Pending)``). Lines
    in code blocks and logs are left out. One finding per task, naming the claims and where the
    testing is said to be open.

    Why: "production-ready" is the sentence a reader stops at. Beside a note that the code has
    never run, it turns an unverified build into a shipped feature, and the testing that would
    have found its bugs is skipped.

    Bad:
        sync-context.md:  **Manual testing:** ⏳ Not yet performed
                          …
                          The sync engine is production-ready.

    Good:
        sync-context.md:  **Manual testing:** ⏳ Not yet performed
                          …
                          The sync engine is built and compiles; it is unverified until the manual test.
    """

    code = "DOC008"
    name = "works-claim-while-untested"
    category = Category.CONSISTENCY  # scored in the category of the file holding the claims, when one file does
    severity = Severity.HIGH
    rationale = "A production-ready claim beside untested code turns an unverified build into a shipped feature."
    fix = "Say what is known (built, compiles, unverified) until the testing is done, then record its result."
    effort_minutes = 5

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        docs = core_documents(task)
        untested = next(((doc, n) for doc in docs for n in _untested(doc)), None)
        if untested is None:
            return
        claims = [(doc, n) for doc in docs for n in _claims(doc)]
        if not claims:
            return
        doc, line = claims[0]
        other, at = untested
        also = f" ({len(claims) - 1} more such claims in the folder)" if len(claims) > 1 else ""
        message = (f"{quote(doc.line_text(line))} calls the work ready or fully working{also}, but "
                   f"{where(other, at)} says its testing has not been done ({quote(other.line_text(at))}).")
        finding = self.finding(task, doc, line, message, key=f"{doc.name}:works",
                               related=[*claims[1:_MAX_CLAIMS], untested])
        if {d.path for d, _n in claims} == {doc.path}:
            finding = in_role_category(finding, doc)  # the claim to correct is that file's
        yield finding


def _claims(doc: Document) -> Iterator[int]:
    for number in doc.lines_containing(("production", "fully ", "end to end", "end-to-end", "perfectly", "flawlessly",
                                        "works fine")):
        text = fold(strip_comments(doc.line_text(number)))
        match = _CLAIM_RE.search(text)
        if match is None or number in doc.code_lines or text.lstrip().startswith("|") or _log(doc, number):
            continue
        clause = re.split(r"[.;!]\s|\s[—–]\s", text[: match.start()])[-1]
        parts = re.split(r",\s", clause)  # after a comma, or in a heading: a verbless "UI fully functional"
        short_subject = ((len(parts) > 1 or text.lstrip().startswith("#"))
                         and _SHORT_SUBJECT_RE.match(parts[-1]) is not None)
        if ((_SAID_OF_RE.search(clause[-30:]) or short_subject) and not _NOT_A_CLAIM_RE.search(clause)
                and not _NOT_A_CLAIM_RE.search(text[match.end():match.end() + 12])):
            yield number


def _untested(doc: Document) -> Iterator[int]:
    for section in doc.sections:
        title = fold(section.title)
        if (section.status in (Status.PENDING, Status.NOT_STARTED) and _TEST_HEADING_RE.search(title)
                and not _PLAN_LABEL_RE.search(title) and not _log(doc, section.line)):
            yield section.line
    for number in doc.lines_containing(("test", "qa", "verification")):
        label = _TEST_LABEL_RE.match(fold(strip_comments(doc.line_text(number))))
        if (label is None or number in doc.code_lines or _log(doc, number)
                or _PLAN_LABEL_RE.search(label.group("label"))):
            continue
        if _NOT_DONE_RE.match(label.group("value").strip("*_ ")):
            yield number


def _log(doc: Document, line: int) -> bool:
    return in_log_at(doc, doc.section_index(line))
