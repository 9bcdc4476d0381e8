"""CON002 progress-claim-mismatch."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from pydantic import BaseModel, ConfigDict, Field

from rules.core.finding import Category, Finding, Severity
from rules.core.model import CheckItem, Document, Progress, Role, TaskDocs
from rules.core.phases import (
    MENTION_RE,
    PHASE_WORD,
    enclosing,
    is_phase_tracker,
    is_set_aside,
    phases,
    short,
)
from rules.core.rule import Rule, RuleContext
from rules.core.tallies import Tally, readings, totals
from rules.core.vocabulary import DONE_WORDS, PROGRESS_WORDS

_ROUNDING = 1.0  # points: 5.5/6 = 91.7% may be written 92% (or 91%)
_WHOLE_TASK_RE = re.compile(r"(?i)progress|overall|status|completion|total|\btasks?\b|진행|"
                            + "|".join((*PROGRESS_WORDS, *DONE_WORDS)))
_SOMETHING_ELSE_RE = re.compile(
    r"(?i)\btests?\b|coverage|passing|\bpass(?:ed|es)?\b|errors?\b|lint|build|reduction|\bfiles?\b|\blines?\b"
    r"|phases|steps|stages|milestones|sprints|setup|uptime|accuracy"
)

# "**Total Tasks**: 24", "Total: 51 task items": a stated number of tasks, with no fraction to carry it
_TOTAL_RE = re.compile(
    r"(?i)\btotal[ ]tasks?\b[*_ ]{0,4}:[*_ ]{0,4}(\d{1,4})(?![\d.,%/~])"
    r"|\btotal\b[*_ ]{0,4}:[*_ ]{0,4}(\d{1,4})[ ](?:tasks?|task[ ]items|items)\b"
)
_UNIT_OF_WORK_RE = re.compile(rf"(?i)\b{PHASE_WORD}\b")
# "27/27 tasks", and a bare count of whole items declared done ("30/31 완료", "12/14 done", not "5.5/7
# complete"): both count the boxes.
_COUNTED_NOUN_RE = re.compile(r"(?i)\d[ ]?/[ ]?\d{1,4}[ ](?:tasks?|items|checkboxes)\b"
                              r"|(?<![\d.])\d{1,4}[ ]?/[ ]?\d{1,4}[ ]?"
                              r"(?:완료|완성|done|complete|completed|finished|已完成|完成)(?!\w)")


# "core UI 100% complete": the words right before a percentage, back to the start of their clause,
# name what is that far along; a claim about a part is not a claim about the task.
_SUBJECT_RE = re.compile(r"([^\W\d][^(:;,|\n]{0,40}?)\s+\d{1,3}(?:\.\d+)?\s*%\s*(?:complete|done|finished)", re.I)
_NOT_A_SUBJECT = frozenset({
    "progress", "overall", "status", "completion", "total", "task", "tasks", "work", "project", "implementation",
    "we", "are", "is", "it", "its", "this", "now", "currently", "at", "about", "around", "approx", "approximately",
    "roughly", "nearly", "almost", "yes", "all", "everything", "the", "whole", "so", "far", "of", "and",
})


_WORD_RE = re.compile(r"[^\W\d_]+")


def _about_a_part(text: str) -> bool:
    """Whether the percentage is said of something named before it (``core UI 100% complete``)."""
    match = _SUBJECT_RE.search(text)
    if match is None:
        return False
    words = _WORD_RE.findall(match.group(1).lower())
    return any(word not in _NOT_A_SUBJECT for word in words)


class ProgressClaimMismatchOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    tolerance: float = Field(10, ge=0, le=100, description="Points a claim may differ from the checkboxes.")
    min_boxes: int = Field(3, ge=1, description="Compare only with a tasks file of this many boxes or more.")


class ProgressClaimMismatch(Rule):
    """A progress claim disagrees with the checkboxes, or with its own arithmetic.

    Claims are ``95% complete``, ``5.5/6 complete (92%)``, ``Progress: 6/6 (100%)``. Every claim
    with a fraction and a percentage must add up (rounding allowed). A claim about the whole task
    (in the tasks file, or labelled progress / overall / status / total elsewhere) must match the
    share of ticked boxes in the tasks file within a tolerance (and a count over exactly as many
    boxes as the file holds, "12/17 tasks", must name the ticked count). Claims about one phase, tests,
    files or coverage, or about a part named before the figure ("core UI 100% complete"), are not
    compared with the boxes. A stated number of tasks for the whole task ("27/27 tasks complete",
    "Total Tasks: 24") must be one way of counting the tasks file: all its boxes, the top-level
    ones, the headings that group them, or the numbered tasks, in the whole file or under its
    phase headings; a number that none of these gives is reported (low: the share may be right).
    The claims of a task that its boxes contradict are one finding (their evidence is the same
    boxes), and so are its task totals that no count gives; a claim whose arithmetic is wrong is its own.

    Why: the progress line is the first thing a reader (or the next session) trusts. A figure
    that the checkboxes contradict is either stale or wishful, and either way misleads planning.

    Bad:
        **Progress:** 95% complete

        - [x] Schema
        - [ ] API
        - [ ] UI

    Good:
        **Progress:** 1/3 tasks (33%)

        - [x] Schema
        - [ ] API
        - [ ] UI

    Options:
        tolerance: points a claim may differ from the ticked share (default 10).
        min_boxes: compare only when the tasks file has at least this many boxes (default 3).
    """

    code = "CON002"
    name = "progress-claim-mismatch"
    category = Category.CONSISTENCY
    severity = Severity.MEDIUM
    rationale = "A progress figure the checkboxes contradict misleads every reader about how much is left."
    fix = "Recompute the figure from the ticked boxes (or tick the boxes the claim counts as done)."
    effort_minutes = 5
    Options = ProgressClaimMismatchOptions

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        boxes = _countable(task.tasks)
        tallies = _tallies(task.tasks, boxes) if len(boxes) >= self.options.min_boxes else ()
        for doc in (task.plan, task.context, task.tasks):
            if doc is None:
                continue
            whole = {claim.line for claim in _whole_task_claims(doc)}  # one claim per line at most
            for claim in doc.progress:
                if (problem := _arithmetic(claim)) is not None:
                    yield self.finding(task, doc, claim.line, problem, key=short(claim.text, 80))
                elif claim.line in whole and task.tasks is not None and len(boxes) >= self.options.min_boxes:
                    yield from self._compare(task, doc, claim, boxes, task.tasks, tallies)
        if task.tasks is not None and tallies:
            yield from self._stated_totals(task, task.tasks, tallies)

    def merge_part(self, finding: Finding) -> str | None:
        """Claims the ticked boxes contradict share their evidence (the boxes), and so do task totals
        no count of the checklist gives: each kind is one problem. A claim that does not add up is its own."""
        if _SHARE_RE.match(finding.message):
            return "share"
        return "count" if _COUNT_RE.match(finding.message) else None

    def merge(self, findings: Sequence[Finding]) -> Finding:
        """The task's progress claims that its boxes contradict (or its task totals that no count
        gives) as one finding: the evidence once, then each claim with its place and figure
        (``_MAX_CLAIMS_NAMED``, then a count); it deducts what the separate findings would."""
        lead = findings[0]
        share = _claims_of(findings, _SHARE_RE, lead)
        count = _claims_of(findings, _COUNT_RE, lead)
        if share is not None:
            evidence, claims = share
            message = (f"{evidence[0].upper()}{evidence[1:]}, but {len(findings)} progress claims say otherwise: "
                       f"{_listed(claims)}")
        elif count is not None:
            holds, claims = count
            message = (f"No way of counting the checklist ({holds}) gives the {len(findings)} task totals stated: "
                       f"{_listed(claims)}")
        else:  # not this rule's messages (a test's): each said in turn
            message = f"{len(findings)} progress claims disagree with the boxes: " + " ".join(
                f"({number}) {f.message}" for number, f in enumerate(findings, start=1))
        return self.merged(lead, findings, message=message, fix=lead.fix,
                           effort_minutes=sum(f.effort_minutes for f in findings))

    def _stated_totals(self, task: TaskDocs, doc: Document, tallies: tuple[Tally, ...]) -> Iterator[Finding]:
        """"Total Tasks: 24" in the tasks file, about the whole task, matching no count of its boxes."""
        progress = {claim.line for claim in doc.progress}
        for line, text in enumerate(doc.lines, start=1):
            if line in progress or (match := _TOTAL_RE.search(text)) is None or not _about_whole_task(doc, line):
                continue
            stated = int(match.group(1) or match.group(2))
            if stated not in totals(tallies):
                yield self.finding(
                    task, doc, line,
                    f"{short(text)!r} states {stated} tasks, but the checklist holds "
                    f"{_describe(tallies)}; no way of counting it gives {stated}.",
                    key=f"total:{stated}", severity=Severity.LOW,
                )

    def _compare(self, task: TaskDocs, doc: Document, claim: Progress, boxes: list[CheckItem],
                 tasks: Document, tallies: tuple[Tally, ...]) -> Iterator[Finding]:
        claimed = claim.percent if claim.percent is not None else _share(claim)
        ticked = sum(1 for item in boxes if item.checked)
        actual = 100 * ticked / len(boxes)
        gap = abs(claimed - actual)
        if claim.done is not None and claim.total == len(boxes) and claim.done != ticked:
            yield self.finding(  # same denominator: the count itself must match, whatever the tolerance
                task, doc, claim.line,
                f"Progress claim {short(claim.text)!r} counts {claim.done:g} of {claim.total:g} done, but "
                f"{ticked} of the {len(boxes)} boxes in {tasks.name} are ticked.",
                key=short(claim.text, 80), severity=Severity.HIGH if gap >= 25 else None,
            )
            return
        if gap <= self.options.tolerance:
            if claim.total is not None and _COUNTED_NOUN_RE.search(claim.text) and int(claim.total) == claim.total \
                    and int(claim.total) not in totals(tallies):
                yield self.finding(  # the share is right, the count is not: "27/27 tasks" over 59 ticked boxes
                    task, doc, claim.line,
                    f"Progress claim {short(claim.text)!r} counts {claim.total:g} tasks, but {tasks.name} holds "
                    f"{_describe(tallies)}; no way of counting them gives {claim.total:g}.",
                    key=short(claim.text, 80), severity=Severity.LOW,
                )
            return
        high = gap >= 25 or (claimed >= 100 > actual)
        # the other side: the first open box when the claim says more is done, else the first ticked one
        witness = next((item for item in boxes if item.checked != (claimed > actual)), boxes[0])
        yield self.finding(
            task, doc, claim.line,
            f"Progress claim {short(claim.text)!r} says {claimed:.0f}% but {ticked} of {len(boxes)} boxes in "
            f"{tasks.name} are ticked ({actual:.0f}%).",
            key=short(claim.text, 80), severity=Severity.HIGH if high else None,
            related=[(tasks, witness.line)],
        )


_MAX_CLAIMS_NAMED = 4
# This rule's own messages, read back when several are merged into one (see merge).
_SHARE_RE = re.compile(r"Progress claim (?P<claim>.+?) (?P<figure>says \d+%|counts [\d.]+ of [\d.]+ done),? but "
                       r"(?P<evidence>\d+ of (?:the )?\d+ boxes in .+ are ticked(?: \(\d+%\))?)\.$", re.DOTALL)
_COUNT_RE = re.compile(r"(?:Progress claim )?(?P<claim>.+?) (?P<figure>(?:states|counts) [\d.]+ tasks), but "
                       r"(?:the checklist|.+?) holds (?P<holds>.+?); no way of counting (?:it|them) gives [\d.]+\.$",
                       re.DOTALL)


def _claims_of(findings: Sequence[Finding], pattern: re.Pattern[str], lead: Finding) -> tuple[str, list[str]] | None:
    """When every message is of *pattern*'s kind: the first one's evidence (its last group) and each
    claim with its place and figure; else None."""
    matches = [pattern.match(f.message) for f in findings]
    if not all(matches):
        return None
    found = [m for m in matches if m is not None]
    claims = [f"{m['claim']} ({_place(f, lead)}) {m['figure']}" for f, m in zip(findings, found, strict=True)]
    return found[0].group(found[0].re.groups), claims


def _place(finding: Finding, lead: Finding) -> str:
    name = finding.path.rsplit("/", 1)[-1]
    return f"line {finding.line}" if finding.path == lead.path else f"{name}:{finding.line}"


def _listed(claims: list[str]) -> str:
    more = len(claims) - _MAX_CLAIMS_NAMED
    return "; ".join(claims[:_MAX_CLAIMS_NAMED]) + (f"; and {more} more." if more > 0 else ".")


def _arithmetic(claim: Progress) -> str | None:
    if claim.percent is None or claim.done is None or not claim.total:
        return None
    share = _share(claim)
    if abs(share - claim.percent) <= _ROUNDING:
        return None
    return (f"Progress claim {short(claim.text)!r} does not add up: {claim.done:g}/{claim.total:g} is "
            f"{share:.0f}%, not {claim.percent:g}%.")


def _share(claim: Progress) -> float:
    return 100 * (claim.done or 0) / (claim.total or 1)


def _countable(doc: Document | None) -> list[CheckItem]:
    """Boxes that are tasks: phase trackers and deliberately open (deferred, optional) ones left out."""
    if doc is None:
        return []
    legend = {i.line for s in doc.sections if "legend" in s.key for i in doc.items_in(s)}  # "- [x] Done": a key
    return [i for i in doc.items if not is_phase_tracker(i) and (i.checked or not is_set_aside(i))
            and i.line not in legend]


def _tallies(doc: Document | None, boxes: list[CheckItem]) -> tuple[Tally, ...]:
    """The ways the tasks file's boxes can be counted: all of them, or only those under phase headings."""
    if doc is None:
        return ()
    in_phase = {p.index for p in phases(doc)}
    phased = [i for i in boxes if any(index in in_phase for index in enclosing(doc, i.section))]
    under = tuple(Tally(f"{t.how} under phase headings", t.total, t.done) for t in readings(doc, phased))
    return readings(doc, boxes) + under


def _describe(tallies: tuple[Tally, ...]) -> str:
    seen: dict[int, str] = {}
    for tally in tallies:
        seen.setdefault(tally.total, tally.how)
    return ", ".join(f"{total} {how}" for total, how in seen.items())


# The first cell of a summary table's row that speaks for the whole task ("| **Total** | … | 7/10 |").
_WHOLE_ROW_RE = re.compile(r"(?i)total|overall|\ball\b|\bsum\b|progress|status|합계|전체|총|总计|合计|全部|итого|всего")


def _row_about_a_part(line: str) -> bool:
    """A table row whose first cell names a part (``| P0: Engagement | ✅ Complete | 8/8 |``): its figure
    is that part's, not the task's."""
    if not line.lstrip().startswith("|"):
        return False
    first = next((cell.strip(" *_`") for cell in line.strip().strip("|").split("|") if cell.strip(" *_`")), "")
    return bool(first) and _WHOLE_ROW_RE.search(first) is None and "%" not in first and "/" not in first


# A label that says how much of the whole is in a state ("- Done: 6 / 7", "- Remaining: 3").
_STATE_LABEL_RE = re.compile(r"(?i)\b(?:done|complete[ds]?|finished|remaining|left|open|pending|to[ -]?do|closed"
                             r"|ticked|checked|achieved)\b")
# A list item led by a label: "- **P0 (Critical)**: 0/32 tasks", "- Rollout: 0/3 tasks (0%)".
_ITEM_LABEL_RE = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+[*_`]*([^*_`:\n]{1,40}?)[*_`]*\s*[:：]")


def _item_about_a_part(line: str) -> bool:
    """A list item whose label names a part (``- **P0 (Critical)**: 0/32 tasks``, a priority, a size or a
    stage of a breakdown): its figure is that part's. A label about the whole (``- **Progress:**``,
    ``- Overall:``, ``- Completed:``) is not one."""
    match = _ITEM_LABEL_RE.match(line)
    if match is None:
        return False
    label = match.group(1).strip()
    return (any(c.isalpha() for c in label) and "%" not in label and "/" not in label
            and not any(words.search(label) for words in (_WHOLE_ROW_RE, _WHOLE_TASK_RE, _STATE_LABEL_RE)))


def _about_whole_task(doc: Document, line: int) -> bool:
    """Not on a box or in code, naming no phase, and not inside a phase's (or a sprint's) section."""
    if line in doc.code_lines or MENTION_RE.search(doc.line_text(line)) or any(i.line == line for i in doc.items):
        return False
    in_phase = {p.index for p in phases(doc)}
    for index in enclosing(doc, doc.section_index(line)):
        if index in in_phase or _UNIT_OF_WORK_RE.search(doc.sections[index].title):
            return False
    return True


def _whole_task_claims(doc: Document) -> list[Progress]:
    """Claims about the whole task: not on a checkbox, not about one phase, tests or files."""
    item_lines = {item.line for item in doc.items}
    in_phase = {p.index for p in phases(doc)}
    claims = []
    for claim in doc.progress:
        if claim.line in item_lines or MENTION_RE.search(claim.text) or _SOMETHING_ELSE_RE.search(claim.text):
            continue
        line = doc.line_text(claim.line)
        if _about_a_part(claim.text) or _row_about_a_part(line) or _item_about_a_part(line):
            continue
        if doc.role is not Role.TASKS and not _WHOLE_TASK_RE.search(claim.text):
            continue
        if any(index in in_phase for index in enclosing(doc, doc.section_index(claim.line))):
            continue
        claims.append(claim)
    return claims
