"""DOC050 target-passed-without-figure."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, Table, TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.core.story import core_documents
from rules.story._common import quote
from rules.story._fresh import in_role_category
from rules.story._targets import figures

# Header cells naming the target, the recorded result and the verdict of a results table.
# Names in order of preference: "Criterion | Target | Actual | Result" has its target under "Target".
_TARGET_NAMES = ("target", "goal", "threshold", "expected", "기준", "목표", "目标", "标准", "criterion", "criteria")
_RESULT_NAMES = ("actual", "measured", "observed", "achieved", "실측", "측정", "实际", "result", "결과", "结果")
_VERDICT_NAMES = ("pass", "verdict", "status", "met", "판정", "상태", "判定")
_PASS_RE = re.compile(r"(?i)(?<![\w-])(?:pass(?:ed|es)?|met|achieved|ok)(?![\w-])|✅|✔|통과|달성|通过")
_NOT_PASS_RE = re.compile(
    r"(?i)(?<![\w-])(?:fail(?:ed|s)?|not met|partial|n/a|pending|skipped)(?![\w-])|❌|⚠|미실행|실패"
)
_ALL_OR_NONE = frozenset({(100.0, "%"), (0.0, "%")})  # "100% preserved": a property a pass/fail test checks
_DIGIT_RE = re.compile(r"\d")
_MAX_NAMED = 3


class TargetPassedWithoutFigure(Rule):
    """A results table marks a quantitative target as passed, but the recorded result has no figure.

    Looks at tables with a target column (``Target``, ``Goal``, ``Criterion``, ``Expected``, ``기준``),
    a result column (``Actual``, ``Measured``, ``Result``, ``실측값``) and a verdict (a ``Pass/Fail`` or
    ``Status`` column, or the result cell itself saying pass). A row is reported when its target names
    a figure with a unit (``≥ 15%``, ``< 200 ms``, ``2x``), its result cell holds no number at all and
    its verdict says passed. All-or-nothing targets (``100%``, ``0%``) are left alone: a passing test
    checks those. One finding per table, at its first such row, naming the others.

    Why: a gate that says PASS for "at least 15% fewer duplicates" on the strength of "integration test
    passes" has not measured the 15%. The next reader trusts the verdict and never reruns the
    measurement; either record the figure or mark the criterion deferred.

    Bad:
        | Criterion | Target | Actual | Result |
        | Duplicate reduction | ≥ 15% | merge test passes | PASS |

    Good:
        | Criterion | Target | Actual | Result |
        | Duplicate reduction | ≥ 15% | 18.4% (127 → 104 units) | PASS |
    """

    code = "DOC050"
    name = "target-passed-without-figure"
    category = Category.CONSISTENCY  # filed under the category of the file holding the table
    severity = Severity.MEDIUM
    rationale = "A quantitative target marked passed with no measured figure was never checked."
    fix = "Record the measured figure next to the target, or mark the criterion deferred instead of passed."
    effort_minutes = 15

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        seen: set[tuple[str, str]] = set()  # a row copied into another file's table is the same problem
        for doc in core_documents(task):
            for table in doc.tables:
                rows = [r for r in _unmeasured_passes(table) if (r[1].casefold(), r[2].casefold()) not in seen]
                if not rows:
                    continue
                seen.update((name.casefold(), target.casefold()) for _line, name, target, _result in rows)
                copies = [(other, n) for other in core_documents(task) if other is not doc
                          for t in other.tables for n, name, target, _r in _unmeasured_passes(t)
                          if any((name.casefold(), target.casefold()) == (r[1].casefold(), r[2].casefold())
                                 for r in rows)]
                yield self._report(task, doc, rows, copies)

    def _report(self, task: TaskDocs, doc: Document, rows: list[_Row], copies: list[tuple[Document, int]]) -> Finding:
        (line, name, target, result), *others = rows
        also = "".join(f"; {quote(n, 30)} (line {n_line})" for n_line, n, _t, _r in others[:_MAX_NAMED])
        more = f" and {len(others) - _MAX_NAMED} more" if len(others) > _MAX_NAMED else ""
        copied = f" (the same row at {', '.join(f'{d.name}:{n}' for d, n in copies)})" if copies else ""
        message = (f"{quote(name, 40)} targets {quote(target, 30)} and is marked passed, but its recorded "
                   f"result {quote(result, 50)} holds no figure{copied}{also}{more}.")
        finding = self.finding(task, doc, line, message, key=f"table:{line}",
                               related=[*((doc, n_line) for n_line, *_rest in others), *copies])
        return in_role_category(finding, doc)


_Row = tuple[int, str, str, str]  # line, row name, target, result


def _unmeasured_passes(table: Table) -> Iterator[_Row]:
    """(line, row name, target, result) of every row passed on a result without a figure."""
    columns = _columns(table)
    if columns is None:
        return
    target_at, result_at, verdict_at = columns
    for line, row in zip(table.row_lines, table.rows, strict=False):
        if max(target_at, result_at, verdict_at if verdict_at is not None else 0) >= len(row):
            continue
        target, result = row[target_at], row[result_at]
        verdict = row[verdict_at] if verdict_at is not None else result
        wanted = figures(target) - _ALL_OR_NONE
        if (wanted and not _DIGIT_RE.search(result) and _PASS_RE.search(verdict)
                and not _NOT_PASS_RE.search(verdict) and not _NOT_PASS_RE.search(result)):
            yield line, row[0] if target_at != 0 else target, target, result


def _columns(table: Table) -> tuple[int, int, int | None] | None:
    """(target, result, verdict or None) column indices, each distinct, or None."""
    target_at = _column(table, _TARGET_NAMES, ())
    result_at = _column(table, _RESULT_NAMES, (target_at,))
    if target_at is None or result_at is None:
        return None
    taken = (target_at, result_at)
    verdict_at = _column(table, _VERDICT_NAMES, taken)
    return target_at, result_at, verdict_at if verdict_at is not None else _column(table, _RESULT_NAMES, taken)


def _column(table: Table, names: tuple[str, ...], taken: tuple[int | None, ...]) -> int | None:
    """The first header cell holding the first of *names* that any cell holds, other than *taken*."""
    cells = [cell.lower() for cell in table.header]
    for name in names:
        for index, cell in enumerate(cells):
            if index not in taken and name in cell:
                return index
    return None
