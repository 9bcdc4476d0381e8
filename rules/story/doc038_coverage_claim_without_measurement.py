"""DOC038 coverage-claim-without-measurement."""

from __future__ import annotations

from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.core.sections import snippet
from rules.core.story import core_documents
from rules.core.text import strip_comments
from rules.core.verification import COVERAGE_GOAL_RE, FULL_COVERAGE_RE, TEST_WORD_RE, coverage_measured
from rules.story._fresh import in_role_category

_MAX_RELATED = 5


class CoverageClaimWithoutMeasurement(Rule):
    """The folder claims 100% test coverage, but records no coverage measurement anywhere.

    A claim is a line that states full coverage of tests or code as a result (``maintaining 100% test
    coverage``, ``Test Coverage: 100% (4 tests passing)``; not "100% coverage of the requirements"),
    not as a target (``goal``, ``must``, ``> 95%``).
    A measurement is a coverage tool or report (``--coverage``, ``pytest-cov``, ``lcov``, a
    "coverage report"), a per-kind figure (``Statements 100%``, ``Branches 91.2%``) or a figure with
    decimals (``83.36% coverage``). Without one, the 100% is a pass count or a count of methods
    with a test, relabelled. One finding per folder, filed under the file holding most claims.

    Why: passing tests say nothing about the lines they never run. A coverage figure with no
    measurement behind it tells the next reader that the untested paths do not exist.

    Bad:
        cart-context.md:  All 41 tests pass, keeping 100% test coverage of the cart service.

    Good:
        cart-context.md:  All 41 tests pass; `vitest --coverage`: statements 100%, branches 94%.
    """

    code = "DOC038"
    name = "coverage-claim-without-measurement"
    category = Category.CONSISTENCY  # filed under the category of the file holding most claims
    severity = Severity.LOW
    rationale = "A 100% coverage claim with no measurement behind it hides the paths no test runs."
    fix = "Run the coverage tool and record its figures (statements, branches), or report the pass count as such."
    effort_minutes = 10

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        docs = core_documents(task)
        claims = [(doc, n) for doc in docs for n in _claims(doc)]
        if not claims or any(coverage_measured(doc.lower) for doc in docs):
            return
        counts = {d.path: sum(1 for c, _n in claims if c.path == d.path) for d in docs}
        doc, line = max(claims, key=lambda c: counts[c[0].path])  # first claim of the file with the most
        claims.remove((doc, line))
        claims.insert(0, (doc, line))
        also = f" ({len(claims) - 1} more such claims)" if len(claims) > 1 else ""
        finding = self.finding(
            task, doc, line,
            f"{snippet(doc.line_text(line), 70).strip('*_ ')!r} claims 100% test coverage{also}, but no file "
            f"records a coverage measurement (a coverage tool or report, statement or branch figures); "
            f"a pass count is not coverage.",
            key="coverage-claim", related=claims[1:_MAX_RELATED],
        )
        yield in_role_category(finding, doc)


def _claims(doc: Document) -> Iterator[int]:
    for number in doc.lines_containing(("coverage",)):
        text = strip_comments(doc.line_text(number))
        if (number not in doc.code_lines and FULL_COVERAGE_RE.search(text) and TEST_WORD_RE.search(text)
                and not COVERAGE_GOAL_RE.search(text)):
            yield number
