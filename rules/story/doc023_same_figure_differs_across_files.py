"""DOC023 same-figure-differs-across-files."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, TaskDocs
from rules.core.numbers import Kind, NumberClaim, claims, duration_claims, prose
from rules.core.rule import Rule, RuleContext

# "**Remaining effort:** 3-4 hours", "- Endpoints: 12 endpoints", "Total tasks: 40": a short label,
# a colon, and one figure.
_LABEL = re.compile(
    r"^[\s>*_+-]*(?:\d{1,3}[.)][ ]*)?(?:\[[ xX]\][ ]*)?[*_]*([A-Za-z][A-Za-z /&-]{1,40}?)[*_]*[ ]*:[*_]*[ ]*(.*)$"
)
_FILLER = frozenset({"the", "a", "an", "of", "for", "to", "in", "number", "no", "estimated", "estimate", "est",
                     "approx", "approximate", "overall", "total", "count", "time", "work", "effort"})
# Labels of a moment or a slice rather than of the task as a whole: they may differ between files
# by design ("Before: 77 errors", "Session 2: 3 hours", "Target: 80%", "Actual: 1.5 hours").
_MOMENT = re.compile(
    r"\b(?:before|after|start|end|initial|baseline|previous|prev|old|new|current|now|today|session|day|week|"
    r"month|phase|stage|sprint|step|part|actual|spent|elapsed|added|removed|fixed|changed|modified|created|"
    r"deleted|up|down|target|goal|expected|max|maximum|min|minimum|limit|budget|buffer|example|per|each|"
    r"average|avg|weekend|evening|morning|iteration|run|attempt|round|final|last|first|next)\b"
)


# "38 section types", "212 nuisance parameters": a count of a two-word subject whose second word is a
# plural. Not a figure written as approximate or open-ended ("~40 …", "20+ …"), nor a year.
_COUNTED = re.compile(r"([0-9]{1,4})(?![\d.,%+])[ \t]+([a-z][a-z-]{2,})[ \t]+([a-z][a-z-]+[a-rt-z]s)\b")
_NOT_BEFORE_COUNT = frozenset(".$/:#~≈+-_")  # nor a letter or digit: "v2", "x86", "$40", "~40"
_NOT_A_SUBJECT = frozenset({"and", "or", "with", "from", "to", "of", "in", "on", "at", "the", "for", "more", "less",
                            "than", "out", "per", "each", "new", "other", "extra", "additional", "remaining",
                            "open", "closed", "done", "left", "failing", "passing", "total", "times", "hours",
                            "minutes", "days", "weeks", "months", "years", "files", "lines", "tests", "items",
                            "tasks", "steps", "errors", "issues"})
_CLOSE = 1.5  # two counts of one set differ by a few: far apart, they count different things


@dataclass(frozen=True, slots=True)
class _Count:
    doc: Document
    line: int
    value: int
    subject: str


@dataclass(frozen=True, slots=True)
class _Figure:
    doc: Document
    line: int
    claim: NumberClaim
    label: str


class SameFigureDiffersAcrossFiles(Rule):
    """Two files of the task give the same labelled figure, or the same counted subject, different values.

    A labelled figure is a line that is a short label, a colon and one number with its unit:
    ``Remaining effort: 3-4 hours``, ``Endpoints: 12 endpoints``, ``Total tasks: 40 tasks``. Labels
    that name a moment or a slice (before, after, session, phase, actual, target, per…) are left out:
    those may differ by design. A label that a file repeats with different values is a log, and is
    left out too. Ranges that overlap agree; ``~``/``about`` figures may be off by 15%.

    A counted subject is a count of two words ending in a plural, anywhere in prose: ``38 section
    types`` in the plan, ``37 section types`` in the tasks. It is reported when the folder gives it
    exactly two values, each file one, that are close (the larger at most 1.5 times the smaller:
    counts far apart are of different sets, "3 section types" added to "37 section types"). Not a
    count written as approximate or open-ended (``~40``, ``20+``), a year, a count of generic
    things (files, tests, hours, "new …", "remaining …"), nor one in code.

    Why: a reader of one file plans with its figure. When another file of the same task says
    otherwise, one of them is stale, and nothing tells which.

    Bad:
        auth-context.md:  **Remaining effort:** 1 hour
        auth-tasks.md:    **Remaining effort:** 6-8 hours

    Good:
        auth-context.md:  **Remaining effort:** 6-8 hours (see the tasks file)
        auth-tasks.md:    **Remaining effort:** 6-8 hours
    """

    code = "DOC023"
    name = "same-figure-differs-across-files"
    category = Category.CONSISTENCY
    severity = Severity.MEDIUM
    rationale = "When two files give the same figure different values, one is stale and readers cannot tell which."
    fix = "Update the stale figure (or give the figure in one file and refer to it from the other)."
    effort_minutes = 5

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        keyed: dict[tuple[str, str], list[_Figure]] = {}
        for doc in task.documents:
            mine: dict[tuple[str, str], list[_Figure]] = {}
            for figure in _figures(doc):
                mine.setdefault((figure.label, _unit(figure.claim)), []).append(figure)
            for key, found in mine.items():
                if len({(f.claim.value, f.claim.high) for f in found}) == 1:  # repeated with other values: a log
                    keyed.setdefault(key, []).append(found[0])
        reported: set[tuple[str, int]] = set()
        for (label, _), found in keyed.items():
            first = found[0]
            for other in found[1:]:
                if not _agree(first.claim, other.claim):
                    reported |= {(first.doc.path, first.line), (other.doc.path, other.line)}
                    yield self.finding(
                        task, other.doc, other.line,
                        f"{other.doc.name} gives {label!r} as {_show(other.claim)}, but {first.doc.name}:"
                        f"{first.line} gives {_show(first.claim)}.",
                        key=f"{label}:{first.doc.name}",
                    )
                    break
        yield from self._counts(task, reported)

    def _counts(self, task: TaskDocs, reported: set[tuple[str, int]]) -> Iterator[Finding]:
        by_subject: dict[str, list[_Count]] = {}
        for doc in task.documents:
            mine: dict[str, list[_Count]] = {}
            for count in _counted(doc):
                mine.setdefault(count.subject, []).append(count)
            for subject, found in mine.items():
                if len({c.value for c in found}) == 1:  # one file counting it two ways is a log
                    by_subject.setdefault(subject, []).append(found[0])
        for subject, found in by_subject.items():
            values = sorted({c.value for c in found})
            if len(values) != 2 or values[1] > values[0] * _CLOSE:
                continue
            first = found[0]
            other = next(c for c in found if c.value != first.value)
            if {(first.doc.path, first.line), (other.doc.path, other.line)} & reported:
                continue
            yield self.finding(
                task, other.doc, other.line,
                f"{other.doc.name} counts {other.value} {subject!r}, but {first.doc.name}:{first.line} "
                f"counts {first.value}.",
                key=f"count:{subject}", related=[(first.doc, first.line)],
            )


def _counted(doc: Document) -> Iterator[_Count]:
    for line in doc.lines_containing((), (_COUNTED,)):
        if line in doc.code_lines:
            continue
        text = prose(doc.line_text(line)).lower()
        for match in _COUNTED.finditer(text):
            before = text[match.start() - 1] if match.start() else " "
            value, first = int(match.group(1)), match.group(2)
            if before.isalnum() or before in _NOT_BEFORE_COUNT or first in _NOT_A_SUBJECT or 1900 <= value <= 2100:
                continue
            yield _Count(doc, line, value, f"{first} {match.group(3)}")


def _figures(doc: Document) -> Iterator[_Figure]:
    by_line: dict[int, list[NumberClaim]] = {}
    for claim in (*claims(doc), *duration_claims(doc)):
        by_line.setdefault(claim.line, []).append(claim)
    for line, found in by_line.items():
        if len(found) != 1 or found[0].table or found[0].heading or found[0].kind is Kind.PERCENT:
            continue
        match = _LABEL.match(prose(doc.line_text(line)))
        if match is None:
            continue
        words = [w for w in re.split(r"[ /&-]+", match.group(1).lower()) if w and w not in _FILLER]
        label = " ".join(words)
        if not words or _MOMENT.search(label) or not _leads(match.group(2), found[0]):
            continue
        yield _Figure(doc, line, found[0], label)


def _leads(value: str, claim: NumberClaim) -> bool:
    """The figure opens the value (``~3 hours``), rather than standing somewhere in a sentence."""
    head = value.lstrip(" ~≈*_")
    return head[:1].isdigit() and (claim.kind is not Kind.COUNT or bool(claim.head))


def _unit(claim: NumberClaim) -> str:
    return "hours" if claim.kind is Kind.DURATION else claim.head or claim.kind.value


def _agree(a: NumberClaim, b: NumberClaim) -> bool:
    slack = 0.15 if a.approx or b.approx else 0.0
    return a.high * (1 + slack) >= b.value * (1 - slack) and b.high * (1 + slack) >= a.value * (1 - slack)


def _show(claim: NumberClaim) -> str:
    unit = " h" if claim.kind is Kind.DURATION else f" {claim.head}" if claim.head else ""
    value = f"{claim.value:g}" if claim.value == claim.high else f"{claim.value:g}-{claim.high:g}"
    return ("~" if claim.approx else "") + value + unit
