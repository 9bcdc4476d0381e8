"""Measurable targets of a plan's success criteria, and whether any file reports on them (DOC035)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rules.core.model import Document, TaskDocs
from rules.core.phases import ancestors, is_deferred_phase, is_phase_tracker
from rules.core.sections import phase_sections, synonyms
from rules.core.vocabulary import SUCCESS_HEADINGS
from rules.story._verification import whole_task_done

# Sections that state what success is measured by.
TARGET_SECTION_RE = re.compile(
    r"(?i)\bsuccess\b|\bmetrics?\b|\bkpis?\b|\btargets?\b|acceptance criteria|definition of done"
    r"|exit criteria|done when"
)
# A line that states a criterion under a label of its own: "**Acceptance:** p95 under 2 s".
TARGET_LABEL_RE = re.compile(
    r"(?i)^[\s>*+_-]*+(?:acceptance(?: criteria)?|success(?: criteria| metrics?)?|targets?"
    r"|exit criteria|done when|definition of done|kpis?)\s*+(?:\*\*|__)?\s*+:"
)
_LOCAL_TARGET_SECTION = synonyms(*SUCCESS_HEADINGS)  # "성공 기준", "验收标准", "Kryteria sukcesu" (on the key)
_CRITERIA_TITLE_RE = re.compile(r"(?i)criteria|metrics?\b|\bkpis?\b|definition of done|done when|targets?\b")
_LONG_TERM_RE = re.compile(r"(?i)\blong[- ]term\b|\bpost[- ]launch\b|\bafter launch\b|\bmonths?\b")
# A figure with a unit: 95%, 200 ms, 2 seconds, 30s, 2x; 10초, 5분, 2배, 3秒, 2倍. Not part of a version, a
# ratio or a longer number.
_FIGURE_RE = re.compile(
    r"(?i)(?<![\w.,/:-])(\d{1,6}(?:\.\d{1,3})?)\s?"
    r"(%|ms|milliseconds?|seconds?|secs?|s|minutes?|mins?|hours?|hrs?|h|x|×|fps|초|분|시간|배|秒|分钟|小时|倍)(?![\w%×])"
)
_UNITS = {
    "%": "%", "ms": "ms", "millisecond": "ms", "milliseconds": "ms",
    "s": "s", "sec": "s", "secs": "s", "second": "s", "seconds": "s",
    "min": "min", "mins": "min", "minute": "min", "minutes": "min",
    "h": "h", "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
    "x": "x", "×": "x", "fps": "fps",
    "초": "s", "秒": "s", "분": "min", "分钟": "min", "시간": "h", "小时": "h", "배": "x", "倍": "x",
}
MAX_LINES = 60  # per target section: a longer one is a report, not a list of targets
DONE_SHARE = 2 / 3  # this share of the boxes ticked: the work a target measures largely exists
MIN_PHASES = 3  # from this many phases with boxes, the same share of them must be finished too

Figure = tuple[float, str]


@dataclass(frozen=True, slots=True)
class Target:
    line: int
    text: str
    figures: frozenset[Figure]


def figures(text: str) -> frozenset[Figure]:
    """Every figure with a unit in *text*, normalised (``2 seconds`` and ``2s`` are one figure)."""
    return frozenset((float(m.group(1)), _UNITS[m.group(2).lower()]) for m in _FIGURE_RE.finditer(text))


def targets(doc: Document) -> list[Target]:
    """Lines of the plan's success-criteria sections, and lines labelled as a criterion anywhere
    (``**Acceptance:** …`` under a phase), that name a measurable figure; sections titled as later,
    optional or long-term goals are left out."""
    found: list[Target] = []
    seen: set[int] = set()
    phase_lines = {section.line for section in phase_sections(doc)}
    for index, section in enumerate(doc.sections):
        if not (TARGET_SECTION_RE.search(section.title) or _LOCAL_TARGET_SECTION.search(section.key)) \
                or _set_aside(doc, index):
            continue
        if section.line in phase_lines and not _CRITERIA_TITLE_RE.search(section.title):
            continue  # "### Phase 2: Success modal" names a feature; its criteria come labelled (below)
        end = min(section.end_line, section.line + MAX_LINES)
        for number in range(section.line + 1, end + 1):
            text = doc.lines[number - 1]
            if number in seen or number in doc.code_lines or text.lstrip().startswith("#"):
                continue
            seen.add(number)
            sub = doc.section_index(number)
            if sub is not None and sub != index and _set_aside(doc, sub):
                continue
            found_figures = figures(text)
            if found_figures:
                found.append(Target(number, _shown(text), found_figures))
    for number, text in enumerate(doc.lines, 1):
        if number in seen or number in doc.code_lines or ":" not in text or not TARGET_LABEL_RE.match(text):
            continue
        where = doc.section_index(number)
        found_figures = figures(text)
        if found_figures and not (where is not None and _set_aside(doc, where)):
            found.append(Target(number, _shown(text), found_figures))
    found.sort(key=lambda target: target.line)
    return found


def _shown(text: str) -> str:
    return text.replace("**", "").replace("__", "").strip(" \t-*+>|")


def _set_aside(doc: Document, index: int) -> bool:
    return any(is_deferred_phase(doc, s) or _LONG_TERM_RE.search(s.title) for s in ancestors(doc, index))


def reported_figures(task: TaskDocs, plan: Document) -> frozenset[Figure]:
    """The figures every file of the task but the plan names: a task that checks a target, or a result."""
    found: set[Figure] = set()
    for doc in task.documents:
        if doc is not plan:
            found.update(figures(doc.text))
    return frozenset(found)


def work_done(task: TaskDocs) -> bool:
    """The task is archived or marked complete, or most of its boxes are ticked and most of its
    phases finished (the first phases split into many boxes, the later ones listed in a few, can
    tick most boxes while most phases have not started)."""
    if task.archived or whole_task_done(task) is not None:
        return True
    tasks = task.tasks
    boxes = [i for i in tasks.items if not is_phase_tracker(i)] if tasks is not None else []
    if tasks is None or not boxes or sum(1 for i in boxes if i.checked) < DONE_SHARE * len(boxes):
        return False
    phased = [items for p in phase_sections(tasks) if not is_deferred_phase(tasks, p) and (items := tasks.items_in(p))]
    finished = sum(1 for items in phased if all(i.checked for i in items))
    return len(phased) < MIN_PHASES or finished >= DONE_SHARE * len(phased)
