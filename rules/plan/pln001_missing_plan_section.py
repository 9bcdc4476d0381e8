"""PLN001 missing-plan-section."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, TaskDocs, normalise_title
from rules.core.rule import Rule, RuleContext
from rules.core.scoring import combined_penalty
from rules.core.sections import (
    TIMELINE,
    anchor_line,
    find_heading,
    has_timeline,
    heading_keys,
    headings,
    phase_sections,
    preamble_labels,
    synonyms,
    timed_phases,
    title_section,
)
from rules.core.size import is_small, one_session
from rules.core.state import finished
from rules.core.vocabulary import CURRENT_STATE_HEADINGS, OVERVIEW_HEADINGS, RISK_HEADINGS, SUCCESS_HEADINGS

GroupName = Literal[
    "overview", "current-state", "phases", "risks", "success-metrics", "timeline", "related-documents"
]
ALL_GROUPS: tuple[GroupName, ...] = (
    "overview", "current-state", "phases", "risks", "success-metrics", "timeline", "related-documents"
)


# What one-session work does not need (rules/core/size.py): at most info when the work is small.
SCALED_GROUPS = frozenset({"current-state", "risks", "success-metrics", "timeline"})
# What finished work no longer needs (rules/core/state.py): not asked once the work is finished.
FORWARD_GROUPS = frozenset({"current-state", "risks", "success-metrics", "timeline"})


class _Group(NamedTuple):
    heading: str  # the heading the fix suggests
    severity: Severity
    effort: int
    what: str  # what the section holds
    pattern: re.Pattern[str]  # over Section.key and preamble labels


def _zh(*words: str) -> str:
    """Chinese words inside a heading's one unspaced token (``当前状态分析`` holds ``当前状态``)."""
    return r"\S*(?:" + "|".join(words) + r")\S*"


GROUPS: dict[str, _Group] = {
    "overview": _Group(
        "Executive Summary", Severity.HIGH, 15, "what the work is and why it matters",
        synonyms("overview", "executive summary", "^(?:project |plan |task )?summary", "problem statement",
                 "(?:proposed|target|desired|future) state",
                 "tl ?dr", "goals?", "objectives?", "purpose", "introduction", "abstract", "mission",
                 "^(?:project |work )?scope$",
                 *OVERVIEW_HEADINGS),
    ),
    "current-state": _Group(
        "Current State", Severity.MEDIUM, 20, "where things stand today",
        synonyms("current", "background", "context", "problem", "as is", "status quo", "baseline",
                 "existing", "motivation", "situation", "현재", "배경", _zh("背景"), *CURRENT_STATE_HEADINGS),
    ),
    "phases": _Group(
        "Implementation Phases", Severity.HIGH, 45, "phases with goals, durations and acceptance criteria",
        synonyms("phases?", "stages?", "milestones?", "roadmap", "sprints?", "iterations?", "waves?",
                 "tracks?", "work ?streams?",
                 "implementation (?:plan|steps|strategy|order|pattern|approach)",
                 "^(?:implementation |execution |rollout |migration )?steps$",
                 "(?:work|task) breakdown", "단계", "로드맵", "트랙", "fazy", "etapy", "fases?", "etapas", "phasen",
                 "этапы", "фазы", _zh("阶段", "实施计划", "フェーズ", "段階")),
    ),
    "risks": _Group(
        "Risks and Mitigation", Severity.MEDIUM, 20, "each risk with likelihood, impact and mitigation",
        synonyms("risks?", "threats?", "pitfalls?", "concerns", "mitigations?", *RISK_HEADINGS),
    ),
    "success-metrics": _Group(
        "Success Metrics", Severity.MEDIUM, 15, "measurable criteria for done",
        synonyms("success", "acceptance criteria", "definition of done", "done when", "done criteria", "exit criteria",
                 "completion criteria", "kpis?", "metrics", *SUCCESS_HEADINGS),
    ),
    "timeline": _Group(
        "Timeline", Severity.LOW, 15, "a schedule summarising the phases",
        TIMELINE,
    ),
    "related-documents": _Group(
        "Related Documents", Severity.LOW, 5, "links to the context, tasks and key files",
        synonyms("related", "references?", "resources", "see also", "links", "key files", "further reading",
                 "documentation", "dependencies", "참고", "관련", "powiązane", _zh("相关文档", "参考")),
    ),
}


class MissingPlanSection(Rule):
    """The plan lacks a section a reviewer expects: overview, current state, phases, risks,
    success metrics, timeline or related documents.

    Headings are recognised by synonyms, case-insensitively, ignoring numbering and emoji
    (``## 2. Current State (현재 상태)``); ``Label: value`` lines before the first section stand in
    for headings in short plans. Phases also count when the plan has phase headings, a timeline
    when a table summarises phases with durations, related documents when the task folder holds
    the context and tasks files beside the plan (the folder relates them). A missing timeline is
    reported here only for a plan without phase headings, at the heading or label that lists the
    phases: with phase headings it is PLN004's finding (phases with durations) or PLN002's (phases
    without).

    What another file of the folder holds counts: a risk register in the context (``## Risks``,
    ``## Known Risks``; not a domain heading such as ``Frost Risk``) stands for the plan's, success
    criteria, a definition of done or acceptance criteria in the tasks or context for its success
    metrics, a timeline in the tasks file for its timeline. Finished work (archived, every box
    ticked, or declared done: rules/core/state.py) is not asked for a current state, risks,
    success metrics or a timeline: its schedule and risks are history, where it stands is its
    outcome.

    One finding per plan names every missing section, at the highest of their severities (a
    timeline reported at the phases' heading is a related place); it deducts what the sections
    would deduct one by one. For work of one session at most (rules/core/size.py) the current
    state, risks, success metrics and timeline are a second, info finding: a suggestion.

    Why: each section answers a question the next reader will ask — what and why, where we are,
    how (phases), what could go wrong, how we know we are done, when, and where to look next.

    Bad:
        # Auth — Plan
        ## Phases
        ### Phase 1: Login form

    Good:
        # Auth — Plan
        ## Executive Summary
        ## Current State
        ## Implementation Phases
        ## Risks and Mitigation
        ## Success Metrics
        ## Timeline
        ## Related Documents

    Options:
        required: the groups to require (default all): overview, current-state, phases, risks,
            success-metrics, timeline, related-documents.
    """

    code = "PLN001"
    name = "missing-plan-section"
    category = Category.PLAN
    severity = Severity.HIGH
    rationale = "A plan without an overview, phases, risks or success metrics leaves reviewers guessing."
    fix = "Add each missing section under its usual heading (risks kept in the context or criteria in the tasks count)."
    effort_minutes = 20

    class Options(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)
        required: tuple[GroupName, ...] = ALL_GROUPS

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        doc = task.plan
        if doc is None:
            return
        missing = [(name, line) for name in self.options.required if (line := self._missing(task, doc, name))]
        if not missing:
            return
        small = is_small(task)
        needed = [(name, line) for name, line in missing if small is None or name not in SCALED_GROUPS]
        if needed:
            yield self._finding(task, doc, needed, key="sections")
        if suggested := [(name, line) for name, line in missing if (name, line) not in needed]:
            assert small is not None
            yield self._finding(task, doc, suggested, key="suggested-sections",
                                why=f" {one_session(small)}, so {'this is' if len(suggested) == 1 else 'these are'}"
                                    " only a suggestion.")

    def _missing(self, task: TaskDocs, doc: Document, name: str) -> int | None:
        """The line to report a missing *name* section at, or ``None`` when it is there (or not asked)."""
        group = GROUPS[name]
        if name in FORWARD_GROUPS and finished(task) is not None:
            return None  # finished work: its schedule, risks and metrics are history, its state its outcome
        if name == "timeline":
            if _timeline_not_asked(task, doc):
                return None
            return _phases_line(task, doc) or anchor_line(doc)  # a schedule summarises the phases
        labels = [normalise_title(label) for _line, label, _value in preamble_labels(doc)]
        keys, title = heading_keys(doc)
        if any(group.pattern.search(x) for x in (*keys, *labels)) or group.pattern.fullmatch(title):
            return None
        if _implied(task, doc, name) or _elsewhere(task, name):
            return None
        return anchor_line(doc)

    def _finding(self, task: TaskDocs, doc: Document, asked: list[tuple[str, int]], *, key: str,
                 why: str = "") -> Finding:
        """One finding naming every missing section of *asked*, at the highest of their severities (info
        with *why* for one-session work); a section reported at another line (the timeline, at the
        phases) is a related place."""
        groups = [GROUPS[name] for name, _line in asked]
        names = [repr(group.heading) for group in groups]
        listed = ", ".join(names[:-1]) + (" or " if len(names) > 1 else "") + names[-1]
        what = "; ".join(f"{group.heading}: {group.what}" for group in groups) if len(groups) > 1 else groups[0].what
        message = f"Plan {doc.name!r} has no {listed} section{'s' if len(names) > 1 else ''} ({what}).{why}"
        fix = "Add " + "; ".join(f"a `## {group.heading}` section ({group.what})" for group in groups) + "."
        severity = Severity.INFO if why else max(group.severity for group in groups)
        grouped = len(groups) > 1 and not why and self.effective_severity == type(self).severity
        lines = sorted({line for _name, line in asked})  # the top of the plan first, then the phases' place
        return self.finding(task, doc, lines[0], message, key=key, fix=fix, severity=severity,
                            effort_minutes=sum(group.effort for group in groups),
                            penalty=combined_penalty(group.severity for group in groups) if grouped else None,
                            related=[(doc, line) for line in lines[1:]])


def _elsewhere(task: TaskDocs, name: str) -> bool:
    """Another file of the folder holds the section: the context's (or tasks') risks, the tasks' (or
    context's) success criteria, definition of done or acceptance criteria."""
    others = [d for d in (task.context, task.tasks) if d is not None]
    if name == "risks":
        return any(find_heading(d, _RISK_REGISTER) is not None for d in others)
    if name == "success-metrics":
        return any(find_heading(d, GROUPS["success-metrics"].pattern) is not None
                   or find_heading(d, _ACCEPTANCE) is not None for d in others)
    return False


# A section that is the work's risk register ("Risks", "Known Risks", "Risks and Mitigations", "Risk
# Assessment"), not one named after a risk of the domain ("Frost Risk", "Fire risk zones").
_RISK_REGISTER = re.compile(
    r"^(?:(?:known|key|main|major|potential|technical|identified|open|project) )?"
    r"(?:risks|risk (?:and )?(?:mitigations?|assessment|register|analysis|management)|risks (?:and )?"
    r"(?:mitigations?|assessment|register|analysis|management|concerns)|mitigations?)$|^(?:위험|리스크)")
_ACCEPTANCE = synonyms("acceptance", "수락 기준", "验收")


def _timeline_not_asked(task: TaskDocs, doc: Document) -> bool:
    """A timeline is there, in the plan or the tasks file; or another rule owns its absence (PLN004
    when phases carry durations, PLN002 when phase headings lack them)."""
    return (has_timeline(doc) or (task.tasks is not None and has_timeline(task.tasks))
            or bool(phase_sections(doc)) or len(timed_phases(doc)) >= 2)


def _phases_line(task: TaskDocs, doc: Document) -> int | None:
    """Where the plan lays out its phases without phase headings: a heading or a ``Phases:`` label;
    of several, the outermost named like the tasks file's phase headings (``## Wave structure`` for
    a tasks file of ``## Wave 1 — …``), else the first."""
    pattern = GROUPS["phases"].pattern
    found: list[tuple[int, int, str]] = sorted(  # (heading level, 0 for a label; line; key)
        [(s.level, s.line, s.key) for s in headings(doc, pattern)]
        + [(0, n, normalise_title(label)) for n, label, _value in preamble_labels(doc)
           if pattern.search(normalise_title(label))])
    words = _phase_words(task.tasks) if task.tasks is not None else frozenset()
    mirrored = [line for _level, line, key in found if any(w in key.split() for w in words)]
    first = min((line for _level, line, _key in found), default=None)
    return mirrored[0] if mirrored else first


_PHASE_HEADING_RE = re.compile(r"^\W*([^\W\d_]+)s?\s+(?:\d|[A-Z]\b)")


def _phase_words(tasks: Document) -> frozenset[str]:
    """The word the tasks file names its phases with (``wave`` for ``## Wave 2 — GUI tier``), in the
    singular and plural forms a plan heading may use."""
    words = {m.group(1).lower() for s in tasks.sections if (m := _PHASE_HEADING_RE.match(s.title))}
    return frozenset(words | {w + "s" for w in words})


def _implied(task: TaskDocs, doc: Document, name: str) -> bool:
    """Structure that does the section's job without its heading."""
    if name == "phases":
        return bool(phase_sections(doc)) or any(t.column("phase", "stage", "milestone") is not None
                                                for t in doc.tables) or _step_headings(doc)
    if name == "related-documents":  # the folder itself relates plan, context and tasks
        return (task.context is not None and task.tasks is not None) or any(
            not link.target.startswith(("http:", "https:", "mailto:", "#")) for link in doc.links)
    if name == "overview":
        return _has_lead_paragraph(doc)
    if name == "current-state":
        return find_heading(doc, _STATUS_HEADING) is not None
    return False


# A section (not a ``Status:`` label) that reports where the work stands is its current state.
_STATUS_HEADING = synonyms(
    "^(?:current |overall |project )?(?:status|progress)(?: summary| overview| update| report)?$")
_STEP_HEADING_RE = re.compile(r"(?i)^\W*step\s+\d{1,3}\b")


def _step_headings(doc: Document) -> bool:
    """Two or more ``Step N`` headings (``### Step 1: Create the table``): the plan's phases as steps."""
    return sum(1 for s in doc.sections if _STEP_HEADING_RE.match(s.title)) >= 2


def _has_lead_paragraph(doc: Document) -> bool:
    """A sentence of eight words or more between the title and the first section."""
    title = title_section(doc)
    rest = [s.line for s in doc.sections if s is not title]
    for text in doc.lines[title.line if title else 0 : rest[0] - 1 if rest else len(doc.lines)]:
        plain = text.strip().lstrip(">*_-# ")
        if len(plain.split()) >= 8 and ":" not in plain[:30] and not plain.startswith(("|", "<!--")):
            return True
    return False
