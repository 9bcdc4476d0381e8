"""Model queries shared by the rule families: phases, their status, open items.

Everything here reads the parsed :class:`Document`; nothing re-parses Markdown. Which headings of
two files name the same phase (number *and* title) is rules/core/phase_identity.py.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rules.core.model import CheckItem, Document, Section, Status, StatusMark, TaskDocs
from rules.core.text import and_more, strip_comments
from rules.core.vocabulary import LOCAL_PHASE, WORK_LIST_HEADINGS, local_phase_id, may_name_local_phase

# "Phase 3", "Phase 1A", "Phase 2.1", "Stage B" at the start of a heading (after emoji, "**", "4.").
# The words that name a unit of planned work ("Phase 2", "Sprint 3"): the one list every rule uses.
PHASE_WORDS = ("phase", "stage", "milestone", "sprint")
PHASE_WORD = "(?:" + "|".join(PHASE_WORDS) + ")"  # use with (?i)
# The other languages' phase words ("1단계:", "阶段一", "Faza 2", "Этап 3") read as "Phase N"
# (rules/core/vocabulary.py); take a match's id with phase_key, never its groups.
PHASE_ID = r"([Pp]hase|[Ss]tage)\s+(\d{1,3}(?:\.\d{1,3})?[A-Za-z]?|[A-Z])(?![\w-])"
_HEADING_RE = re.compile(rf"^[^\w]*(?:\d{{1,2}}[.)]\s+)?(?:{PHASE_ID}|{LOCAL_PHASE})")
MENTION_RE = re.compile(rf"\b{PHASE_ID}|{LOCAL_PHASE}")
_STATUS_LINE_RE = re.compile(r"(?i)^[^\w]*status\b")
_CRITERIA_RE = re.compile(r"(?i)acceptance|criteria|definition of done|done when|exit criteria|sign[- ]?off"
                          r"|(?:완료|수락|인수|검수)\s?(?:기준|조건)|(?:验收|完成)(?:标准|条件)")
_LATER_RE = re.compile(
    r"(?i)\b(?:optional|future(?!-)|later|deferred|out of scope|stretch|nice[- ]to[- ]have|not scheduled"
    r"|unscheduled|backlog|post[- ]?(?:launch|release|deploy(?:ment)?|mvp)"
    r"|contingenc(?:y|ies)|(?:backup|fallback) plans?|plan b|if (?:behind schedule|time permits))\b"
)
# A heading over work put off: the words above, and those only a heading uses for it ("Ideas",
# "Follow-ups", "Wishlist", "Next release"). Not "Enhancements" alone ("UI Enhancements" is a part of
# the work; "Future Enhancements" is later by its first word) nor "V2". The one vocabulary of later
# work for every rule: rules/core/story.py's open work reads headings with it too.
_LATER_HEADING_RE = re.compile(
    _LATER_RE.pattern + r"|\b(?:ideas?|follow[- ]?ups?|someday|wish ?list|next (?:phase|version|release))\b"
)
SET_ASIDE = frozenset({Status.PAUSED, Status.OPTIONAL})
_WORK_LIST_RE = re.compile(r"(?:^|(?<=\s))(?:" + "|".join(WORK_LIST_HEADINGS) + r")(?=\s|$)")
CHECKLIST_MINIMUM = 5  # boxes of work a plan must list under its phases or steps to be the folder's checklist
_LEGEND_TITLE_RE = re.compile(r"(?i)\blegend\b|^\W*(?:status |symbol )?key\W*$|\bnotation\b")
_LEGEND_WORDS_RE = re.compile(
    r"(?i)(?:not started|to ?do|open|pending|in progress|started|doing|done|complete[d]?|finished|blocked"
    r"|skipped|deferred|on hold|cancell?ed|n/a)"
)


@dataclass(frozen=True, slots=True)
class Phase:
    index: int  # into Document.sections
    section: Section
    id: str  # normalised: "Phase 3", "Stage B"


def normalise(kind: str, ident: str) -> str:
    return f"{kind.capitalize()} {ident.upper()}"


def phase_key(match: re.Match[str]) -> str:
    """The normalised id ("Phase 3", "Stage B") of a ``MENTION_RE`` or heading match, in any language."""
    return normalise(match.group(1), match.group(2)) if match.group(1) else local_phase_id(match)


# Every MENTION_RE match holds one of these, lower case (for Document.lines_containing).
PHASE_CUES = ("phase", "stage", "faza", "fase", "etap", "étape", "этап", "фаза", "단계", "阶段", "階段", "段階", "第",
              "フェーズ", "ステージ")


def may_mention_phase(line: str) -> bool:
    """A cheap pre-test for ``MENTION_RE``: the line holds a phase word's letters, in some language."""
    return "hase" in line or "tage" in line or may_name_local_phase(line)


def phases(doc: Document) -> tuple[Phase, ...]:
    """Headings that name a phase. A lone H1 is the document title, not a phase."""
    return doc.derive(_phases)


def _phases(doc: Document) -> tuple[Phase, ...]:
    found = []
    for index, section in enumerate(doc.sections):
        if _is_title(doc, section):
            continue
        if match := _HEADING_RE.match(section.title):
            found.append(Phase(index, section, phase_key(match)))
    return tuple(found)


def _is_title(doc: Document, section: Section) -> bool:
    """*section* is the document's title: its one H1 (a document of several H1s has none)."""
    return section.level == 1 and doc.derive(_h1_count) == 1


def _h1_count(doc: Document) -> int:
    return sum(1 for section in doc.sections if section.level == 1)


def section_key(section: Section) -> str:
    """A finding key that survives edits to the heading's status or estimate: the phase id if any."""
    match = _HEADING_RE.match(section.title)
    return phase_key(match) if match else section.key


def mentioned_phases(lines: Iterable[str]) -> frozenset[str]:
    """Every phase id named anywhere in *lines*."""
    return frozenset(phase_key(m) for line in lines if may_mention_phase(line) for m in MENTION_RE.finditer(line))


STATUS_LINE_REACH = 6  # a phase's Status line stands in its lead: a Goal or Duration line may come first
_MDX_COMMENT_RE = re.compile(r"\{/\*.*?\*/\}")  # ``{/* WHAT: … */}``: a comment in an MDX page


def section_status(doc: Document, section: Section) -> Status | None:
    """The heading's status, or a ``**Status:** …`` line in the lead under it."""
    if section.status is not None:
        return section.status
    mark = status_line(doc, section)
    return mark.status if mark is not None else None


def status_line(doc: Document, section: Section) -> StatusMark | None:
    """The ``**Status:** …`` line of the section's lead: within ``STATUS_LINE_REACH`` lines of the heading
    and before its first sub-heading (a sub-section's status is the sub-section's own)."""
    index = doc.section_index(section.line)
    # The next heading (a sub-section's, or the next section's: the section ends right before it) ends the lead.
    lead_end = doc.sections[index + 1].line - 1 if index is not None and index + 1 < len(doc.sections) \
        else section.end_line
    last = min(section.line + STATUS_LINE_REACH, lead_end)
    marks = doc.statuses
    for position in range(bisect_right(marks, section.line, key=_mark_line), len(marks)):
        mark = marks[position]
        if mark.line > last and not (mark.line <= lead_end and _after_boxes(doc, section.line, mark.line)):
            break
        plain_line = not (mark.in_heading or mark.in_checkbox or mark.item_ids)  # ids: about a phase
        if plain_line and _STATUS_LINE_RE.match(mark.text):
            return mark
    return None


def _after_boxes(doc: Document, heading: int, line: int) -> bool:
    """Only the section's boxes (and blank or comment lines) stand between *heading* and *line*: a
    ``- **Status:** complete`` closing the phase's checklist (the planning-with-files ``task_plan.md``)."""
    boxes = doc.derive(_box_lines)
    return any(n in boxes for n in range(heading + 1, line)) and all(
        n in boxes or not _MDX_COMMENT_RE.sub("", strip_comments(doc.line_text(n))).strip()
        for n in range(heading + 1, line))


def _box_lines(doc: Document) -> frozenset[int]:
    return frozenset(n for item in doc.items for n in item.lines)


def is_deferred_phase(doc: Document, section: Section) -> bool:
    """A phase marked optional or deferred, or titled as future / stretch / nice-to-have work."""
    return section_status(doc, section) in SET_ASIDE or is_later_heading(section.title)


def is_later_heading(title: str) -> bool:
    """A heading over later, optional or out-of-scope work ("Future Enhancements", "Stretch goals",
    "Follow-ups", "Post-launch")."""
    return _LATER_HEADING_RE.search(title) is not None


def is_later_text(text: str) -> bool:
    """*text* marks work as later, optional or out of scope ("(optional)", "Future: …")."""
    return _LATER_RE.search(text) is not None


def is_later(doc: Document, item: CheckItem) -> bool:
    """Marked as later, optional or out-of-scope work ("(future enhancement)"), or under a heading for
    such work ("Future Enhancements", "Stretch goals")."""
    return _LATER_RE.search(item.text) is not None or any(
        is_later_heading(section.title) for section in ancestors(doc, item.section))


def is_set_aside(item: CheckItem) -> bool:
    """Open on purpose: marked deferred, on hold, optional, or struck through."""
    return item.status in SET_ASIDE or "~~" in item.text


def is_open(item: CheckItem) -> bool:
    return not item.checked and not is_set_aside(item)


def is_phase_tracker(item: CheckItem) -> bool:
    """``- [ ] Phase 3 in progress``: a summary of a phase, not a task of its own."""
    return _HEADING_RE.match(item.text) is not None


def is_open_task(doc: Document, item: CheckItem) -> bool:
    """An open checkbox that is a task: not a phase summary, an acceptance criterion, a legend, or
    an idea filed under a heading that sets it aside ("Future Enhancements", "Optional", "Backlog")."""
    return (is_open(item) and not is_phase_tracker(item) and not in_criteria_section(doc, item)
            and not is_legend_item(doc, item) and not in_later_section(doc, item))


def in_later_section(doc: Document, item: CheckItem) -> bool:
    """The item stands under a heading titled as later, optional or out-of-scope work."""
    return in_later_section_at(doc, item.section)


def in_later_section_at(doc: Document, index: int | None) -> bool:
    """The section at *index* is titled as later, optional or out-of-scope work ("Future
    Enhancements", "Backlog"), or stands under such a heading."""
    return index is not None and index in doc.derive(_later_sections)


def _later_sections(doc: Document) -> frozenset[int]:
    """Sections titled as later work, and every section under one (parents come before children)."""
    return _titled_or_under(doc, _LATER_RE)


def _legend_sections(doc: Document) -> frozenset[int]:
    return _titled_or_under(doc, _LEGEND_TITLE_RE)


def _titled_or_under(doc: Document, title: re.Pattern[str]) -> frozenset[int]:
    found: set[int] = set()
    for index, section in enumerate(doc.sections):
        if section.parent in found or title.search(section.title):
            found.add(index)
    return frozenset(found)


def is_legend_item(doc: Document, item: CheckItem) -> bool:
    """A sample checkbox explaining the notation (``- [ ] Not started`` under "Status Legend"): its
    text is a bare status word, or it stands in a section titled as a legend or key."""
    if _LEGEND_WORDS_RE.fullmatch(strip_comments(item.text).strip(" *_`.:")):
        return True
    return item.section in doc.derive(_legend_sections)  # titled as a legend, or under one


def enclosing(doc: Document, index: int | None) -> Iterable[int]:
    """*index* and the indices of every section enclosing it, innermost first."""
    while index is not None:
        yield index
        index = doc.sections[index].parent


def ancestors(doc: Document, index: int | None) -> Iterable[Section]:
    """The section at *index* and every section enclosing it, innermost first."""
    while index is not None:
        section = doc.sections[index]
        yield section
        index = section.parent


def in_criteria_section(doc: Document, item: CheckItem) -> bool:
    """Items under "Acceptance Criteria" / "Definition of Done" / "Sign-Off" are checks, not tasks."""
    return item.section in doc.derive(_criteria_sections)


def _criteria_sections(doc: Document) -> frozenset[int]:
    """Sections titled as criteria, and every section under one (parents come before children)."""
    found: set[int] = set()
    for index, section in enumerate(doc.sections):
        if section.parent in found or _CRITERIA_RE.search(section.title):
            found.add(index)
    return frozenset(found)


def parent_items(items: tuple[CheckItem, ...]) -> list[int | None]:
    """For each checkbox, the index of the checkbox it is nested under (or None)."""
    parents: list[int | None] = []
    stack: list[int] = []
    for index, item in enumerate(items):
        while stack and (items[stack[-1]].depth >= item.depth or items[stack[-1]].end_line < item.line):
            stack.pop()
        parents.append(stack[-1] if stack else None)
        stack.append(index)
    return parents


def short(text: str, limit: int = 60) -> str:
    """First line of *text*, cut to *limit* characters for a message."""
    text = strip_comments(text).strip()
    first = text.splitlines()[0].strip() if text else ""
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"


def quoted_some(texts: Sequence[str], limit: int = 60, shown: int = 3) -> str:
    """The first *shown* of *texts*, each cut by :func:`short` and quoted, joined by "; ", then
    `` and 4 more`` for the rest: the list of places a message names."""
    return "; ".join(repr(short(text, limit)) for text in texts[:shown]) + and_more(len(texts), shown)


def _mark_line(mark: StatusMark) -> int:
    return mark.line


def checklist(doc: Document) -> tuple[CheckItem, ...]:
    """The boxes of work *doc* lists under its phases or step headings (``### Phase 2: Swap`` then
    ``- [ ] Build the new index``; ``## Steps``, ``## Milestones``): not under the document title alone,
    a criteria, later-work or legend heading. A plan that lists :data:`CHECKLIST_MINIMUM` or more is
    its folder's task list too (the planning-with-files ``task_plan.md``, a single ``PLAN.md``)."""
    return doc.derive(_checklist)


def _checklist(doc: Document) -> tuple[CheckItem, ...]:
    phase_sections = {phase.index for phase in phases(doc)}
    listed = []
    for item in doc.items:
        under = [i for i in enclosing(doc, item.section) if not _is_title(doc, doc.sections[i])]
        if not any(i in phase_sections or _WORK_LIST_RE.search(doc.sections[i].key) for i in under):
            continue
        if in_criteria_section(doc, item) or is_later(doc, item) or is_legend_item(doc, item):
            continue
        listed.append(item)
    return tuple(listed)


def holds_checklist(doc: Document | None) -> bool:
    """*doc* lists the work as boxes under its phases or steps, enough to be the folder's task list."""
    return doc is not None and len(checklist(doc)) >= CHECKLIST_MINIMUM


def tasks_in_plan(task: TaskDocs) -> bool:
    """The folder has no tasks file because its plan is the task list (:func:`holds_checklist`)."""
    return task.tasks is None and holds_checklist(task.plan)


def task_list(task: TaskDocs) -> Document | None:
    """The folder's task list: its tasks file, or its plan when the plan is the task list."""
    return task.tasks if task.tasks is not None else task.plan if tasks_in_plan(task) else None
