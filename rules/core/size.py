"""The size of the work as the folder states it, in hours (issue 9 item 9: expectations scale with it).

A reviewer does not ask a twenty-minute clean-up for a risk register. The engine only knows the size
of the work when the folder says it, in one of three ways:

1. **A stated total** (:func:`stated_total`): a line of the plan, context or tasks that sizes the
   whole work — it says "total", "overall", "estimated time/effort/duration/hours" or "time/effort
   estimate" and holds a duration (the high end of a range counts). Not a part of the work or time
   already spent or still left (a line that also says phase, step, stage, sprint, milestone,
   session, spent, actual, so far, elapsed, per, remaining or left), nor a measured time (a line
   that gives a duration in seconds: ``Total time: ~192s``), nor a line inside a phase's section.
2. **A duration in a file's header** (:func:`header_durations`): a ``Label: value`` line before the
   file's first ``##`` section (or in a first section that is only such labels, a metadata block
   such as ``## Summary`` over ``Date:`` / ``Duration:`` lines) whose label names a duration or
   time spent — ``Duration: ~20 minutes``, ``Time spent: 2h``, ``Effort: 1 day``, ``Total time``,
   ``Time taken``, ``Estimated effort`` — and whose value is not a part, a rate or a remainder
   (``2h per phase``, ``1h so far``, ``3h remaining``). A phase's own duration inside a phase
   section never counts.
3. **The task items' estimates** (:func:`item_total`): when every top-level checkbox of the tasks
   file carries a duration, their sum (the largest estimate of each item, the high end of ranges).

The size is the **largest** of the figures found (a folder that says both "Time spent: 1h" and
"Total: 12 hours" is twelve hours of work), or ``None`` when the folder states none: an unknown
size changes nothing. T-shirt sizes (``Effort: M``) are not durations and are ignored. A day is
8 hours, a week 40 (the estimate parser's units).

The work is **small** when its stated size is at most one working session, :data:`SESSION_HOURS`
(4 h): rules then ask at most for what such work needs (a plan's risks, success metrics, timeline
and current state at most info; a missing plan or task list low).

Everything here is pure and linear in the documents, and computed once per task
(``TaskDocs.derive``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rules.core.finding import Finding, Severity
from rules.core.model import Document, Estimate, TaskDocs
from rules.core.phases import PHASE_WORD
from rules.core.rule import Rule
from rules.core.sections import LABEL_RE, header_lines, phase_sections, title_section
from rules.core.text import clip

SESSION_HOURS = 4.0  # one working session: work of at most this many hours is "small"

# A line that states the size of the whole work, not of one step.
_TOTAL_RE = re.compile(
    r"(?i)\b(?:total|overall|estimated\s(?:time|effort|duration|hours)|(?:time|effort)\sestimate)\b"
)
# A total of a part of the work, or of time already spent: not the size of the whole.
_PART_RE = re.compile(
    r"(?i)\b(?:phase|step|stage|sprint|milestone|session|spent|actual|so\sfar|elapsed|per|remaining|left)\b"
    # a time in seconds is a measured run ("Total time: ~192s (3 min 12 sec)"): nobody sizes work in seconds
    r"|(?<![\w.])\d+(?:\.\d+)?\s?(?:s|secs?|seconds?)\b")

# The label names how long the work takes or took.
_DURATION_LABEL_RE = re.compile(
    r"(?i)^(?:(?:total|actual|estimated|overall|session)\s)?(?:duration|time\s(?:spent|taken|required)"
    r"|effort(?:\sestimate)?|time(?:\sestimate)?|total|time\sto\scomplete|length)$"
)
_PHASE_LABEL_RE = re.compile(rf"(?i)\b{PHASE_WORD}\b")
# A value that sizes a part, a rate or what is left, not the whole: "2h per phase", "1h so far".
_NOT_WHOLE_RE = re.compile(r"(?i)\b(?:per|each|so\sfar|remaining|left|daily|a\s(?:day|week)|step|sprint|phase|stage)\b")


@dataclass(frozen=True, slots=True)
class WorkSize:
    """How big the folder says the work is."""

    hours: float
    path: str  # the file that says it
    line: int
    text: str  # what it says, for a message: "Total: 20 minutes", "3 tasks estimated at 2.5 h in all"

    def describe(self) -> str:
        return f"{self.text!r}, {_hours(round(self.hours * 60))}"


def work_size(task: TaskDocs) -> WorkSize | None:
    """The size of the work as the folder states it (module docstring), or ``None``."""
    return task.derive(_work_size)


def is_small(task: TaskDocs, limit_hours: float = SESSION_HOURS) -> WorkSize | None:
    """The stated size when the work is at most *limit_hours* (one session), else ``None``."""
    size = work_size(task)
    return size if size is not None and size.hours <= limit_hours else None


def one_session(size: WorkSize) -> str:
    """Why a finding is scaled down, to end its message with (``…, so this is only a suggestion.``)."""
    return f"The docs size the work at one working session or less ({size.describe()})"


def scaled_to_size(rule: Rule, task: TaskDocs, findings: Iterable[Finding],
                   cap: Severity = Severity.INFO) -> Iterator[Finding]:
    """*findings* of *rule*, at most *cap* when the work is small (their message says why); as they
    are when its size is unknown or larger, or when the repo config sets the rule's severity."""
    small = is_small(task)
    return rule.capped(findings, None if small is None else one_session(small), cap)


def stated_total(task: TaskDocs) -> tuple[Document, Estimate] | None:
    """The largest total of the whole work the docs state (module docstring, 1), with its file."""
    return task.derive(_stated_total)


def _stated_total(task: TaskDocs) -> tuple[Document, Estimate] | None:
    totals: list[tuple[Document, Estimate]] = []
    for doc in _core(task):
        verdicts: dict[int, bool] = {}  # line -> states a total: each line read once, however many estimates
        for estimate in doc.estimates:
            if estimate.is_effort_size:
                continue
            if (total := verdicts.get(estimate.line)) is None:
                text = clip(doc.line_text(estimate.line))  # a 200 KB line of durations is data
                total = verdicts[estimate.line] = bool(_TOTAL_RE.search(text) and not _PART_RE.search(text)
                                                       and not _in_phase(doc, estimate.line))
            if total:
                totals.append((doc, estimate))
    return max(totals, key=lambda pair: pair[1].minutes_high, default=None)


def header_durations(doc: Document) -> tuple[Estimate, ...]:
    """Durations stated by a label in *doc*'s header (module docstring, 2)."""
    return doc.derive(_header_durations)


def _header_durations(doc: Document) -> tuple[Estimate, ...]:
    found: list[Estimate] = []
    for number in header_lines(doc):
        text = doc.line_text(number)
        if number in doc.code_lines or (":" not in text and "：" not in text) or not (match := LABEL_RE.match(text)):
            continue
        label = " ".join(match.group(1).split())
        if (_DURATION_LABEL_RE.match(label) and not _PHASE_LABEL_RE.search(label)
                and not _NOT_WHOLE_RE.search(match.group(2))):
            found.extend(e for e in doc.estimates_in(number, number) if not e.is_effort_size)
    return tuple(found)


def item_total(doc: Document) -> tuple[int, int] | None:
    """``(minutes, items)``: the sum of the top-level checkboxes' estimates when every one of them
    carries a duration (module docstring, 3), else ``None``."""
    tops = [item for item in doc.items if item.depth == 0]
    minutes = 0
    for item in tops:
        durations = [e.minutes_high for e in item.estimates if not e.is_effort_size]
        if not durations:
            return None
        minutes += max(durations)
    return (minutes, len(tops)) if tops else None


def _work_size(task: TaskDocs) -> WorkSize | None:
    found: list[WorkSize] = []
    if (total := stated_total(task)) is not None:
        doc, estimate = total
        found.append(WorkSize(estimate.minutes_high / 60, doc.path, estimate.line, _quote(doc, estimate)))
    for doc in _core(task):
        for estimate in header_durations(doc):
            found.append(WorkSize(estimate.minutes_high / 60, doc.path, estimate.line, _quote(doc, estimate)))
    if task.tasks is not None and (summed := item_total(task.tasks)) is not None:
        minutes, count = summed
        anchor = title_section(task.tasks)
        found.append(WorkSize(minutes / 60, task.tasks.path, anchor.line if anchor else 1,
                              f"{count} task{'s' if count != 1 else ''} estimated at {_hours(minutes)} in all"))
    return max(found, key=lambda size: size.hours, default=None)


def _core(task: TaskDocs) -> tuple[Document, ...]:
    return tuple(d for d in (task.plan, task.context, task.tasks) if d is not None)


def _in_phase(doc: Document, line: int) -> bool:
    """*line* is inside a phase's section (walking up its headings: a few steps, not a scan)."""
    starts = doc.derive(_phase_starts)
    index = doc.section_index(line) if starts else None
    while index is not None:
        section = doc.sections[index]
        if section.line in starts:
            return True
        index = section.parent
    return False


def _phase_starts(doc: Document) -> frozenset[int]:
    return frozenset(phase.line for phase in phase_sections(doc))


def _quote(doc: Document, estimate: Estimate) -> str:
    text = " ".join(doc.line_text(estimate.line).replace("**", "").replace("__", "").split()).lstrip("-*+> ")
    return text if len(text) <= 60 else estimate.text


def _hours(minutes: int) -> str:
    return f"{minutes} min" if minutes < 60 else f"{round(minutes / 60, 1):g} h"
