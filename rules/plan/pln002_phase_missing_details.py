"""PLN002 phase-missing-details."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, Section, Status, TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.plan._common import phase_estimates, phase_id, phase_sections, preamble_labels

# The lead of a line (blanks, quote and list marks, numbering) up to a label. It stops at a line end and
# is possessive: a lead running over many lines, or given back one character at a time, is quadratic.
_LEAD = r"^(?:[^\S\n]|[>*_#+\-\d.|])*+"
_GOAL_RE = re.compile(
    rf"(?im){_LEAD}(?:goals?|objectives?|purpose|aim|intent|outcomes?|why|approach|scope|summary)\b[\s*_]*(?:[:：]|$)"
    r"|\((?:goal|objective)\s*[:：]|목표"
)
_ACCEPT_RE = re.compile(
    r"(?i)\bacceptance\b|\bdeliverables?\b|\bdone when\b|\bdefinition of done\b|\bexit criteria\b"
    r"|\b(?:success|completion) criteria\b|\bexpected (?:outcome|result)s?\b|완료 (?:조건|기준)|산출물"
    rf"|(?m:{_LEAD}verification\b[\s*_]*[:：])"
)
_DURATION_RE = re.compile(
    rf"(?im){_LEAD}(?:duration|estimated?(?: time| effort)?|effort|time ?box|eta|due|deadline"
    r"|target(?: date)?|timeline)\b[\s*_]*[:：]|\b(?:weeks?|days?|sprint)\s+\d+\b|기간|소요"
)
_STATUS_RE = re.compile(rf"(?im){_LEAD}status\b[\s*_]*[:：]")
# Six words or more (not a list item, table, heading or label): \s*+ and possessive words behave as
# \W* and \S+\s+ would here, without their quadratic backtracking over a line of punctuation.
_PROSE_RE = re.compile(r"^(?![\s>]*(?:[-*+|#<`]|\d+[.)]\s|\**[^:*]{1,30}[:：]))\s*+(?:\S++\s++){5}\S")
_GOAL_WORDS = ("goal", "objective", "purpose", "aim", "intent", "outcome", "why", "approach", "scope",
               "summary", "목표")
_DURATION_WORDS = ("duration", "estimat", "effort", "time", "eta", "due", "deadline", "target", "week",
                   "day", "sprint", "기간", "소요")
_ACCEPT_WORDS = ("acceptance", "deliverable", "done", "criteria", "expected", "verification", "완료",
                 "산출물")
_SHELVED = frozenset({Status.OPTIONAL, Status.PAUSED})


class PhaseMissingDetails(Rule):
    """A phase lacks a goal, a duration, a status or acceptance criteria.

    Looks at the phase heading (``### Phase 2: Hooks (2 hours - Effort: M) ✅``) and its body:
    ``Goal:`` / ``**Objective**``, estimates and ``Duration:``, status markers, ``Status:`` or
    checkboxes, ``Acceptance Criteria`` / ``Deliverables`` / ``Done when``. Deferred and optional
    phases are skipped: they need no detail until they are scheduled.

    Why: a phase without a goal cannot be judged, without a duration it cannot be scheduled,
    without a status nobody knows where the work stands, and without acceptance criteria nobody
    can say it is finished.

    Bad:
        ### Phase 2: Incremental indexing
        - Consume outbox events

    Good:
        ### Phase 2: Incremental indexing (2 days) 🟡 IN PROGRESS
        **Goal:** changes reach the index within 30 seconds.
        **Acceptance criteria:** p99 lag under 30 s in staging.
    """

    code = "PLN002"
    name = "phase-missing-details"
    category = Category.PLAN
    severity = Severity.MEDIUM
    rationale = "Phases without goal, duration, status or acceptance criteria cannot be scheduled or closed."
    fix = "Give the phase a `Goal:`, a duration, a status marker and `Acceptance criteria:`."
    effort_minutes = 10

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        doc = task.plan
        if doc is None:
            return
        by_id: dict[str, list[Section]] = {}  # a phase described twice (design, then schedule) is one phase
        for phase in phase_sections(doc):
            by_id.setdefault(phase_id(phase), []).append(phase)
        facts = _Facts.of(doc)
        for ident, phases in by_id.items():
            if any(p.status in _SHELVED for p in phases):
                continue
            missing = set.intersection(*(set(_missing(doc, p, facts)) for p in phases))
            if not missing:
                continue
            parts = [d for d in _DETAILS if d in missing]
            what = ", ".join(parts[:-1]) + (" or " if len(parts) > 1 else "") + parts[-1]
            fix = f"Add to {ident!r}: " + "; ".join(_DETAILS[d] for d in parts) + "."
            message = f"Phase {phases[0].title!r} has no {what}."
            yield self.finding(task, doc, phases[0].line, message, key=ident, fix=fix,
                               effort_minutes=5 * len(parts))


_DETAILS = {
    "goal": "a `Goal:` line saying what the phase achieves",
    "duration": "a duration, e.g. `(2 days)` in the heading",
    "status": "a status marker (✅ / 🟡 / ⏳)",
    "acceptance criteria": "`Acceptance criteria:` that say when it is done",
}
_ONGOING = frozenset({Status.IN_PROGRESS, Status.PARTIAL, Status.BLOCKED, Status.PAUSED})


def _plan_status_covers_phases(doc: Document) -> bool:
    """A plan-level ``Status:`` (top or bottom) that is not "in progress" makes per-phase status
    redundant: a plan that is ready to implement, or complete, says so for every phase."""
    lines = [n for n, label, _value in preamble_labels(doc) if label == "status"]
    tail = range(max(1, doc.line_count - 4), doc.line_count + 1)
    lines += [n for n in tail if _STATUS_RE.match(doc.line_text(n))]
    marks = {m.line: m.status for m in doc.statuses}
    return bool(lines) and all(marks.get(n) not in _ONGOING for n in lines)


_MENTION_RE = re.compile(r"(?=(Phase|Stage|Milestone|Sprint) ([\w.]+))")  # every phase id a line names


@dataclass(frozen=True, slots=True)
class _Facts:
    """What every phase of one plan is checked against, gathered once (not once per phase)."""

    plan_status: bool  # a plan-level status covers every phase
    timed_ids: frozenset[str]  # phase ids named on a line that holds an estimate (a timeline row)
    status_ids: frozenset[str]  # ids a status line names
    status_lines: tuple[int, ...]  # lines with a status outside a checkbox, in order

    @classmethod
    def of(cls, doc: Document) -> _Facts:
        estimate_lines = dict.fromkeys(e.line for e in doc.estimates)
        timed = frozenset(f"{m.group(1)} {m.group(2)}" for n in estimate_lines
                          for m in _MENTION_RE.finditer(doc.line_text(n)))
        return cls(_plan_status_covers_phases(doc), timed,
                   frozenset(i for m in doc.statuses for i in m.item_ids),
                   tuple(m.line for m in doc.statuses if not m.in_checkbox))


def _missing(doc: Document, phase: Section, facts: _Facts) -> list[str]:
    text = "\n".join(doc.lines[phase.line - 1 : phase.end_line])
    low = text.lower()

    def says(pattern: re.Pattern[str], words: tuple[str, ...]) -> bool:  # keywords first: cheap
        return any(w in low for w in words) and pattern.search(text) is not None

    missing = []
    if not says(_GOAL_RE, _GOAL_WORDS) and not _PROSE_RE.match(_first_body_line(doc, phase)):
        missing.append("goal")
    if phase.status is not Status.COMPLETE and not (
        phase_estimates(doc, phase) or says(_DURATION_RE, _DURATION_WORDS)
        or _named_with_estimate(doc, phase, facts)  # a timeline row or line
    ):
        missing.append("duration")
    if not (facts.plan_status or phase.status or doc.items_in(phase) or says(_STATUS_RE, ("status",))
            or _status_nearby(phase, facts)):
        missing.append("status")
    if not says(_ACCEPT_RE, _ACCEPT_WORDS):
        missing.append("acceptance criteria")
    return missing


def _first_body_line(doc: Document, phase: Section) -> str:
    return next((line for line in doc.body(phase) if line.strip()), "")


def _named_with_estimate(doc: Document, phase: Section, facts: _Facts) -> bool:
    """The phase's id (``Phase 2``, not ``Phase 2.1``) stands on a line that holds an estimate."""
    ident = phase_id(phase)
    if ident.startswith(("Phase ", "Stage ", "Milestone ", "Sprint ")):
        return ident in facts.timed_ids
    mention = re.compile(re.escape(ident) + r"(?![\w.])")  # not a phase id: search the lines themselves
    return any(mention.search(doc.line_text(e.line)) for e in doc.estimates)


def _status_nearby(phase: Section, facts: _Facts) -> bool:
    """A status just under the heading, or a status line elsewhere naming the phase (a status table)."""
    lines = facts.status_lines
    after = bisect_right(lines, phase.line)
    return (after < len(lines) and lines[after] <= phase.line + 3) or phase_id(phase) in facts.status_ids
