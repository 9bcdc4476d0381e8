"""DOC040 duplicated-content."""

from __future__ import annotations

from collections.abc import Iterator

from rules.core.duplicates import Copies, Place, copies, left_to_ctx008
from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, Role, TaskDocs, innermost_section
from rules.core.rule import Rule, RuleContext

_KIND_NAMES = {"paragraph": "paragraph", "list": "list", "code": "code block"}
_ROLE_CATEGORY = {Role.PLAN: Category.PLAN, Role.CONTEXT: Category.CONTEXT, Role.TASKS: Category.TASKS}
_MAX_PLACES_NAMED = 8
_MAX_BLOCKS_NAMED = 4


class DuplicatedContent(Rule):
    """The same paragraph, list or code block appears in several places of a task folder.

    Units are paragraphs, lists and code blocks, compared after normalising whitespace, case,
    Markdown emphasis, link targets and checkbox ticks, so a re-wrapped copy or a second checklist
    of the same items still matches. A copy in another file that was edited afterwards still
    counts when most of its lines are the same (three lines or more, 90 characters, 60% of the
    longer block), or, for a list, when most of its items are the other's reworded (three items and
    60% of the longer list each sharing 70% of their content words with an item there); within one
    file an edited copy is usually a deliberate before/after pair and is not reported, and the
    tasks file restating the plan's steps in its own words is the checklist doing its job. Short units are never duplicates: a paragraph or list needs 12 words and 70
    characters, a code block two lines and 40 characters (or one line of 80); templates to fill in
    (``Completed: YYYY-MM-DD``, ``TBD``) and comment blocks never count, nor a block of
    ``Label: value`` lines repeated within one file (a form filled in per item), so headings,
    table headers, "N/A", template phrases and a lone ``npm test`` are left alone.

    One finding per set of files sharing copies: a block repeated once is reported at its first
    place, naming every other place (in the message and as related locations); several blocks of
    one section copied into the same other section, at the section's heading; several blocks
    repeated among the same files otherwise (a plan's breakdown copied list by list into the tasks
    file, a command block and a decision restated in the context), at the first block, naming
    every block and every place. A paragraph or list repeated only inside the
    context is CTX008's to report, and CTX008 leaves to this rule every paragraph that this rule
    reports (one also copied into another file, or an edited copy), so no repeat is reported twice.

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
        for groups in by_files.values():
            signatures = {_sections(g) for g in groups}
            if len(groups) == 1:
                yield self._report(task, groups[0])
            elif len(signatures) == 1 and None not in signatures:
                yield self._report_sections(task, signatures.pop() or (), groups)
            else:
                yield self._report_many(task, groups)

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
        files = list(dict.fromkeys(p.doc.name for p in places))
        among = f"in {files[0]!r}" if len(files) == 1 else "between " + " and ".join(repr(f) for f in files)
        shown = [f"{g.places[0].unit.shown!r} ({', '.join(_place(p.doc, p.unit.line, doc) for p in g.places)})"
                 for g in groups]
        edited = "" if all(g.exact for g in groups) else ", some with edits"
        message = (f"{len(groups)} blocks are repeated {among}{edited}: {_named(shown, limit=_MAX_BLOCKS_NAMED)};"
                   " the copies will drift apart.")
        related = [(p.doc, p.unit.line) for g in groups for p in g.places][1:]
        finding = self.finding(task, doc, unit.line, message, key=f"files:{'|'.join(files)}", related=related)
        return _categorised(finding, places)


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
    if len({p.doc.path for p in places}) == 1 and role in _ROLE_CATEGORY:
        return finding.with_changes(category=_ROLE_CATEGORY[role])
    return finding


def _named(places: list[str], limit: int = _MAX_PLACES_NAMED) -> str:
    extra = len(places) - limit
    return ", ".join(places[:limit]) + (f" and {extra} more" if extra > 0 else "")


def _place(doc: Document, line: int, first: Document) -> str:
    """``line 40`` in the first place's file, ``x-tasks.md:40`` in another."""
    return f"line {line}" if doc.path == first.path else f"{doc.name}:{line}"


