"""DOC037 coverage-target-without-test-task."""

from __future__ import annotations

from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.core.sections import snippet
from rules.core.story import core_documents
from rules.core.verification import AUTOMATED_TEST_CUES, AUTOMATED_TEST_RE, COVERAGE_TARGET_CUES, COVERAGE_TARGET_RE


class CoverageTargetWithoutTestTask(Rule):
    """The folder sets a test-coverage target, but nothing in it writes, sets up or runs automated tests.

    A target is a line that asks for a test-coverage figure or a number of tests (``test coverage
    > 60%``, ``80%+ code coverage``, ``100+ unit tests``). It is accounted for when any other line
    of the task's files names automated testing: unit, integration or component tests, writing or
    adding tests, a test
    suite, file or framework (Jest, pytest, Playwright, …), a test path (``tests/``,
    ``*.test.ts``), a test command, or coverage itself. Manual checks ("test the copy button in
    Safari") do not count: they cannot produce a coverage figure. Silent without a task list.

    Why: a coverage target with no task that writes tests is unreachable as planned; at the end
    the target is either forgotten or reported without a measurement behind it.

    Bad:
        notes-plan.md:   ## Success Metrics
                         - Test coverage above 70% for the sync engine
        notes-tasks.md:  - [ ] Build the sync engine  - [ ] Try sync on two phones by hand

    Good:
        notes-tasks.md:  - [ ] Unit tests for the sync engine's merge rules; coverage report in CI
    """

    code = "DOC037"
    name = "coverage-target-without-test-task"
    category = Category.CONSISTENCY
    severity = Severity.MEDIUM
    rationale = "A coverage target that no task writes tests for cannot be met, only forgotten or claimed."
    fix = "Add tasks that set up the test framework and write the tests (and measure coverage), or drop the target."
    effort_minutes = 15

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        if task.tasks is None or not task.tasks.items:
            return
        docs = core_documents(task)
        targets = [(doc, n) for doc in docs for n in _targets(doc)]
        if not targets:
            return
        lines = {(doc.path, n) for doc, n in targets}
        if any(_automated(doc, lines) for doc in docs):
            return
        doc, line = targets[0]
        yield self.finding(
            task, doc, line,
            f"{snippet(doc.line_text(line), 70).strip('*_ ')!r} sets a test-coverage target, but no task or other "
            f"line of the folder writes, sets up or runs automated tests (only manual checks, if any).",
            key="coverage-target", related=targets[1:5],
        )


def _targets(doc: Document) -> Iterator[int]:
    for number in doc.lines_containing(COVERAGE_TARGET_CUES):
        if number not in doc.code_lines and COVERAGE_TARGET_RE.search(doc.lines[number - 1]):
            yield number


def _automated(doc: Document, skip: set[tuple[str, int]]) -> bool:
    return any(AUTOMATED_TEST_RE.search(doc.lines[number - 1]) and (doc.path, number) not in skip
               for number in doc.lines_containing(AUTOMATED_TEST_CUES))
