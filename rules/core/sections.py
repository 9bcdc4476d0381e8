"""Helpers shared by the plan and context rules: headings by synonym, preamble labels, phases."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rules.core.discovery import role_of
from rules.core.extract import parse_date
from rules.core.model import DateRef, Document, Estimate, Role, Section, Table, TaskDocs, normalise_title
from rules.core.phases import PHASE_WORD, PHASE_WORDS
from rules.core.text import clip, strip_comments
from rules.core.vocabulary import LOCAL_PHASE, NEXT_HEADINGS, RISK_HEADINGS, TIMELINE_HEADINGS

LABEL_RE = re.compile(r"^\s*+(?:[-*+>]\s++)?(?:\*\*|__)?([^:：*_`|]{2,40}?)(?:\*\*|__)?\s*[:：]\s*(.*)$")
_PHASE_TITLE_RE = re.compile(rf"^\W*(?:\d+(?:\.\d+)*\.?\s+)?(?:(?i:{PHASE_WORD})\s+\w|{LOCAL_PHASE})")
_PHASE_WORDS = tuple(f"{word.title()} " for word in PHASE_WORDS)


def synonyms(*words: str) -> re.Pattern[str]:
    """A pattern over normalised titles (``Section.key``): any of *words* as whole words."""
    return re.compile(r"(?:^|(?<=\s))(?:" + "|".join(words) + r")(?=\s|$)")


def first_subsection_line(doc: Document) -> int:
    """The line of the first section below level 1 (where a file's header ends), else one past the end."""
    return next((s.line for s in doc.sections if s.level > 1), doc.line_count + 1)


def first_line(doc: Document, section: Section) -> int | None:
    """The first non-blank line below *section*'s heading, None when the section is empty."""
    return next((n for n in range(section.line + 1, section.end_line + 1) if doc.line_text(n).strip()), None)


def is_prose(doc: Document, line: int) -> bool:
    """Whether *line* is prose: not code, a table row, a heading or a checkbox (a value a label's
    section can give on its first line)."""
    return line not in doc.code_lines and not doc.line_text(line).lstrip().startswith(("#", "|", "- [", "* ["))


def heading_lines(doc: Document) -> frozenset[int]:
    """The lines that hold a section's heading (computed once per document)."""
    return doc.derive(_heading_lines)


def _heading_lines(doc: Document) -> frozenset[int]:
    return frozenset(section.line for section in doc.sections)


def title_section(doc: Document) -> Section | None:
    """The document title: a first heading at level 1."""
    first = doc.title
    return first if first is not None and first.level == 1 else None


def anchor_line(doc: Document) -> int:
    """Where a finding about the whole document goes: the title line, else line 1."""
    title = title_section(doc)
    return title.line if title else 1


def find_heading(doc: Document, pattern: re.Pattern[str]) -> Section | None:
    """First section whose key matches *pattern*; the title counts only when it is all synonym."""
    return next(headings(doc, pattern), None)


def headings(doc: Document, pattern: re.Pattern[str]) -> Iterator[Section]:
    """Every section whose key matches *pattern* (the title only when it is all synonym)."""
    title = title_section(doc)
    for section in doc.sections:
        key = section.key
        if pattern.search(key) and (section is not title or pattern.fullmatch(key)):
            yield section


def heading_keys(doc: Document) -> tuple[list[str], str]:
    """The keys of every section but the title, and the title's key ("" without a title), for a
    rule that matches many patterns against the same headings."""
    title = title_section(doc)
    return [s.key for s in doc.sections if s is not title], title.key if title else ""


def preamble_labels(doc: Document) -> tuple[tuple[int, str, str], ...]:
    """``(line, normalised label, value)`` of ``Label: value`` lines outside any section but the
    title (the whole document when it has no headings): such labels stand in for headings."""
    return doc.derive(_preamble_labels)


def _preamble_labels(doc: Document) -> tuple[tuple[int, str, str], ...]:
    title = title_section(doc)
    later = [s.line for s in doc.sections if s is not title]
    stop = later[0] - 1 if later else len(doc.lines)
    found = []
    for number in range(1, stop + 1):
        text = doc.lines[number - 1]
        if (":" in text or "：" in text) and number not in doc.code_lines and (match := LABEL_RE.match(text)):
            found.append((number, " ".join(match.group(1).lower().split()), match.group(2).strip()))
    return tuple(found)


def phase_sections(doc: Document) -> tuple[Section, ...]:
    """Phase headings (``Phase 3: …``, ``Stage B``, ``Milestone 2``) not nested in another phase."""
    return doc.derive(_phase_sections)


def _phase_sections(doc: Document) -> tuple[Section, ...]:
    found: list[Section] = []
    indices: set[int] = set()
    title = title_section(doc)
    for index, section in enumerate(doc.sections):
        if section is title or not _is_phase(section):
            continue
        if not _has_phase_ancestor(doc, section, indices):
            found.append(section)
        indices.add(index)
    return tuple(found)


def phase_id(section: Section) -> str:
    return next((i for i in section.item_ids if i.startswith(_PHASE_WORDS)), section.title)


def _is_phase(section: Section) -> bool:
    return any(i.startswith(_PHASE_WORDS) for i in section.item_ids) and bool(
        _PHASE_TITLE_RE.match(section.title)
    )


def _has_phase_ancestor(doc: Document, section: Section, indices: set[int]) -> bool:
    parent = section.parent
    while parent is not None:
        if parent in indices:
            return True
        parent = doc.sections[parent].parent
    return False


# Sections saying what to do when work resumes: next steps, remaining work, a handoff (matched on Section.key).
NEXT = synonyms(
    r"next (?:\w+ )?steps?", "next actions?", "todo next", "quick resume", "resum(?:e|ing)", "next session",
    "up next", "what s next", r"handoff(?! (?:documentation|docs?)(?:\s|$))", "hand off",
    "remaining (?:work|tasks|items|checks|steps)", "todo", "to do",
    "action items", "follow ups?", *NEXT_HEADINGS,
)

RISKS = synonyms("risks?", "threats?", "pitfalls?", "concerns", *RISK_HEADINGS)
_ASIDE_RE = re.compile(r"\([^()]*\)")


def risk_headings(doc: Document) -> Iterator[Section]:
    """The sections about risks: a heading naming risks outside any parenthesised aside. A rating in
    parentheses ("Phase 1: Remove dead code (Low Risk, High Impact)") describes the section; it does
    not make its steps risks."""
    for section in headings(doc, RISKS):
        if "(" not in section.title or RISKS.search(normalise_title(_ASIDE_RE.sub(" ", section.title))):
            yield section

_PHASE_COLUMN = ("phase", "stage", "milestone", "sprint", "week", "단계")
_TIME_COLUMN = ("duration", "effort", "estimate", "time", "date", "day", "hour", "week", "size", "target",
                "deadline", "eta", "when", "일정", "기간", "소요")


def timeline_table(doc: Document) -> Table | None:
    """A table summarising phases with durations or dates (``| Phase | Duration | Target date |``)."""
    for table in doc.tables:
        phase = table.column(*_PHASE_COLUMN)
        time = next((i for i, h in enumerate(table.header) if i != phase and any(
            w in h.lower() for w in _TIME_COLUMN)), None)
        if phase is not None and time is not None:
            return table
    return None


TIMELINE = synonyms("timelines?", "schedules?", "estimated?", "estimates", "effort", "durations?",
                    "deadlines?", "eta", *TIMELINE_HEADINGS)


def has_timeline(doc: Document) -> bool:
    """A timeline heading (not a phase heading with an estimate such as ``(2 hours - Effort: M)``), a
    ``Timeline:`` label before the first section, or a table summarising phases with times."""
    return (any(not s.estimates for s in headings(doc, TIMELINE)) or timeline_table(doc) is not None
            or any(TIMELINE.search(normalise_title(label)) for _n, label, _v in preamble_labels(doc)))


def phase_estimates(doc: Document, phase: Section) -> tuple[Estimate, ...]:
    """The phase's duration: estimates in its heading, else any estimate inside the phase."""
    return phase.estimates or doc.estimates_in(phase.line + 1, phase.end_line)


PHASE_MENTION_RE = re.compile(  # every phase id a line names ("Phase 2", "Sprint 3.1")
    r"(?=(" + "|".join(word.title() for word in PHASE_WORDS) + r") ([\w.]+))"
)


def timed_phase_ids(doc: Document) -> frozenset[str]:
    """Ids of the phases the plan gives a duration: on the phase's heading or in its body, or on a
    line that names the phase and holds an estimate (a timeline row)."""
    return doc.derive(_timed_phase_ids)


def _timed_phase_ids(doc: Document) -> frozenset[str]:
    lines = dict.fromkeys(e.line for e in doc.estimates)
    named = {f"{m.group(1)} {m.group(2)}" for n in lines for m in PHASE_MENTION_RE.finditer(doc.line_text(n))}
    return frozenset(named | {phase_id(p) for p in phase_sections(doc) if phase_estimates(doc, p)})


def timed_phases(doc: Document) -> list[Section]:
    """Phases that carry a duration; with two or more the plan needs a timeline summary (PLN004)."""
    return [p for p in phase_sections(doc) if phase_estimates(doc, p)]


_MARKER_RE = re.compile(r"^\s*(?:[-*+>]|\d+[.)])?\s*(?:\[[ xX]\]\s*)?")


def snippet(text: str, limit: int = 80) -> str:
    """A line as quoted in a message: no HTML comments, list marker or checkbox, at most *limit* chars."""
    plain = _MARKER_RE.sub("", strip_comments(text)).replace("**", "").strip()
    return plain if len(plain) <= limit else plain[: limit - 1] + "…"


# An investigation's title names it so at its end ("Queue Library Evaluation — Tasks") or opens with
# it ("Spike: …"); "Static Analysis Integration" or "Service Discovery" are features, not studies.
_INVESTIGATION_RE = re.compile(
    r"(?i)(?:\b(?:analysis|analyses|research|investigation|spike|exploration|evaluation|feasibility study"
    r"|comparison|assessment)$|^(?:spike|research|investigat\w*|evaluat\w*|analy[sz]\w*)\b)"
    r"|(?:조사|분석|연구|调研|调查|分析|研究)$"  # the same words closing a Korean or Chinese title
)
_ROLE_TAIL_RE = re.compile(r"(?i)\b(?:(?:implementation|task|development) )?(?:plan|tasks?|checklist|context|notes)$")
_SEPARATORS = " \t:—–-"


def is_investigation(task: TaskDocs) -> bool:
    """The task is an analysis, research or spike (its plan's or tasks file's title says so): its
    items are questions, done when answered; the decision it ends in is what a reviewer checks."""
    titles = [d.title.title for d in (task.plan, task.tasks) if d is not None and d.title is not None]
    return any(_INVESTIGATION_RE.search(_subject(title)) for title in titles)


def _subject(title: str) -> str:
    """A title without its role suffix: "Queue Library Evaluation — Tasks" → "Queue Library Evaluation"."""
    return _ROLE_TAIL_RE.sub("", title.rstrip(_SEPARATORS)).rstrip(_SEPARATORS)


# --- a file's header ------------------------------------------------------------------------

def header_lines(doc: Document) -> range:
    """The lines of *doc*'s header: before its first section below the title, and through that
    section too when it is a metadata block (nothing but ``Label: value`` lines, blank lines and
    rules) that is not a phase."""
    title = title_section(doc)
    later = [s for s in doc.sections if s is not title]
    if not later:
        return range(1, len(doc.lines) + 1)
    first = later[0]
    end = first.line - 1
    body = doc.lines[first.line: first.end_line]
    if body and first not in phase_sections(doc) and all(
            not line.strip() or _is_rule(line) or LABEL_RE.match(line) for line in body):
        end = first.end_line
    return range(1, end + 1)


def _is_rule(line: str) -> bool:
    """A thematic break (``---``, ``***``, ``___``) inside a metadata block."""
    marks = line.replace(" ", "").strip()
    return len(marks) >= 3 and len(set(marks)) == 1 and marks[0] in "-*_"


def header_date(doc: Document) -> DateRef | None:
    """A labelled date in *doc*'s header (``Date:``, ``Created:``, ``Started:``, ``Completed:``, any
    label the model reads as a date) whose value is a date: the file's own date when it has no
    ``Last Updated``."""
    return doc.derive(_header_date)


def file_date(doc: Document) -> DateRef | None:
    """The date *doc* is current as of: its ``Last Updated`` line, else a date in its header."""
    ref = doc.last_updated
    return ref if ref is not None else header_date(doc)


def _header_date(doc: Document) -> DateRef | None:
    header = header_lines(doc)
    return next((ref for ref in doc.dates if ref.line in header and ref.date is not None), None)


# Titles of sections that record what happened (matched on the normalised key, digits gone: "session 2"
# is "session", and "Session 2" is read from the title); a next, current or future session is not a record.
LOG_RE = re.compile(r"\b(?:logs?|history|changelog|journal|timeline|diary|archived?|previous|earlier|past"
                    r"|retrospectives?|progress notes|updates)\b|^(?:past |previous |completed |all )?sessions?$")
DATED_TITLE_RE = re.compile(r"\b20\d\d-\d\d-\d\d\b")
ENTRY_TITLE_RE = re.compile(r"(?i)\b(?:session|day)\s*+#?\s*+\d")  # "Session 3", "Day 2": an entry of a log


def newest_log_entry(doc: Document) -> Section | None:
    """The newest dated entry of a context kept as a log: a file that is the context because it is the
    folder's session log (``progress.md``, ``log.md``, ``STATUS.md``, running notes; not one named
    ``context``) whose headings date its entries (``## Session: 2026-04-28``, ``## 2026-07-18 - Smoke
    passed``, ``## A — token repair (2026-07-31)``: the top level of headings under the title; a dated
    heading deeper down dates a note, not an entry). Such a file says when it last moved and where the
    work stands in that entry, as a context's ``Last Updated`` line and current-state section do."""
    return doc.derive(_newest_log_entry)


def _newest_log_entry(doc: Document) -> Section | None:
    entries = [section for section in doc.sections if section.level > 1]
    if doc.role is not Role.CONTEXT or role_of(doc.name)[0] is Role.CONTEXT or not entries:
        return None  # not the context, or one named so: a context file keeps its own stamp
    top = min(section.level for section in entries)
    dated = [(date, section.line, section) for section in entries
             if section.level == top and (date := parse_date(clip(section.title))) is not None]
    return max(dated, key=lambda entry: (entry[0], entry[1]))[2] if dated else None


def in_log(doc: Document, section: Section | None) -> bool:
    """True when *section* is a log or history entry, or stands under one (old entries belong there)."""
    return section is not None and in_log_at(doc, doc.section_index(section.line))


def in_log_at(doc: Document, index: int | None) -> bool:
    """:func:`in_log` by section index."""
    return index is not None and index in doc.derive(log_sections)


def log_sections(doc: Document) -> frozenset[int]:
    """The sections that record what happened rather than where things stand: titled as a log,
    history, journal, retrospective or (past) session, a dated entry among dated siblings, and
    every section under one (parents come before children). The one definition of a log for the
    stale-narrative rules."""
    dated: dict[int | None, int] = {}
    for section in doc.sections:
        if DATED_TITLE_RE.search(section.title):
            dated[section.parent] = dated.get(section.parent, 0) + 1
    found: set[int] = set()
    for index, section in enumerate(doc.sections):
        if (section.parent in found or LOG_RE.search(section.key) or ENTRY_TITLE_RE.search(section.title)
                or (DATED_TITLE_RE.search(section.title) and dated.get(section.parent, 0) > 1)):
            found.add(index)
    return frozenset(found)
