"""CON003 phase-coverage-mismatch."""

from __future__ import annotations

from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, Role, TaskDocs
from rules.core.phase_identity import (
    Mentions,
    generic_stems,
    mentions,
    named_by_title,
    phase_refs,
    stems_after_id,
    task_refs,
    title_stems,
    titles_match,
)
from rules.core.phases import Phase, is_deferred_phase, phases, short
from rules.core.rule import Rule, RuleContext


class PhaseCoverageMismatch(Rule):
    """The plan and the tasks file (or the context) do not cover the same phases.

    A phase is its id (``Phase 3``, ``Phase 2A``, ``Stage B``) and its title (``Phase 3: Billing``;
    rules/core/phase_identity.py). A phase heading in one file must be named somewhere in the
    other: by its id without a title, by its id with a title that shares a meaningful word, or by
    its title under another number (a renumbered phase is DOC030's finding, not missing work). A
    sub-phase covers its parent and the reverse (``Phase 1A`` in the tasks file covers the plan's
    ``Phase 1``). Phases marked optional or deferred, or titled as future work, are left alone in
    either file: a plan's needs no tasks yet, and a tasks file's extra credit is not scope the plan
    must carry. A plan phase is also covered when every meaningful word of its title heads a plain (not
    phase) section of the tasks file (``Phase 5: Docs & Wrap-up`` by ``## Docs`` and ``## Wrap-up
    checks``). A titled phase heading of the context whose number and title the plan never names is scope
    that grew outside the plan (a context heading for a number the plan has reports on that phase;
    a clash of titles is DOC030's finding). Only compared when both files name phases in their
    headings.

    Why: the plan says what will be done and the tasks file tracks doing it. A plan phase with
    no tasks is work nobody will pick up; a tasks phase the plan never mentions is scope that
    was added without its goals, risks or estimate being thought through.

    Bad:
        auth-plan.md:   ### Phase 1: Schema / ### Phase 2: API / ### Phase 3: UI
        auth-tasks.md:  ## Phase 1: Schema / ## Phase 2: API / ## Phase 4: Load test

    Good:
        auth-plan.md:   ### Phase 1: Schema / ### Phase 2: API / ### Phase 3: UI
        auth-tasks.md:  ## Phase 1: Schema / ## Phase 2: API / ## Phase 3: UI
    """

    code = "CON003"
    name = "phase-coverage-mismatch"
    category = Category.CONSISTENCY
    severity = Severity.MEDIUM
    rationale = "Plan phases without tasks are forgotten work; tasks outside the plan are unplanned scope."
    fix = "Give every plan phase its tasks, and add every tasks-file phase to the plan (or drop it)."
    effort_minutes = 15

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        plan, tasks = task.plan, task.tasks
        if plan is None or tasks is None:
            return
        in_plan, in_tasks = phases(plan), phases(tasks)
        if not in_plan or not in_tasks:
            return  # a file without phase headings is another rule's finding
        generic = generic_stems(task_refs(task))
        pairs = [(plan, tasks, "plan"), (tasks, plan, "tasks")]
        if task.context is not None:
            pairs.append((task.context, plan, "context"))
        for source, target, direction in pairs:
            missing = _missing(source, target, generic)
            if missing:
                yield self._report(task, source, target, missing, direction)

    def _report(self, task: TaskDocs, source: Document, target: Document, missing: list[Phase],
                direction: str) -> Finding:
        names = ", ".join(repr(short(p.section.title, 50)) for p in missing)
        kind = {"plan": "plan", "tasks": "tasks-file", "context": "context"}[direction]
        if len(missing) == 1:
            text = f"{kind.capitalize()} phase {names} never appears"
        else:
            text = f"{len(missing)} {kind} phases ({names}) never appear"
        return self.finding(
            task, source, missing[0].section.line,
            f"{text} in {target.name}.",
            key=f"{direction}:" + ",".join(p.id for p in missing),
            effort_minutes=min(60, 10 * len(missing)),
            related=[(source, p.section.line) for p in missing[1:]],
        )


def _missing(source: Document, target: Document, generic: frozenset[str]) -> list[Phase]:
    named = mentions(target)
    split = frozenset(_parent(p.id) for p in phases(target) if _parent(p.id) != p.id)
    every = _Named(named.untitled | frozenset(named.titled), split)
    defined = frozenset(ref.id for ref in phase_refs(target) if ref.stems - generic)
    headed = _Headed(target) if source.role is Role.PLAN else None
    seen: set[str] = set()
    missing = []
    for phase in phases(source):
        if is_deferred_phase(source, phase.section):
            continue  # a future or optional phase: no tasks yet, nor a place in the plan
        title = stems_after_id(phase.section.title, phase.id) - generic
        if source.role is Role.CONTEXT and (not title or _covered_id(phase.id, every)):
            continue  # "Phase 2 Complete ✅", "Phase 2: Notes": the context reports on a phase the plan has
        if phase.id not in seen and not _covered(phase.id, title, named, every, generic, defined) \
                and not (title and headed is not None and headed.cover(title)):
            missing.append(phase)
        seen.add(phase.id)
    return missing


def _covered(phase_id: str, title: frozenset[str], named: Mentions, every: _Named,
             generic: frozenset[str], defined: frozenset[str]) -> bool:
    """Named in the other file by id (a titled mention only when its title agrees; where that file has
    a titled heading of its own for the id, its bare mentions mean that phase), by a sub-phase or
    parent, or by its title under another number."""
    if not title:
        return _covered_id(phase_id, every)
    if phase_id in named.untitled and phase_id not in defined:
        return True
    if any(titles_match(title, stems - generic) for stems in named.titled.get(phase_id, ())):
        return True
    return _covered_by_kin(phase_id, every) or named_by_title(title, named)


class _Headed:
    """The title stems of the headings of a file that are not phase headings. A file that tracks every
    word of a plan phase's title under plain headings (``Documentation Maintenance`` and ``Pre-Wrap
    Checks`` for ``Phase 5: Documentation & Wrap-Up``) covers it; the lookup is by set, with prefixes
    as in :func:`rules.core.phase_identity.shares_word`."""

    def __init__(self, doc: Document) -> None:
        own = frozenset(p.index for p in phases(doc))
        self.words = frozenset(w for i, s in enumerate(doc.sections) if i not in own for w in title_stems(s.title))
        self.starts = self.words | {w[:cut] for w in self.words for cut in range(3, len(w))}

    def cover(self, title: frozenset[str]) -> bool:
        return all((len(w) >= 3 and w in self.starts) or w in self.words
                   or any(w[:cut] in self.words for cut in range(3, len(w))) for w in title)


class _Named:
    """The phase ids a file names, and every prefix of one that a non-digit follows (``Phase 1`` of
    ``Phase 1A`` and ``Phase 1.2``, not of ``Phase 12``), so that coverage is a set lookup."""

    def __init__(self, ids: frozenset[str], split: frozenset[str] = frozenset()) -> None:
        self.ids = ids
        self.split = split  # parents the file splits into sub-phase headings
        self.stems = frozenset(i[:cut] for i in ids for cut in range(1, len(i)) if not i[cut].isdigit())


def _covered_id(phase_id: str, named: _Named) -> bool:
    """``Phase 1`` is covered by ``Phase 1``, ``Phase 1A`` or ``Phase 1.2``; ``Phase 1A`` by ``Phase 1``."""
    return phase_id in named.ids or _covered_by_kin(phase_id, named)


def _covered_by_kin(phase_id: str, named: _Named) -> bool:
    """Covered by a parent (``Phase 1`` for ``Phase 1A``) or a sub-phase (``Phase 1.2`` for ``Phase 1``).
    A parent the other file splits into sub-phase headings of its own (``Phase 7A``, ``Phase 7B``) does
    not cover a sub-phase it does not list (``Phase 7C``)."""
    parent = _parent(phase_id)
    return (parent != phase_id and parent in named.ids and parent not in named.split) or phase_id in named.stems


def _parent(phase_id: str) -> str:
    return phase_id.rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ").split(".")[0]
