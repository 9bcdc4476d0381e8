"""LNK005 existing-file-marked-to-create."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.core.sections import NEXT, in_log_at
from rules.structure._mentions import mentions
from rules.structure._paths import folder_of, path_ends, resolve
from rules.structure._tree import Tree

# A file said to be still to come: "(to create)", "(to be created)", "| Not yet built |",
# "doesn't exist yet", "TODO: create". Not a condition: "If `http.py` doesn't exist yet, add a stub".
_TO_CREATE_RE = re.compile(
    r"(?i)\((?:to (?:be )?create[d]?|new,? (?:to (?:be )?)?create[d]?|not (?:yet )?(?:created|built|written))\)"
    r"|\bnot (?:yet )?(?:created|built|written|implemented)(?: yet)?\b|\bdoes(?:n't| not) exist yet\b"
    r"|\bto be created\b|\btodo:? create\b"
)
_CONDITION_RE = re.compile(r"(?i)\b(?:if|unless|whether|when|once)\b")
# A section that lists what is still to come: "### Files to Create", "## To Be Created", "### Do utworzenia"
# (Polish), "Zu erstellen" (German), "Archivos a crear" (Spanish), "Fichiers à créer" (French). Matched on the
# normalised heading; "New Files" alone is not one (a summary of files made says it too).
_TO_CREATE_HEADING_RE = re.compile(
    r"(?:^|\s)(?:to (?:be )?created?|do utworzenia|zu erstellen|(?:a|por) crear|à créer)(?:\s|$)")
_NEEDLES = ("create", "not yet", "not built", "not written", "not implemented", "exist yet")


class ExistingFileMarkedToCreate(Rule):
    """The context says a file is still to be created, and the repository has it or a ticked box made it.

    Reads the context (the living state), outside code blocks: a line that names a file path and says
    it is still to come — "(to create)", "(to be created)", a "Not yet built" cell, "doesn't exist
    yet", "TODO: create", a step of a next-steps or resume section (not one in a log) that says to
    create it ("1. Create `src/feed.py` with the renderer"), or a line of a section whose heading says
    its files are still to come ("### Files to Create", "To Be Created", "Do utworzenia"; not a bare
    "New Files", which a summary of the files made uses too) — while that path is in the repository
    (from the document's folder, from the root, or at the end of a repository path), or a ticked box of
    the tasks file names it (the box that made it). Not a condition ("If `http.py` doesn't exist yet,
    add a stub"). The repository counts only when the engine has its tree, and never for archived
    tasks (they describe the repository as it was); a ticked box counts for them too. One finding for
    the context, at the first such path, naming the others.

    Why: the context is what the next session resumes from. A file it still lists as to be created
    sends that session to write what exists, or tells it the work has not started where it has: the
    state section was written before the work and never updated.

    Bad:
        (src/fontConfig.js is in the repository)
        | `src/fontConfig.js` | (to create) the font parameters |

    Good:
        | `src/fontConfig.js` | the font parameters (created in Phase 2) |
    """

    code = "LNK005"
    name = "existing-file-marked-to-create"
    category = Category.CONTEXT
    severity = Severity.LOW
    rationale = "A context that still lists existing files as to be created describes the state before the work."
    fix = "Update the line: the file exists now (say what it holds, or when it was created)."
    effort_minutes = 5

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        doc = task.context
        if doc is None:
            return
        marked = {number for number in doc.lines_containing(_NEEDLES)
                  if number not in doc.code_lines and _TO_CREATE_RE.search(text := doc.line_text(number))
                  and not _CONDITION_RE.search(text)}
        marked |= _next_creations(doc)
        marked |= _to_create_sections(doc)
        if not marked:
            return
        # the repository as it is now says nothing of an archived task's files; a ticked box always speaks
        tree = Tree(ctx) if ctx.has_tree and not task.archived else None
        tree = tree if tree is not None and not tree.docs_only else None
        ticked = _TickedPaths(_ticked_paths(task))
        folder = folder_of(doc.path)
        stale: dict[str, tuple[int, int | None]] = {}  # path -> (first line marking it, the box creating it)
        for mention in mentions(doc):
            if mention.line not in marked or mention.bare or mention.text in stale:
                continue
            box = ticked.first_box(mention.text)
            if box is not None or (tree is not None and tree.locates(resolve(folder, mention.text), mention.text)):
                stale[mention.text] = (mention.line, box)
        if not stale:
            return
        (first, (line, _box)), *others = stale.items()
        boxes = [b for _line, b in stale.values() if b is not None]  # only a tasks file has ticked boxes
        where = (f"{task.tasks.name}:{boxes[0]} ticks {'them' if len(boxes) == len(stale) else 'some'} as done"
                 if boxes and task.tasks is not None else f"the repository has {'them' if others else 'it'}")
        if others:
            named = ", ".join(repr(p) for p, _ in others[:3]) + (", …" if len(others) > 3 else "")
            message = (f"{first!r} (and {len(others)} more: {named}) are still marked as to be created here, "
                       f"but {where}.")
        else:
            message = f"{first!r} is still marked as to be created here, but {where}."
        related = [(doc, n) for _p, (n, _b) in others[:10]]
        if boxes and task.tasks is not None:
            related += [(task.tasks, b) for b in boxes[:5]]
        finding = self.finding(task, doc, line, message, key="to-create", related=related)
        yield finding.in_role_category(doc.acting_role)


_CREATE_STEP_RE = re.compile(r"(?i)\bcreat(?:e|ing)\b")


def _next_creations(doc: Document) -> set[int]:
    """Lines of the next-steps and resume sections (not in a log) that say to create something."""
    found: set[int] = set()
    for index, section in enumerate(doc.sections):
        if NEXT.search(section.key) and not in_log_at(doc, index):
            found.update(n for n in range(section.line + 1, section.end_line + 1)
                         if n not in doc.code_lines and _CREATE_STEP_RE.search(text := doc.line_text(n))
                         and not _CONDITION_RE.search(text))
    return found


def _to_create_sections(doc: Document) -> set[int]:
    """Lines (outside code, not a condition) of the sections whose heading says their files are still to be created."""
    return {n for section in doc.sections if _TO_CREATE_HEADING_RE.search(section.key)
            for n in range(section.line + 1, section.end_line + 1)
            if n not in doc.code_lines and not _CONDITION_RE.search(doc.line_text(n))}


def _ticked_paths(task: TaskDocs) -> list[tuple[str, int]]:
    """(path, line) of each path a ticked box of the tasks file names: the file it made."""
    tasks = task.tasks
    if tasks is None:
        return []
    ticked = {n for item in tasks.items if item.checked for n in item.lines}
    return [(m.text.rstrip("/"), m.line) for m in mentions(tasks) if m.line in ticked and not m.bare]


class _TickedPaths:
    """The paths the ticked boxes name, looked up as ``ends_alike`` matches them (the same path, or one
    ending in the other at a folder boundary) with a few dict probes per path, not a scan of every box:
    a context listing thousands of paths against a tasks file ticking thousands stays linear."""

    def __init__(self, ticked: list[tuple[str, int]]) -> None:
        self._by_end: dict[str, tuple[int, int]] = {}  # each folder-boundary end of a ticked path -> (order, line)
        self._by_path: dict[str, tuple[int, int]] = {}  # each ticked path -> (order, line)
        for order, (named, line) in enumerate(ticked):
            self._by_path.setdefault(named, (order, line))
            for end in _ends(named):
                self._by_end.setdefault(end, (order, line))

    def first_box(self, path: str) -> int | None:
        """The line of the first ticked box naming *path*, or None."""
        wanted = path.rstrip("/")
        found = [self._by_end.get(wanted), *(self._by_path.get(end) for end in _ends(wanted))]
        hits = [hit for hit in found if hit is not None]
        return min(hits)[1] if hits else None


_MAX_SEGMENTS = 64  # no real path is deeper; a longer one is looked up whole and by its last segments


def _ends(path: str) -> list[str]:
    """``a/b/c`` -> ``a/b/c``, ``b/c``, ``c``: the path and its ends at folder boundaries."""
    parts = path.split("/")
    if len(parts) <= _MAX_SEGMENTS:
        return list(path_ends(path))
    return [path, *path_ends("/".join(parts[-_MAX_SEGMENTS:]))]
