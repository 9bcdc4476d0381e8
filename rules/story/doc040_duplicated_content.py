"""DOC040 duplicated-content."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from rules.core.duplicates import Copies, Place, copies, left_to_ctx008
from rules.core.finding import ROLE_CATEGORY, Category, Finding, Severity
from rules.core.model import CheckItem, Document, TaskDocs, innermost_section
from rules.core.phases import in_criteria_section, phases
from rules.core.rule import Rule, RuleContext
from rules.core.verification import is_verification

_KIND_NAMES = {"paragraph": "paragraph", "list": "list", "code": "code block"}
_MAX_PLACES_NAMED = 8
_MAX_BLOCKS_NAMED = 4
_MAX_SETS_NAMED = 4  # of a task's sets of copies merged into one finding; further ones are counted
_TRACKER_MIN_PHASES = 2  # phases the plan ticks off itself while the tasks file tracks them too
_TRACKER_MIN_BOXES = 2  # work boxes a plan's phase needs to count as tracked there
# The line that introduces a list of checks rather than of work: "**Acceptance criteria:**", "Done when:"
_CHECKS_LABEL_RE = re.compile(r"(?i)acceptance|criteria|definition of done|done when|success|must have|"
                              r"should have|nice to have|deliverables|verif|test")
_ITEM_LINE_RE = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s")


class DuplicatedContent(Rule):
    """The same paragraph, list or code block appears in several places of a task folder.

    Units are paragraphs, lists and code blocks, compared after normalising whitespace, case,
    Markdown emphasis, link targets and checkbox ticks, so a re-wrapped copy or a second checklist
    of the same items still matches. A copy in another file that was edited afterwards still
    counts when most of its lines are the same (three lines or more, 90 characters, 60% of the
    longer block), or, for a list, when most of its items are the other's reworded (three items and
    60% of the longer list each sharing 70% of their content words with an item there), or when it
    was re-typed (a command block with comments added and a flag changed, checks rewritten line by
    line: ten shared word pairs, 70% of the smaller block's; code only with code, never blocks of
    ``Label: value`` lines, which share their labels and not their content); within one
    file an edited copy is usually a deliberate before/after pair and is not reported, and the
    tasks file restating the plan's steps in its own words is the checklist doing its job. Short
    units are never duplicates: a paragraph or list needs 12 words and 70 characters, a code block
    two lines and 40 characters (or one line of 80); templates to fill in (``Completed:
    YYYY-MM-DD``, ``TBD``) and comment blocks never count, nor a block of
    ``Label: value`` lines repeated within one file (a form filled in per item), so headings,
    table headers, "N/A", template phrases and a lone ``npm test`` are left alone.

    One finding per set of files sharing copies (copies among some of the files join the finding
    of copies among more files that include them): a block repeated once is reported at its first
    place, naming every other place (in the message and as related locations); several blocks of
    one section copied into the same other section, at the section's heading; several blocks
    repeated among the same files otherwise (a plan's breakdown copied list by list into the tasks
    file, a command block and a decision restated in the context), at the first block, naming
    every block and every place. A paragraph or list repeated only inside the
    context is CTX008's to report, and CTX008 leaves to this rule every paragraph that this rule
    reports (one also copied into another file, or an edited copy), so no repeat is reported twice.

    The sets of copies of a task are then one finding (the engine merges them after waivers, so a
    waiver in one file leaves the copies elsewhere reported): the first set's place and key, each
    set said in turn, every place related, deducting what the separate findings would.

    A plan that keeps its own checkboxes of work under two or more phases that the tasks file also
    tracks with checkboxes is a second tracker: one finding at the plan's first such phase, unless
    copies between the plan and the tasks file are reported already. A plan's acceptance criteria,
    test and verification boxes are checks, not a tracker.

    Why: copies drift. Once the plan's command block is fixed and the tasks' copy is not, a reader
    (or an agent) runs the wrong one; a decision restated in three files has three versions after
    the first change. Keep one copy and point to it.

    Bad:
        (auth-plan.md)    Run the migration with `make db-migrate ENV=staging` before the service
                          restarts, then confirm the new column in the admin console.
        (auth-tasks.md)   Run the migration with `make db-migrate ENV=staging` before the service
                          restarts, then confirm the new column in the admin console.

    Good:
        (auth-plan.md)    Run the migration with `make db-migrate ENV=staging` before the service
                          restarts, then confirm the new column in the admin console.
        (auth-tasks.md)   - [ ] Run the migration (steps in the plan, "Rollout").
    """

    code = "DOC040"
    name = "duplicated-content"
    category = Category.CONSISTENCY
    severity = Severity.LOW
    rationale = "Copies of the same text drift apart and leave the reader unsure which one is current."
    fix = "Keep one copy (the plan for design, the context for decisions, the tasks for the checklist) and refer to it."
    effort_minutes = 10

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        by_files: dict[tuple[str, ...], list[Copies]] = {}
        for group in copies(task):
            if left_to_ctx008(group) or _repeated_form(group):
                continue
            by_files.setdefault(tuple(dict.fromkeys(p.doc.path for p in group.places)), []).append(group)
        by_files = _merged_into_supersets(by_files)
        tracker = _second_tracker(task)
        if tracker is not None and not any(_plan_and_tasks(task, files) for files in by_files):
            yield self._report_tracker(task, *tracker)
        for groups in by_files.values():
            signatures = {_sections(g) for g in groups}
            if len(groups) == 1:
                yield self._report(task, groups[0])
            elif len(signatures) == 1 and None not in signatures:
                yield self._report_sections(task, signatures.pop() or (), groups)
            else:
                yield self._report_many(task, groups)

    def merge(self, findings: Sequence[Finding]) -> Finding:
        """The task's copies as one finding (a reviewer writes "the docs repeat each other", once):
        each set of copies said in turn (``_MAX_SETS_NAMED``, then a count), every place related,
        deducting what the separate findings would."""
        shown = " ".join(f"({number}) {f.message}" for number, f in enumerate(findings[:_MAX_SETS_NAMED], start=1))
        more = len(findings) - _MAX_SETS_NAMED
        message = (f"The task's documents hold {len(findings)} sets of copies: {shown}"
                   + (f" ({more} more set{'s' if more > 1 else ''} of copies.)" if more > 0 else ""))
        return self.merged(findings[0], findings, message=message, fix=" ".join(dict.fromkeys(f.fix for f in findings)),
                           effort_minutes=sum(f.effort_minutes for f in findings))

    def _report(self, task: TaskDocs, group: Copies) -> Finding:
        doc, unit = group.places[0].doc, group.places[0].unit
        named = _named([_place(p.doc, p.unit.line, doc) for p in group.places[1:]])
        kind = _KIND_NAMES[unit.kind]
        if group.exact:
            message = f"The same {kind} ({unit.shown!r}) is also at {named}; the copies will drift apart."
        else:
            message = (f"The {kind} {unit.shown!r} is copied, with edits, at {named}; "
                       "the copies have already drifted apart.")
        finding = self.finding(task, doc, unit.line, message, key=f"{unit.kind}:{unit.key[:120]}",
                               related=[(p.doc, p.unit.line) for p in group.places[1:]])
        return _categorised(finding, group.places)

    def _report_sections(self, task: TaskDocs, signature: tuple[tuple[str, int], ...],
                         groups: list[Copies]) -> Finding:
        """Several blocks of one section copied into the same other section(s): one finding, at the heading."""
        places = groups[0].places
        docs = {p.doc.path: p.doc for p in places}
        doc = places[0].doc
        heading = doc.sections[signature[0][1]]
        others = []
        for path, index in dict.fromkeys(signature[1:]):
            section = docs[path].sections[index]
            others.append(f"{section.title!r} ({_place(docs[path], section.line, doc)})")
        shown = ", ".join(repr(g.places[0].unit.shown) for g in groups[:3]) + (", …" if len(groups) > 3 else "")
        edited = "" if all(g.exact for g in groups) else ", some with edits"
        message = (f"Section {heading.title!r} repeats {len(groups)} blocks ({shown}) of section "
                   f"{_named(others)}{edited}; the copies will drift apart.")
        related = [(docs[path], docs[path].sections[index].line) for path, index in signature[1:]]
        related += [(p.doc, p.unit.line) for g in groups for p in g.places]
        finding = self.finding(task, doc, heading.line, message, key=f"section:{heading.key}:{len(groups)}",
                               related=related)
        return _categorised(finding, places)

    def _report_many(self, task: TaskDocs, groups: list[Copies]) -> Finding:
        """Several blocks repeated among the same files: one finding naming every block and place."""
        places = groups[0].places
        doc, unit = places[0].doc, places[0].unit
        files = list(dict.fromkeys(p.doc.name for g in groups for p in g.places))
        quoted = [repr(f) for f in files]
        among = f"in {quoted[0]}" if len(files) == 1 else f"between {', '.join(quoted[:-1])} and {quoted[-1]}"
        shown = [f"{g.places[0].unit.shown!r} ({', '.join(_place(p.doc, p.unit.line, doc) for p in g.places)})"
                 for g in groups]
        edited = "" if all(g.exact for g in groups) else ", some with edits"
        message = (f"{len(groups)} blocks are repeated {among}{edited}: {_named(shown, limit=_MAX_BLOCKS_NAMED)};"
                   " the copies will drift apart.")
        related = [(p.doc, p.unit.line) for g in groups for p in g.places][1:]
        finding = self.finding(task, doc, unit.line, message, key=f"files:{'|'.join(files)}", related=related)
        return _categorised(finding, places)

    def _report_tracker(self, task: TaskDocs, plan: Document, tasks: Document,
                        phases_at: list[tuple[str, int, int, int]]) -> Finding:
        """The plan ticks off the same phases as the tasks file: one finding at the plan's first."""
        names = ", ".join(name for name, _, _, _ in phases_at)
        boxes = sum(count for _, _, count, _ in phases_at)
        where = ", ".join(f"{tasks.name}:{line}" for _, _, _, line in phases_at[:_MAX_PLACES_NAMED])
        message = (f"The plan keeps its own checklist ({boxes} boxes) for {names}, which {tasks.name!r} "
                   f"also tracks ({where}); two trackers of the same work drift apart.")
        related = [(plan, line) for _, line, _, _ in phases_at[1:]] + [(tasks, line) for *_, line in phases_at]
        return self.finding(task, plan, phases_at[0][1], message, key="tracker", related=related,
                            fix="Keep the checkboxes in the tasks file; let the plan describe each phase "
                                "and point to its tasks.")


def _second_tracker(task: TaskDocs) -> tuple[Document, Document, list[tuple[str, int, int, int]]] | None:
    """(plan, tasks, [(phase, plan heading line, plan work boxes, tasks heading line)]) when the plan
    holds work boxes under phases the tasks file also tracks with boxes; acceptance criteria and
    test or verification boxes in the plan are checks, not a second tracker."""
    plan, tasks = task.plan, task.tasks
    if plan is None or tasks is None or not plan.items or not tasks.items:
        return None
    tracked = {p.id: p.section.line for p in phases(tasks) if tasks.items_in(p.section)}
    found: list[tuple[str, int, int, int]] = []
    seen: set[str] = set()
    for phase in phases(plan):
        if phase.id not in tracked or phase.id in seen:
            continue
        work = [i for i in plan.items_in(phase.section) if _work_box(plan, i)]
        if len(work) >= _TRACKER_MIN_BOXES:
            seen.add(phase.id)
            found.append((phase.id, phase.section.line, len(work), tracked[phase.id]))
    return (plan, tasks, found) if len(found) >= _TRACKER_MIN_PHASES else None


def _work_box(doc: Document, item: CheckItem) -> bool:
    """A box of work to do, not a check: not under a criteria heading, not a test or verification
    step, and its list not introduced by a line naming checks ("**Acceptance criteria:**")."""
    if in_criteria_section(doc, item) or is_verification(doc, item):
        return False
    intro = doc.derive(_list_intros)[item.line - 1]
    return not (intro and _CHECKS_LABEL_RE.search(doc.line_text(intro)))


def _list_intros(doc: Document) -> tuple[int, ...]:
    """For every line, the last line before it that is neither a list item nor indented (the line
    that introduces the list it is in; 0 for none). One pass over the document."""
    intros: list[int] = []
    last = 0
    for number, text in enumerate(doc.lines, start=1):
        intros.append(last)
        if not (_ITEM_LINE_RE.match(text) or text[:1].isspace()):
            last = number
    return tuple(intros)


def _plan_and_tasks(task: TaskDocs, files: tuple[str, ...]) -> bool:
    """Whether copies among *files* already tie the plan to the tasks file (DOC040 reports them)."""
    paths = {d.path for d in (task.plan, task.tasks) if d is not None}
    return len(paths) == 2 and paths <= set(files)


def _merged_into_supersets(by_files: dict[tuple[str, ...], list[Copies]]) -> dict[tuple[str, ...], list[Copies]]:
    """Copies among some files join the copies among more files that include them (plan and tasks
    into plan, context and tasks): one finding tells one spread of copies. Copies within one file
    stay apart (they are that file's own problem). Groups keep their order (first place first)."""
    homes: dict[tuple[str, ...], tuple[str, ...]] = {}
    for files in by_files:
        wider = [other for other in by_files if len(files) > 1 and set(files) < set(other)]
        homes[files] = max(wider, key=len) if wider else files
    merged: dict[tuple[str, ...], list[Copies]] = {}
    for files, groups in by_files.items():
        merged.setdefault(homes[files], []).extend(groups)
    order = {id(group): index for index, group in enumerate(g for groups in by_files.values() for g in groups)}
    return {files: sorted(groups, key=lambda g: order[id(g)]) for files, groups in merged.items()}


def _repeated_form(group: Copies) -> bool:
    """The same ``Label: value`` block several times in one file: one form filled in per item
    (each test's "Expected / Result"), not a copy. Across files such a block is a copy."""
    return len({p.doc.path for p in group.places}) == 1 and all(p.unit.is_record for p in group.places)


def _sections(group: Copies) -> tuple[tuple[str, int], ...] | None:
    """(path, section index) of every place, or None when a place is outside any section."""
    found = []
    for place in group.places:
        index = innermost_section(place.doc.sections, place.unit.line)
        if index is None:
            return None
        found.append((place.doc.path, index))
    return tuple(found)


def _categorised(finding: Finding, places: tuple[Place, ...]) -> Finding:
    """Copies within one plan, context or tasks file belong to that file's category."""
    role = places[0].doc.role
    if len({p.doc.path for p in places}) == 1 and role in ROLE_CATEGORY:
        return finding.with_changes(category=ROLE_CATEGORY[role])
    return finding


def _named(places: list[str], limit: int = _MAX_PLACES_NAMED) -> str:
    extra = len(places) - limit
    return ", ".join(places[:limit]) + (f" and {extra} more" if extra > 0 else "")


def _place(doc: Document, line: int, first: Document) -> str:
    """``line 40`` in the first place's file, ``x-tasks.md:40`` in another."""
    return f"line {line}" if doc.path == first.path else f"{doc.name}:{line}"


