"""PLN002 phase-missing-details."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, Section, Status, TaskDocs
from rules.core.phases import PHASE_WORD, is_deferred_phase
from rules.core.rule import Rule, RuleContext
from rules.core.sections import has_timeline, phase_estimates, phase_id, phase_sections
from rules.core.size import scaled_to_size
from rules.core.vocabulary import ACCEPTANCE_WORDS, DURATION_LABELS, GOAL_LABELS
from rules.plan._phase_facts import PhaseFacts

# The lead of a line (blanks, quote and list marks, numbering) up to a label. It stops at a line end and
# is possessive: a lead running over many lines, or given back one character at a time, is quadratic.
_LEAD = r"^(?:[^\S\n]|[>*_#+\-\d.|])*+"
_GOAL_RE = re.compile(
    rf"(?im){_LEAD}(?:goals?|objectives?|purpose|aim|intent|outcomes?|why|approach|scope|summary)\b[\s*_]*(?:[:：]|$)"
    r"|\((?:goal|objective)\s*[:：]|목표"
    rf"|(?m:{_LEAD}(?:{'|'.join(GOAL_LABELS)})[\s*_]*[:：])"  # the team's language: "目标：", "Cel:"
)
_ACCEPT_RE = re.compile(
    r"(?i)\bacceptance\b|\bdeliverables?\b|\bdone when\b|\bdefinition of done\b|\bexit criteria\b"
    r"|\b(?:success|completion) (?:criteria|metrics?)\b|\bexpected (?:outcome|result|behaviou?r)s?\b"
    r"|\btest (?:cases?|scenarios?|plan)\b|완료 (?:조건|기준)|산출물|" + "|".join(ACCEPTANCE_WORDS) +
    rf"|(?m:{_LEAD}(?:verification|verify|tests?|checks?)\b[\s*_]*[:：])"
    r"|(?m:^#{2,6}[^\S\n]++[\d.]*+[^\S\n]*+(?:verification|acceptance|test cases|tests?\b|testing\b))"
)
_DURATION_RE = re.compile(
    rf"(?im){_LEAD}(?:duration|estimated?(?: time| effort)?|effort|time ?box|eta|due|deadline"
    r"|target(?: date)?|timeline)\b[\s*_]*[:：]|\b(?:weeks?|days?|sprint)\s+\d+\b|기간|소요"
    rf"|(?m:{_LEAD}(?:{'|'.join(DURATION_LABELS)})[\s*_]*[:：])|[(（](?:{'|'.join(DURATION_LABELS)})\s*[:：]"
)
# Six words or more (not a list item, table, heading or label): \s*+ and possessive words behave as
# \W* and \S+\s+ would here, without their quadratic backtracking over a line of punctuation.
_PROSE_RE = re.compile(r"^(?![\s>]*(?:[-*+|#<`]|\d+[.)]\s|\**[^:*]{1,30}[:：]))\s*+(?:\S++\s++){5}\S")
# What a heading says besides the phase's name: its id, numbering, status words, placeholders.
_PHASE_PREFIX_RE = re.compile(rf"(?i)^\W*(?:\d+(?:\.\d+)*\.?\s+)?{PHASE_WORD}\s+[\w.]+")
_ASIDE_RE = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")  # innermost groups: an unclosed run never rescans
_NOT_A_NAME = frozenset({
    "complete", "completed", "done", "finished", "pending", "todo", "tbd", "tba", "wip", "in", "progress",
    "not", "started", "planned", "planning", "blocked", "partial", "paused", "deferred", "optional",
    "priority", "current", "next", "status", "phase", "stage",
})
_GOAL_WORDS = ("goal", "objective", "purpose", "aim", "intent", "outcome", "why", "approach", "scope",
               "summary", "목표", *(w for w in GOAL_LABELS if w.isalpha()))
_DURATION_WORDS = ("duration", "estimat", "effort", "time", "eta", "due", "deadline", "target", "week",
                   "day", "sprint", "기간", "소요", "工", "预", "耗", "見積", "期間", "所要", "czas", "срок",
                   "оценка", "длительность", "duraci", "duraç", "dauer", "aufwand")
_ACCEPT_WORDS = ("acceptance", "deliverable", "done", "criteria", "expected", "verif", "test", "success",
                 "metric", "check", "완료", "산출물", *(w.split()[0] for w in ACCEPTANCE_WORDS))
_SHELVED = frozenset({Status.OPTIONAL, Status.PAUSED})


class PhaseMissingDetails(Rule):
    """A phase lacks a goal, a duration, a status or acceptance criteria.

    Looks at the phase heading (``### Phase 2: Hooks (2 hours - Effort: M) ✅``) and its body:
    a heading that names the work, ``Goal:`` / ``**Objective**`` or a sentence of prose; estimates
    and ``Duration:``; status markers, ``Status:`` or checkboxes; ``Acceptance Criteria`` /
    ``Deliverables`` / ``Done when`` / test cases / a verification sub-section. A duration may also
    stand in a timeline row or on the same phase in the tasks file, and a task list sized item by
    item (``[S]``, ``2h``, a size column) needs no phase durations. A phase split into parts
    (``Phase 1A``, ``Phase 1.2``) shares its details with them: the parts inherit the whole's goal,
    duration and criteria, and their status markers are the whole's status. Deferred and optional phases
    are skipped: they need no detail until they are scheduled. A phase the tasks file tracks (the same
    phase there with a status or checkboxes) has its status there, where it belongs (DOC040 asks the
    plan not to keep a second tracker). Of finished work (archived, every
    box ticked, or declared done: rules/core/state.py) only the goal is checked: the schedule,
    status and criteria of finished work are history. An investigation
    (analysis, research, spike: its plan or tasks title says so) is not asked for acceptance
    criteria per phase: its phases are questions, done when answered. A detail missing
    from every phase is reported once, at the first phase, not phase by phase.
    All the plan's gaps are one finding, at the first (the detail no phase has, or else the first
    phase's), naming each phase's gaps and keeping every phase as a related place; it deducts what
    the separate findings would.

    When the folder states work of one session at most (rules/core/size.py), the finding is info
    only: the phases of such work are steps, not a schedule; and when its plan has a
    ``Success Criteria`` (or acceptance, exit, definition-of-done) section, those criteria close
    the steps, and no phase is asked for its own.

    Why: a phase without a goal cannot be judged, without a duration it cannot be scheduled,
    without a status nobody knows where the work stands, and without acceptance criteria nobody
    can say it is finished.

    Bad:
        ### Phase 2
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
        yield from scaled_to_size(self, task, self._check(task, ctx))  # one-session work: info at most

    def _check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        doc = task.plan
        if doc is None:
            return
        by_id: dict[str, list[Section]] = {}  # a phase described twice (design, then schedule) is one phase
        for phase in phase_sections(doc):
            by_id.setdefault(phase_id(phase), []).append(phase)
        facts = PhaseFacts.of(task, doc)
        gaps: dict[str, list[str]] = {}
        checked: dict[str, int] = dict.fromkeys(_DETAILS, 0)  # how many phases each detail was asked of
        for ident, phases in by_id.items():
            if not any(p.status in _SHELVED or is_deferred_phase(doc, p) for p in phases):
                asked, missing = _asked(phases[0], facts), set.intersection(*(set(_missing(doc, p, facts))
                                                                               for p in phases))
                gaps[ident] = [d for d in _DETAILS if d in missing]
                for detail in asked:
                    checked[detail] += 1
        _inherit(gaps)
        everywhere = [d for d in _DETAILS if checked[d] >= 2 and sum(d in g for g in gaps.values()) == checked[d]]
        found: list[Finding] = []
        if everywhere:
            first = by_id[next(i for i, g in gaps.items() if everywhere[0] in g)][0]
            found.append(self._everywhere(task, doc, first, len(gaps), everywhere, checked))
        for ident, parts in gaps.items():
            if left := [d for d in parts if d not in everywhere]:
                fix = f"Add to {ident!r}: " + "; ".join(_DETAILS[d] for d in left) + "."
                message = f"Phase {by_id[ident][0].title!r} has no {_listed(left)}."
                found.append(self.finding(task, doc, by_id[ident][0].line, message, key=ident, fix=fix,
                                          effort_minutes=5 * len(left)))
        if len(found) > 1:  # one problem, every place: the plan's phases lack details
            found = [self._merged(found)]
        yield from found

    def _merged(self, found: list[Finding]) -> Finding:
        """The plan's gaps as one finding at the first: every sentence (``MAX_NAMED``, then a count),
        every fix, every place related, deducting what the separate findings would."""
        more = len(found) - MAX_NAMED
        message = " ".join(f.message for f in found[:MAX_NAMED]) + (
            f" {more} more phase{'s' if more > 1 else ''} lack{'s' if more == 1 else ''} details too." if more > 0
            else "")
        return self.merged(found[0], found, message=message, fix=" ".join(f.fix for f in found[:MAX_NAMED]),
                           effort_minutes=min(90, sum(f.effort_minutes for f in found)))

    def _everywhere(self, task: TaskDocs, doc: Document, first: Section, count: int, parts: list[str],
                    checked: dict[str, int]) -> Finding:
        """One finding for a detail that no phase has: the plan's habit, not one phase's gap."""
        no_timeline = not has_timeline(doc) and (task.tasks is None or not has_timeline(task.tasks))
        timeline = ", and the plan has no timeline" if "duration" in parts and no_timeline else ""
        unfinished = " unfinished" if any(checked[d] < count for d in parts) else ""
        message = f"No{unfinished} phase has {_listed(parts, 'a')}{timeline} ({count} phases)."
        fix = "Add to every phase: " + "; ".join(_DETAILS[d] for d in parts) + "."
        return self.finding(task, doc, first.line, message, key="every-phase", fix=fix,
                            effort_minutes=min(60, 3 * count * len(parts)))


MAX_NAMED = 5  # sentences of a merged finding; further phases are counted (every place is related)

_DETAILS = {
    "goal": "a `Goal:` line saying what the phase achieves",
    "duration": "a duration, e.g. `(2 days)` in the heading",
    "status": "a status marker (✅ / 🟡 / ⏳)",
    "acceptance criteria": "`Acceptance criteria:` that say when it is done",
}
_ARTICLE = {"goal": "a goal", "duration": "a duration", "status": "a status",
            "acceptance criteria": "acceptance criteria"}


def _listed(parts: list[str], article: str = "") -> str:
    words = [_ARTICLE[p] for p in parts] if article else parts
    return ", ".join(words[:-1]) + (" or " if len(words) > 1 else "") + words[-1]


def _inherit(gaps: dict[str, list[str]]) -> None:
    """A part (``Phase 1A``, ``Phase 2.1``) has what its whole phase (``Phase 1``) has."""
    for ident in gaps:
        whole = next((w for w in gaps if w != ident and ident.startswith(w) and not ident[len(w)].isdigit()), None)
        if whole is not None:
            gaps[ident] = [d for d in gaps[ident] if d in gaps[whole]]


def _asked(phase: Section, facts: PhaseFacts) -> list[str]:
    """The details asked of *phase*: only the goal in an archived task, no duration once complete."""
    if facts.archived:
        return ["goal"]
    return [d for d in _DETAILS if d != "duration" or phase.status is not Status.COMPLETE]


def _missing(doc: Document, phase: Section, facts: PhaseFacts) -> list[str]:
    text = "\n".join(doc.lines[phase.line - 1 : phase.end_line])
    low = text.lower()

    def says(pattern: re.Pattern[str], words: tuple[str, ...]) -> bool:  # keywords first: cheap
        return any(w in low for w in words) and pattern.search(text) is not None

    missing = []
    if not _names_the_work(phase) and not says(_GOAL_RE, _GOAL_WORDS) and not _PROSE_RE.match(
            _first_body_line(doc, phase)):
        missing.append("goal")
    if facts.archived:
        return missing  # finished work: its schedule, status and criteria are history
    if phase.status is not Status.COMPLETE and not (
        facts.sized_tasks or phase_estimates(doc, phase) or says(_DURATION_RE, _DURATION_WORDS)
        or facts.named_with_estimate(doc, phase)  # a timeline row or line, or the tasks file
    ):
        missing.append("duration")
    if not (facts.plan_status or phase.status or doc.items_in(phase) or says(_STATUS_RE, ("status",))
            or facts.status_nearby(phase) or facts.parts_tracked(phase)
            or facts.tracked_in_tasks(phase)):
        missing.append("status")
    if not (facts.investigation or facts.criteria_close_steps or says(_ACCEPT_RE, _ACCEPT_WORDS)
            or facts.criteria_elsewhere(phase)):
        missing.append("acceptance criteria")
    return missing


_STATUS_RE = re.compile(rf"(?im){_LEAD}status\b[\s*_]*[:：]")


def _names_the_work(phase: Section) -> bool:
    """The heading says what the phase does (``Phase 2: Extract hooks``), beyond its id, numbering,
    estimate and status (``Phase 2 (3 days) ✅``, ``Phase 7A: Complete``, ``Phase 3: TBD``)."""
    rest = _ASIDE_RE.sub(" ", _PHASE_PREFIX_RE.sub("", phase.title))
    for estimate in phase.estimates:
        rest = rest.replace(estimate.text, " ")
    return any(len(word) > 1 and word not in _NOT_A_NAME for word in re.findall(r"[^\W\d_]+", rest.lower()))


def _first_body_line(doc: Document, phase: Section) -> str:
    return next((line for line in doc.body(phase) if line.strip()), "")
