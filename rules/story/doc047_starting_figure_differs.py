"""DOC047 starting-figure-differs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, TaskDocs
from rules.core.numbers import prose
from rules.core.phases import short
from rules.core.rule import Rule, RuleContext

_N = r"(\d{1,3}(?:,\d{3})+|\d{1,6})(?![\d.%])"
_WORD = r"[a-z][a-z-]{1,24}"
_NOUN = rf"((?:{_WORD}[ ]){{0,3}}{_WORD})"
_BEFORE = r"(?<![\w.,/$€£#:-])"
# "193 total tests (up from 59)", "130 tests, up from 88"
_UP_FROM = re.compile(rf"{_BEFORE}{_N}[ ]{_NOUN}[ ]?[(,][ ]?(?:up|down)[ ]from[ ]{_N}", re.IGNORECASE)
# "105 new tests (88 → 193)": a change, then the figure it went from and to
_DELTA = re.compile(rf"{_BEFORE}{_N}[ ]{_NOUN}[ ]?\({_N}[ ]?(?:→|->|⇒)[ ]?{_N}\)", re.IGNORECASE)
# "88 → 193 tests", "from 88 to 193 tests"
_ARROW = re.compile(rf"{_BEFORE}(?<![→>] ){_N}[ ]?(?:→|->|⇒)[ ]?{_N}[ ]({_WORD})(?![\w→-])", re.IGNORECASE)
_FROM_TO = re.compile(rf"\bfrom[ ]{_N}[ ]to[ ]{_N}[ ]({_WORD})\b", re.IGNORECASE)
# "**Start of Phase 3**: 88 tests", "Baseline: 59 tests", "Before: 77 errors"
_START = re.compile(
    rf"(?i)^[\s>*+-]*[*_]*(?:start(?:ing)?|baseline|before|initial(?:ly)?|original(?:ly)?)\b[^:\n]{{0,30}}:[*_]*"
    rf"[ ]*~?{_N}[ ]({_WORD})\b"
)
_CUES = ("from", "→", "->", "⇒", "start", "baseline", "before", "initial", "original")


@dataclass(frozen=True, slots=True)
class _Step:
    noun: str
    start: int
    end: int | None  # None: a stated starting figure ("Baseline: 88 tests")
    doc: Document
    line: int


class StartingFigureDiffers(Rule):
    """The folder gives the same count two different starting figures.

    Reads the changes the files record for a counted thing (``193 tests (up from 59)``,
    ``105 new tests (88 → 193)``, ``88 → 130 tests``, ``from 88 to 193 tests``) and stated
    starting figures (``Start of the work: 88 tests``, ``Baseline: 88 tests``). A figure that starts
    a change and that no change reaches is a starting point. Two starting points of one count that
    lead to the same figure contradict each other when the one stated once lies before the other
    (below it for a count that grows, above it for one that shrinks): a later step starts where an
    earlier one ended, never before the work began. The starting point stated once is reported
    against the one the folder states two or more times; a tie tells nothing and is left alone.

    Why: the starting figure is what every "added" or "fixed" figure is measured from. When two
    paragraphs start the count differently, the size of the change depends on which one the reader
    happens to see.

    Bad:
        ## Testing ✅
        - 193 tests in total (up from 59)
        ## Statistics
        - Tests written: 105 new tests (88 → 193)
        - Baseline: 88 tests

    Good:
        ## Testing ✅
        - 193 tests in total (up from 88)
        ## Statistics
        - Tests written: 105 new tests (88 → 193)
        - Baseline: 88 tests
    """

    code = "DOC047"
    name = "starting-figure-differs"
    category = Category.CONSISTENCY
    severity = Severity.LOW
    rationale = "Two starting figures for one count make every figure measured from it ambiguous."
    fix = "Correct the starting figure stated once so that every change starts from the same figure."
    effort_minutes = 5

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        by_noun: dict[str, list[_Step]] = {}
        for doc in task.documents:
            for step in _steps(doc):
                by_noun.setdefault(step.noun, []).append(step)
        for noun, steps in by_noun.items():
            found = _lone_start(steps)
            if found is None:
                continue
            lone, usual = found
            shown = ", ".join(f"{s.doc.name}:{s.line}" for s in usual[:3])
            message = (f"{short(lone.doc.line_text(lone.line))!r} starts the {noun} at {lone.start:,}, but the "
                       f"folder starts them at {usual[0].start:,} ({shown}).")
            yield self.finding(task, lone.doc, lone.line, message, key=f"{noun}:{lone.start}",
                               related=[(s.doc, s.line) for s in usual])


def _lone_start(steps: list[_Step]) -> tuple[_Step, list[_Step]] | None:
    """A starting point stated once, and the statements of the other one (stated two or more times,
    a stated starting figure counting as one), when both lead to a common figure."""
    reached = {s.end for s in steps if s.end is not None}
    starts: dict[int, list[_Step]] = {}
    for step in steps:
        if step.start not in reached:
            starts.setdefault(step.start, []).append(step)
    if len(starts) != 2:
        return None
    (_, few), (_, many) = sorted(starts.items(), key=lambda item: len(item[1]))
    if len(few) != 1 or len(many) < 2 or few[0].end is None:
        return None
    lone = few[0]
    up = lone.end is not None and lone.end > lone.start
    if lone.end not in {s.end for s in many}:
        return None  # two progressions that end apart may be two different counts
    if any(s.end is not None and (s.end > s.start) != up for s in many):
        return None  # one count going up in one place and down in another: not one progression
    if (lone.start > many[0].start) == up:
        return None  # inside the progression: a later step's start, which the folder may just not show
    return lone, many


def _steps(doc: Document) -> Iterator[_Step]:
    for number in doc.lines_containing(_CUES):  # a few searches of the whole text, not one per line
        if number in doc.code_lines:
            continue
        text = prose(doc.lines[number - 1])
        for m in _UP_FROM.finditer(text):
            yield _step(m.group(2), m.group(3), m.group(1), doc, number)
        for m in _DELTA.finditer(text):
            yield _step(m.group(2), m.group(3), m.group(4), doc, number)
        for m in _ARROW.finditer(text):
            yield _step(m.group(3), m.group(1), m.group(2), doc, number)
        for m in _FROM_TO.finditer(text):
            yield _step(m.group(3), m.group(1), m.group(2), doc, number)
        if m := _START.match(text):
            yield _step(m.group(2), m.group(1), None, doc, number)


def _step(noun: str, start: str, end: str | None, doc: Document, line: int) -> _Step:
    return _Step(_head(noun), _number(start), None if end is None else _number(end), doc, line)


def _head(noun: str) -> str:
    """The counted word: the first plural-looking one ("tests" in "tests in total"), else the last."""
    words = noun.lower().split()
    return next((w for w in words if w.endswith("s") and not w.endswith("ss")), words[-1])


def _number(text: str) -> int:
    return int(text.replace(",", ""))
