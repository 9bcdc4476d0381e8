"""Strengths (what a senior reviewer would praise) and scaffolds (what to paste for a gap).

Strengths come from signals that are present and good in the documents, never from the mere
absence of findings, and each names its evidence (counts, ``file:line``). Praise is withheld
where a medium-or-worse finding about the same thing sits inside the evidence (acceptance
criteria are not praised next to "phase 3 has no acceptance criteria"). Scaffolds are
ready-to-paste Markdown for a missing file or section (rules/core/scaffolds.py).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from rules.core import scaffolds as _scaffolds
from rules.core.finding import Finding, Severity
from rules.core.model import Document, Section, Table, TaskDocs
from rules.core.phases import PHASE_WORD
from rules.core.report import Scaffold
from rules.core.rule import RuleContext
from rules.core.vocabulary import DECISION_WORDS

MAX_STRENGTHS = 6


@dataclass(frozen=True, slots=True)
class _Strength:
    weight: int  # how much a senior reviewer values it; the highest come first
    text: str
    doc: Document | None = None  # where the evidence is, to withhold praise a finding contradicts
    lines: tuple[int, int] = (0, 0)
    topic: str = ""  # a finding in the evidence contradicts the praise if its message matches this


def strengths(task: TaskDocs, findings: Sequence[Finding], ctx: RuleContext) -> tuple[str, ...]:
    """At most ``MAX_STRENGTHS`` concrete strengths of *task*, most valuable first."""
    found = [s for signal in _SIGNALS if (s := signal(task, ctx)) is not None]
    found = [s for s in found if not _contradicted(s, findings)]
    found.sort(key=lambda s: -s.weight)
    return tuple(s.text for s in found[:MAX_STRENGTHS])


def scaffolds(task: TaskDocs, findings: Sequence[Finding], *, today: dt.date | None = None
              ) -> tuple[Scaffold, ...]:
    """Ready-to-paste Markdown for each missing file and each missing section a rule reported."""
    return _scaffolds.build(task, findings, today=today)


def _contradicted(strength: _Strength, findings: Sequence[Finding]) -> bool:
    if strength.doc is None:
        return False
    first, last = strength.lines
    return any(
        f.path == strength.doc.path and first <= f.line <= last and f.severity >= Severity.MEDIUM
        and re.search(strength.topic, f.message, re.IGNORECASE)
        for f in findings
    )


# --- reading the documents ---------------------------------------------------------------------

_PHASE_RE = re.compile(rf"(?i)\b{PHASE_WORD}\s+(?:\d+[a-z]?|[a-z])\b")
_LIST_RE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\S")
_DATE_RE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? "
                      r"\d{1,2},? \d{4}")
_COMMIT_RE = re.compile(r"`[0-9a-f]{7,40}`|\b(?:commit|sha)\s*+:?\s*+[0-9a-f]{7,40}\b", re.IGNORECASE)
_EMPTY_CELLS = frozenset({"", "-", "—", "–", "tbd", "?", "n/a", "none", "todo"})


def _docs(*docs: Document | None) -> Iterator[Document]:
    return (doc for doc in docs if doc is not None)


def _where(doc: Document, line: int) -> str:
    return f"{doc.name}:{line}"


def _sections(doc: Document, *words: str) -> Iterator[Section]:
    return (s for s in doc.sections if any(w in s.key for w in words))


def _lines(doc: Document, section: Section) -> tuple[str, ...]:
    """The heading and everything under it."""
    return doc.lines[section.line - 1 : section.end_line]


def _list_lines(doc: Document, section: Section) -> list[str]:
    return [line for line in doc.body(section) if _LIST_RE.match(line)]


def _has(doc: Document, section: Section, pattern: re.Pattern[str]) -> bool:
    return pattern.search("\n".join(_lines(doc, section))) is not None


def _filled(table: Table, column: int) -> list[tuple[str, ...]]:
    return [r for r in table.rows if len(r) > column and r[column].strip().lower() not in _EMPTY_CELLS]


def _span(section: Section) -> tuple[int, int]:
    return section.line, section.end_line


def _phases(doc: Document | None) -> list[Section]:
    """Phase headings at the shallowest level that has any; those under an implementation or
    phases heading when the plan lists its phases twice (a design overview, then the plan)."""
    if doc is None:
        return []
    found = [s for s in doc.sections if s.level > 1 and _PHASE_RE.search(s.title)]
    if not found:
        return []
    level = min(s.level for s in found)
    found = [s for s in found if s.level == level]
    preferred = [s for s in found if s.parent is not None and any(
        w in doc.sections[s.parent].key for w in ("implementation", "phases", "roadmap"))]
    return preferred if preferred and len({s.parent for s in found}) > 1 else found


def _joined(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


# --- the plan ----------------------------------------------------------------------------------

_RISK_RATINGS = (("probability", ("probab", "likelihood")), ("impact", ("impact", "severity")))


def _risk_register(task: TaskDocs, ctx: RuleContext) -> _Strength | None:
    for doc in _docs(task.plan):
        for table in doc.tables:
            mitigation = table.column("mitigat", "대응", "완화")
            if table.column("risk", "위험", "리스크") is None or mitigation is None or len(table.rows) < 2:
                continue
            if len(_filled(table, mitigation)) < len(table.rows):
                return None
            rated = [name for name, words in _RISK_RATINGS if table.column(*words) is not None]
            parts = [*rated, "mitigation", *(["status"] if table.column("status") is not None else [])]
            end = table.row_lines[-1] if table.row_lines else table.line
            text = f"Risk register table with {_joined(parts)} for all {len(table.rows)} risks"
            where = _where(doc, table.line)
            return _Strength(85 + 5 * len(rated), f"{text} ({where})", doc, (table.line, end), "risk")
        return _prose_risks(doc)
    return None


def _prose_risks(doc: Document) -> _Strength | None:
    """``### Risk 1: …`` sub-sections, each with a mitigation (and ideally likelihood and impact)."""
    mitigated, likely, impact = (re.compile(p, re.I) for p in ("mitigat", "likelihood|probability", "impact"))
    for parent in _sections(doc, "risk"):
        risks = doc.subsections(parent)
        if len(risks) < 2 or not all(_has(doc, r, mitigated) for r in risks):
            continue
        rated = all(_has(doc, r, likely) and _has(doc, r, impact) for r in risks)
        how = "is rated for likelihood and impact, with a mitigation" if rated else "has a mitigation"
        return _Strength(80 if rated else 70, f"Every risk ({len(risks)}) {how} ({_where(doc, parent.line)})",
                         doc, _span(parent), "risk")
    return None


_CRITERIA = ("acceptance", "done when", "definition of done", "exit criteria", "success criteria", "verif",
             "완료 조건")


def _criteria_lines(doc: Document, phase: Section) -> int:
    text = "\n".join(_lines(doc, phase)).lower()
    return sum(text.count(word) for word in _CRITERIA)


def _acceptance_criteria(task: TaskDocs, ctx: RuleContext) -> _Strength | None:
    for doc in _docs(task.plan, task.tasks):
        phases = _phases(doc)
        counts = [_criteria_lines(doc, p) for p in phases]
        if len(phases) >= 2 and all(counts):
            count = sum(counts)
            text = f"Acceptance criteria under every phase ({len(phases)}/{len(phases)} phases"
            return _Strength(85, f"{text}, {count} criteria in {doc.name})", doc,
                             (phases[0].line, phases[-1].end_line), "acceptance|criteria|verif")
    return None


_PHASE_PARTS = {
    "goals": re.compile(r"(?i)\b(?:goal|objective|purpose|outcome)s?\b\W*:|목표"),
    "durations": re.compile(r"(?i)\b(?:duration|effort|estimate)\b|\d\s*(?:h|hours?|days?|weeks?|min)\b"),
    "statuses": re.compile(r"\b[Ss]tatus\b\W*:|[✅⏳🟡🔄]|\b(?:COMPLETE|DONE|PENDING|IN PROGRESS|"
                           r"NOT STARTED)\b"),
}


def _phase_details(task: TaskDocs, ctx: RuleContext) -> _Strength | None:
    for doc in _docs(task.plan):
        phases = _phases(doc)
        if len(phases) < 2:
            return None
        shared = [name for name, part in _PHASE_PARTS.items()
                  if all(_has(doc, p, part) or (name == "statuses" and p.status) for p in phases)]
        if shared:
            topic = "|".join(name.rstrip("s") for name in shared)
            every = "Both phases" if len(phases) == 2 else f"All {len(phases)} phases"
            text = f"{every} carry {_joined(shared)} ({_where(doc, phases[0].line)})"
            return _Strength(55 + 10 * len(shared), text, doc, (phases[0].line, phases[-1].end_line), topic)
    return None


_MEASURE_RE = re.compile(
    r"\d\s*%|[<>≤≥]\s*\d|\d\s*\+|\d(?<!\d\d)\d*\s*/\s*\d+"  # 5%, < 200 ms, 50+, 228/228 (a run of digits: once)
    r"|\b\d+(?:\.\d+)?\s*(?:ms|s|sec|min|minutes?|h|hours?|days?|x|times|users?|stars?|errors?|tests?|mb|kb|gb)\b"
    r"|\b(?:less|fewer|more|under|over|below|above|at least|at most)\s+(?:than\s+)?\d|\bzero\b",
    re.IGNORECASE,
)


def _success_metrics(task: TaskDocs, ctx: RuleContext) -> _Strength | None:
    for doc in _docs(task.plan):
        for section in _sections(doc, "success", "metric", "kpi"):
            rows = [line for line in doc.body(section) if line.lstrip().startswith("|")]
            items = _list_lines(doc, section) + rows
            measurable = [line for line in items if _MEASURE_RE.search(line)]
            if len(measurable) >= 3 or (len(measurable) >= 2 and 2 * len(measurable) >= len(items)):
                text = f"Success metrics include {len(measurable)} measurable targets (numbers or thresholds"
                where = _where(doc, section.line)
                return _Strength(70, f"{text}, {where})", doc, _span(section), "metric|measur")
    return None


def _timeline(task: TaskDocs, ctx: RuleContext) -> _Strength | None:
    for doc in _docs(task.plan):
        for table in doc.tables:
            timed = table.column("duration", "effort", "estimate", "date", "week", "day", "기간")
            phased = table.column("phase", "stage", "milestone") is not None
            if timed is not None and phased and len(table.rows) >= 2:
                return _Strength(45, f"Timeline table with durations for {len(table.rows)} phases "
                                 f"({_where(doc, table.line)})", doc, (table.line, table.line), "timeline")
    return None


_LINK_RE = re.compile(r"→|->|(?i:depends on|after|before|blocks)")


def _dependencies(task: TaskDocs, ctx: RuleContext) -> _Strength | None:
    for doc in _docs(task.plan, task.tasks):
        for table in doc.tables:
            column = table.column("depend", "의존", "prerequisite", "blocked by")
            if column is not None and len(linked := _filled(table, column)) >= 2:
                return _Strength(55, f"Dependencies recorded for {len(linked)} of {len(table.rows)} items "
                                 f"({_where(doc, table.line)})", doc, (table.line, table.line), "depend")
        for section in _sections(doc, "dependenc", "critical path", "sequencing"):
            links = [line for line in doc.body(section) if _LINK_RE.search(line)]
            if len(links) >= 2:
                return _Strength(55, f"Dependencies between phases noted ({len(links)} links, "
                                 f"{_where(doc, section.line)})", doc, _span(section), "depend")
    return None


# --- the context and the tasks -----------------------------------------------------------------

def _estimates(task: TaskDocs, ctx: RuleContext) -> _Strength | None:
    for doc in _docs(task.tasks):
        open_items = [i for i in doc.items if not i.checked]
        pool, what = (open_items, "open task") if len(open_items) >= 3 else (list(doc.items), "task")
        estimated = sum(1 for item in pool if item.estimates)
        if len(pool) < 3 or estimated < 0.9 * len(pool):
            return None
        where = f"{estimated}/{len(pool)} in {doc.name}"
        if estimated == len(pool):
            return _Strength(80 if what == "open task" else 55, f"Every {what} has an estimate ({where})")
        return _Strength(55, f"Nearly every {what} has an estimate ({where})")
    return None


def _session_log(task: TaskDocs, ctx: RuleContext) -> _Strength | None:
    for doc in _docs(task.context, task.tasks):
        for section in _sections(doc, "session", "log", "history", "journal", "changelog", "progress"):
            lines = _lines(doc, section)[1:]
            dated = sum(1 for line in lines if _DATE_RE.search(line) and (line.startswith(("#", "|")) or
                                                                         _LIST_RE.match(line)))
            if dated < 2:
                continue
            commits = sum(1 for line in lines if _COMMIT_RE.search(line))
            extra = " and commit hashes" if commits else ""
            text = f"Session log with dates{extra} ({dated} entries, {_where(doc, section.line)})"
            return _Strength(75 + (5 if commits else 0), text, doc, _span(section), "session|log")
    return None


_PROGRESS_PARTS = (("completed", ("complete", "done")), ("in progress", ("progress",)),
                   ("blockers", ("blocker",)), ("next steps", ("next",)))


def _session_progress(task: TaskDocs, ctx: RuleContext) -> _Strength | None:
    """The dev-docs pattern's SESSION PROGRESS: completed / in progress / blockers / next, as sub-sections."""
    for doc in _docs(task.context, task.tasks):
        for section in _sections(doc, "session", "progress", "current state", "status"):
            keys = " | ".join(s.key for s in doc.subsections(section))
            parts = [name for name, words in _PROGRESS_PARTS if any(w in keys for w in words)]
            if len(parts) >= 3:
                text = f"Session progress split into {_joined(parts)} ({_where(doc, section.line)})"
                return _Strength(60, text, doc, _span(section), "progress|current state")
    return None


_RATIONALE_RE = re.compile(r"(?i)\b(?:because|rationale|reason|why|so that|since|trade-?off|instead of|"
                           r"rather than|chosen|avoids?|ensures?)\b|→|->|근거|이유")


def _decisions(task: TaskDocs, ctx: RuleContext) -> _Strength | None:
    for doc in _docs(task.context, task.plan):
        for section in _sections(doc, *DECISION_WORDS):
            entries = _decision_entries(doc, section)
            reasoned = [e for e in entries if _RATIONALE_RE.search(e)]
            if len(entries) >= 2 and len(reasoned) >= 0.8 * len(entries):
                text = f"Key decisions recorded with rationale ({len(reasoned)} decisions"
                return _Strength(65, f"{text}, {_where(doc, section.line)})", doc, _span(section), "decision")
    return None


def _decision_entries(doc: Document, section: Section) -> list[str]:
    """One text per decision: a sub-section, a table row ("decision → why"), or a list item."""
    children = doc.subsections(section)
    if len(children) >= 2:
        return [" ".join(_lines(doc, s)) for s in children]
    for table in doc.tables:
        if section.line < table.line <= section.end_line and len(table.header) >= 2:
            return [" → ".join(row) for row in _filled(table, 1)]
    return _list_lines(doc, section)


def _progress_matches(task: TaskDocs, ctx: RuleContext) -> _Strength | None:
    for doc in _docs(task.tasks):
        done, total = sum(1 for i in doc.items if i.checked), len(doc.items)
        claim = next((c for c in doc.progress if (c.done, c.total) == (done, total)), None)
        if total >= 3 and claim is not None:
            return _Strength(50, f"Progress summary ({done}/{total}) matches the checkboxes "
                             f"({_where(doc, claim.line)})", doc, (claim.line, claim.line), "progress")
    return None


# "228/228 tests", "27 focused tests passed", "12 checks pass". Starts with a digit class and is
# case-sensitive on purpose: the regex engine then skips to digits, 5x faster over a whole doc. It
# goes on only where a run of digits starts (the look-behind after the first digit keeps the fast
# skip): tried from every digit of a 40 KB run, it was quadratic.
_TESTS = r"(?:[Tt]ests?|[Cc]hecks?|[Ss]pecs?)"
_TEST_RESULT_RE = re.compile(rf"[0-9](?<![0-9]{{2}})(?:[0-9]*[ \t]*/[ \t]*[0-9]+[ \t]+{_TESTS}\b"
                             rf"|[0-9]*[ \t]+(?:[A-Za-z]+[ \t]+)?{_TESTS}[ \t]+pass(?:ed|ing|es)?\b)")


def _verification_evidence(task: TaskDocs, ctx: RuleContext) -> _Strength | None:
    for doc in _docs(task.context, task.tasks, task.plan):
        text = doc.text
        if match := _TEST_RESULT_RE.search(text):
            number = text.count("\n", 0, match.start()) + 1
            return _Strength(50, f"Verification results recorded: {match.group().strip()!r} "
                             f"({_where(doc, number)})", doc, (number, number), "test|verif")
    return None


def _fresh_context(task: TaskDocs, ctx: RuleContext) -> _Strength | None:
    for doc in _docs(task.context):
        ref = doc.last_updated
        age = (ctx.today - ref.date).days if ref is not None and ref.date is not None else -1
        if ref is None or not 0 <= age <= 7:
            return None
        days = f"{age} day{'s' if age > 1 else ''}"
        when = "on the day of the review" if age == 0 else f"{days} before the review"
        return _Strength(45, f"Context updated {when} ({_where(doc, ref.line)})", doc, (ref.line, ref.line))
    return None


def _next_steps(task: TaskDocs, ctx: RuleContext) -> _Strength | None:
    for doc in _docs(task.context):
        for section in _sections(doc, "next step", "next action", "immediate"):
            if len(steps := _list_lines(doc, section)) >= 2:
                text = f"Next steps ready for the next session ({len(steps)} items"
                return _Strength(40, f"{text}, {_where(doc, section.line)})", doc, _span(section), "next")
    return None


def _lessons(task: TaskDocs, ctx: RuleContext) -> _Strength | None:
    for doc in _docs(task.context, task.tasks):
        for section in _sections(doc, "lesson", "learned", "retrospective", "takeaway", "gotcha"):
            entries = max(len(doc.subsections(section)), len(_list_lines(doc, section)))
            if entries >= 2:
                return _Strength(35, f"Lessons learned recorded ({entries}, {_where(doc, section.line)})",
                                 doc, _span(section), "lesson")
    return None


_SIGNALS: tuple[Callable[[TaskDocs, RuleContext], _Strength | None], ...] = (
    _risk_register, _acceptance_criteria, _phase_details, _estimates, _session_log, _success_metrics,
    _decisions, _session_progress, _dependencies, _progress_matches, _verification_evidence, _fresh_context,
    _timeline, _next_steps, _lessons,
)
