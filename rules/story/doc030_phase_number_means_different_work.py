"""DOC030 phase-number-means-different-work."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, TaskDocs
from rules.core.phase_identity import (
    PhaseRef,
    generic_stems,
    phase_refs,
    ref_from_text,
    shares_word,
    task_refs,
    titles_match,
)
from rules.core.phases import MENTION_RE, PHASE_CUES, short
from rules.core.rule import Rule, RuleContext
from rules.core.sections import in_log_at


class PhaseNumberMeansDifferentWork(Rule):
    """The same phase number names different work in two files of the task.

    A phase heading is ``Phase N: title``. When the plan's ``Phase 2`` and the tasks file's
    ``Phase 2`` have titles that share no meaningful word (after status, size and filler words,
    and words that title most phases of the task, such as ``Tests`` in a testing project), the
    files number their phases differently. Reported when two numbers clash, or one clashes and its
    title is another number's in the reference (the phases were renumbered): one lone clash may be
    a rewording, and new work is CON003's finding. The plan is the reference, then the tasks file;
    a heading without a title (``Phase 2 Complete ✅``) matches any phase of its number. One file
    that titles a number twice with titles sharing no word (an overview's ``Phase 3: Multi-region``
    and a breakdown's ``Phase 3: Billing``) is reported too.

    Why: "Phase 2 is done" then means one thing to a reader of the plan and another to a reader of
    the tasks file. Status notes, estimates and dependencies that cite a phase by number land on
    the wrong work.

    Bad:
        report-plan.md:   ### Phase 2: CSV export
        report-tasks.md:  ## Phase 2: Email scheduling

    Good:
        report-plan.md:   ### Phase 2: CSV export
        report-tasks.md:  ## Phase 2: CSV export (streamed writer)
    """

    code = "DOC030"
    name = "phase-number-means-different-work"
    category = Category.CONSISTENCY
    severity = Severity.MEDIUM
    rationale = "A phase number that names different work per file makes every reference to it ambiguous."
    fix = "Number the phases the same way in every file (renumber, or rename the odd heading)."
    effort_minutes = 10

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        generic = generic_stems(task_refs(task))
        docs = [d for d in (task.plan, task.tasks, task.context) if d is not None]
        titled = {id(d): _titles(d, generic) for d in docs}
        for index, reference in enumerate(docs):
            for other in docs[index + 1:]:
                clashes = [
                    (refs[0], titled[id(reference)][phase_id][0])
                    for phase_id, refs in titled[id(other)].items()
                    if phase_id in titled[id(reference)]
                    and _first_reference(docs, titled, phase_id) is reference
                    and not titles_match(_stems(refs, generic), _stems(titled[id(reference)][phase_id], generic))
                ]
                if len(clashes) >= 2 or any(_shifted(here, titled[id(reference)], generic) for here, _ in clashes):
                    yield self._report(task, other, reference, clashes)
        for doc in docs:
            yield from self._within(task, doc, titled[id(doc)], generic)

    def merge(self, findings: Sequence[Finding]) -> Finding:
        """A task's phase-numbering clashes (between files, within one) as one finding, each in turn:
        a reviewer writes "the files number their phases differently" once."""
        shown = " ".join(f"({number}) {f.message}" for number, f in enumerate(findings, start=1))
        return self.merged(findings[0], findings, message=f"The task's phase numbers mean different work: {shown}",
                           fix=self.fix, effort_minutes=min(30, sum(f.effort_minutes for f in findings)))

    def _within(self, task: TaskDocs, doc: Document, titled: dict[str, list[PhaseRef]],
                generic: frozenset[str]) -> Iterator[Finding]:
        """One file titles the same phase number twice with titles that share no word (an overview
        that says Phase 3 is one thing, a breakdown that makes it another)."""
        clashes = [(refs[0], later) for refs in titled.values() for later in refs[1:]
                   if not shares_word(refs[0].stems - generic, later.stems - generic)]
        if not clashes:
            return
        clashes.sort(key=lambda pair: pair[1].line)
        shown = "; ".join(f"{first.id} is {short(first.title, 40)!r} at line {first.line} and "
                          f"{short(later.title, 40)!r} at line {later.line}" for first, later in clashes[:3])
        yield self.finding(
            task, doc, clashes[0][1].line,
            f"{doc.name} gives one phase number two different pieces of work: {shown}.",
            key=f"{doc.role}:self:" + ",".join(first.id for first, _ in clashes),
            related=[(ref.doc, ref.line) for pair in clashes for ref in pair],
        )

    def _report(self, task: TaskDocs, doc: Document, reference: Document,
                clashes: list[tuple[PhaseRef, PhaseRef]]) -> Finding:
        clashes.sort(key=lambda pair: pair[0].line)
        shown = "; ".join(f"{here.id} is {short(here.title, 40)!r} here but {short(there.title, 40)!r} in "
                          f"{reference.name}:{there.line}" for here, there in clashes[:3])
        more = f" (and {len(clashes) - 3} more)" if len(clashes) > 3 else ""
        return self.finding(
            task, doc, clashes[0][0].line,
            f"{doc.name} numbers its phases differently from {reference.name}: {shown}{more}.",
            key=f"{reference.role}:" + ",".join(here.id for here, _ in clashes),
            related=[(ref.doc, ref.line) for pair in clashes for ref in pair],
            effort_minutes=min(30, 5 * len(clashes) + 5),
        )


def _titles(doc: Document, generic: frozenset[str]) -> dict[str, list[PhaseRef]]:
    """Each phase id of *doc* with the headings (and bold phase lines) that give it a meaningful title."""
    found: dict[str, list[PhaseRef]] = {}
    for ref in (*phase_refs(doc), *doc.derive(_bold_refs)):
        if ref.stems - generic:
            found.setdefault(ref.id, []).append(ref)
    return found


# A line that opens (after list markers and status marks) with the phase in bold, id and title together:
# "⏳ **Phase 4: Embedding Generation** (25-60 min)", not "**Phase 1:** complete the foundation".
_BOLD_PHASE_RE = re.compile(r"^[\W_]*?\*\*([^*\n]{3,80})\*\*")


def _bold_refs(doc: Document) -> tuple[PhaseRef, ...]:
    """Phases a file names in bold lines rather than headings (a context's phase list), outside code
    and logs (a log's phase numbers are the history of another numbering)."""
    found: list[PhaseRef] = []
    heading_lines = {s.line for s in doc.sections}
    for number in doc.lines_containing(PHASE_CUES):
        match = _BOLD_PHASE_RE.match(doc.line_text(number))
        if (match is None or number in doc.code_lines or number in heading_lines
                or MENTION_RE.match(match.group(1)) is None or in_log_at(doc, doc.section_index(number))):
            continue
        ref = ref_from_text(doc, number, match.group(1))
        if ref is not None and ref.stems:
            found.append(ref)
    return tuple(found)


def _stems(refs: list[PhaseRef], generic: frozenset[str]) -> frozenset[str]:
    """Every meaningful stem one file gives a phase: a phase titled twice matches either title."""
    return frozenset(word for ref in refs for word in ref.stems) - generic


def _shifted(here: PhaseRef, reference: dict[str, list[PhaseRef]], generic: frozenset[str]) -> bool:
    """The reference file gives this title to another number: the phases were renumbered, not reworded."""
    return any(phase_id != here.id and shares_word(here.stems - generic, _stems(refs, generic))
               for phase_id, refs in reference.items())


def _first_reference(docs: list[Document], titled: dict[int, dict[str, list[PhaseRef]]],
                     phase_id: str) -> Document | None:
    """The file a phase is judged against: the plan if it titles it, else the tasks file."""
    return next((d for d in docs if phase_id in titled[id(d)]), None)
