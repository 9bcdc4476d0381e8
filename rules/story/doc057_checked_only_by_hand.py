"""DOC057 checked-only-by-hand."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.core.verification import VERIFY_RE
from rules.story._common import quote
from rules.story._fresh import core_docs, in_role_category
from rules.story._verification import EVIDENCE_RE, change_record, is_change

# A check done by a person: by hand, in a browser or on a device, by looking (수동 / 실기기 / 手动 / 手動).
_MANUAL_RE = re.compile(
    r"(?i)\bmanual(?:ly)?[ -](?:test\w*|check\w*|verif\w*|qa|smoke|review\w*|validat\w*|e2e|run-?through)"
    r"|\b(?:test\w*|check\w*|verif\w*|validat\w*|confirm\w*|tried|exercised)\s+(?:\w+\s+){0,3}?(?:manually|by hand)\b"
    r"|\bby hand\b|\bhand-?test\w*|\bin (?:the|a) browser\b|\bon (?:a|the|my) (?:real )?(?:device|phone)\b"
    r"|\b(?:simulator|emulator|screenshots?|eyeball\w*|walk-?through|play-?test\w*|prisma studio|postman)\b"
    r"|\bvisual(?:ly)?[ -](?:check|inspect|verif|review|qa|test)\w*"
    r"|수동|실기기|手动|手動"
)
# A check a machine repeats: a test written into the suite, a test runner, a test file, CI. Matched on
# the folded text (``Document.lower``, same offsets): without IGNORECASE the scan runs about a third faster.
_AUTOMATED_RE = re.compile(
    r"\b(?:unit|integration|e2e|end-to-end|regression|automated|snapshot|component|widget|api|contract|property)"
    r"[ -]tests?\b|\btest (?:file|suite|class|module)s?\b|\b(?:write|add|added|wrote|new|update[sd]?) (?:\w+ )?tests?\b"
    r"|\btests? (?:added|written|pass\w*|green)\b|\b\d+ tests?\b"
    r"|\b(?:pytest|jest|vitest|mocha|jasmine|playwright|cypress|rspec|junit|xctest|xcodebuild test|phpunit|detox"
    r"|testing-library|supertest)\b|\b(?:go|cargo|npm|pnpm|yarn|dotnet|flutter|dart|mix|bun|deno) (?:run )?test\b"
    r"|\.(?:test|spec)\.[jt]sx?\b|\btest_\w|(?<=\w)_test\.[a-z]|\btests?/|__tests__"
    r"|\bci\b|github actions|단위 ?테스트|통합 ?테스트|单元测试|集成测试|単体テスト|結合テスト"
)

# Every _AUTOMATED_RE match holds one of these words (folded), or a "ci" word (_CI_RE).
_AUTOMATED_NEEDLES = ("test", "spec", "jest", "mocha", "jasmine", "playwright", "cypress", "junit", "phpunit", "detox",
                      "github actions", "테스트", "测试", "テスト")
_CI_RE = re.compile(r"\bci\b")
_ABSENT_RE = re.compile(r"(?i)\b(?:no|not|without|skip(?:ped)?|lacks?|zero)\s+(?:\w+\s+)?$")


class CheckedOnlyByHand(Rule):
    """A code change whose every recorded check is done by hand, with no test a machine can repeat.

    Applies when the folder records that code changes (a list of changed files, or a box of the
    tasks file that builds, fixes or edits code). Reported when some line of plan, context or tasks
    records or plans a check by hand (manually, clicking through, in a browser, on a device,
    screenshots, a walkthrough; 수동, 手动) and no line of the folder, code blocks included, names
    an automated one: a unit, integration or end-to-end test, a test file or suite, a test runner
    (pytest, jest, vitest, Playwright…), tests added or passing, CI. One finding, at the first
    manual check of the tasks file (else of the first file holding one), in that file's category.

    Why: a manual check shows the change worked once, on one machine, for the person who tried it.
    Nothing repeats it when the next change lands, so the behaviour the work delivered can break
    without anyone noticing.

    Bad:
        login-tasks.md:  - [x] Send a new code when an unverified user logs in
                         - [x] Manually log in with an unverified account and check the mail

    Good:
        login-tasks.md:  - [x] Send a new code when an unverified user logs in
                         - [x] Integration test: an unverified login sends a code, a verified one does not
                         - [x] Manually log in with an unverified account and check the mail
    """

    code = "DOC057"
    name = "checked-only-by-hand"
    category = Category.TASKS
    severity = Severity.LOW
    rationale = "A change checked only by hand is never checked again: the next change can break it unnoticed."
    fix = "Add an automated test of the changed behaviour (or record why none is possible) next to the manual check."
    effort_minutes = 30

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        docs = core_docs(task)
        if not docs or not _changes_code(task):
            return
        manual = [(doc, number) for doc in docs for number in _manual_checks(doc)]
        if not manual or any(_automated(doc) for doc in task.documents):
            return  # (the manual checks first: they are found from a few words, the automated ones by a long scan)
        doc, number = next((m for m in manual if m[0] is task.tasks), manual[0])
        message = (f"Every check the folder records is done by hand ({quote(doc.line_text(number).strip(' -#*'), 60)}"
                   f" at line {number}); no automated test covers the changed code.")
        finding = self.finding(task, doc, number, message, key="manual-checks-only",
                               related=[m for m in manual if m != (doc, number)][:10])
        yield in_role_category(finding, doc)


def _automated(doc: Document) -> bool:
    """Whether *doc* names an automated test anywhere (code blocks included), not as one that is
    absent: "No unit tests: manual testing only" names none. The regex runs only on the lines that
    hold one of the words every match holds (found at C speed): a tenth of the time on real docs."""
    for line in doc.lines_containing(_AUTOMATED_NEEDLES, (_CI_RE,)):
        start = doc.line_starts[line - 1]
        for m in _AUTOMATED_RE.finditer(doc.lower, start, start + len(doc.lines[line - 1])):
            if not _ABSENT_RE.search(doc.text, max(0, m.start() - 12), m.start()):
                return True
    return False


def _changes_code(task: TaskDocs) -> bool:
    return change_record(task) is not None or (
        task.tasks is not None and any(is_change(task.tasks, item) for item in task.tasks.items))


def _manual_checks(doc: Document) -> Iterator[int]:
    for number in doc.lines_containing(("manual", "hand", "browser", "device", "phone", "simulator", "emulator",
                                        "screenshot", "eyeball", "visual", "walk", "play", "studio", "postman",
                                        "수동", "실기기", "手动", "手動")):
        text = doc.line_text(number)
        checks = VERIFY_RE.search(text) or EVIDENCE_RE.search(text)
        if number not in doc.code_lines and checks and _MANUAL_RE.search(text):
            yield number  # a check (test, verify, confirmed…) done by hand, not a manual step of the feature
