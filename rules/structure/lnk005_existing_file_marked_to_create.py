"""LNK005 existing-file-marked-to-create."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.structure._mentions import mentions
from rules.structure._paths import folder_of, resolve
from rules.structure._tree import Tree

# A file said to be still to come: "(to create)", "(to be created)", "| Not yet built |",
# "doesn't exist yet", "TODO: create". Not a condition: "If `http.py` doesn't exist yet, add a stub".
_TO_CREATE_RE = re.compile(
    r"(?i)\((?:to (?:be )?create[d]?|new,? (?:to (?:be )?)?create[d]?|not (?:yet )?(?:created|built|written))\)"
    r"|\bnot (?:yet )?(?:created|built|written|implemented)(?: yet)?\b|\bdoes(?:n't| not) exist yet\b"
    r"|\bto be created\b|\btodo:? create\b"
)
_CONDITION_RE = re.compile(r"(?i)\b(?:if|unless|whether|when|once)\b")
_NEEDLES = ("create", "not yet", "not built", "not written", "not implemented", "exist yet")


class ExistingFileMarkedToCreate(Rule):
    """The context says a file is still to be created, and the repository has it.

    Reads the context (the living state), outside code blocks: a line that names a file path and says
    it is still to come — "(to create)", "(to be created)", a "Not yet built" cell, "doesn't exist
    yet", "TODO: create" — while that path is in the repository (from the document's folder, from the
    root, or at the end of a repository path). Not a condition ("If `http.py` doesn't exist yet, add a
    stub"). Only when the engine has the repository's tree; never for archived tasks (they describe
    the repository as it was). One finding for the context, at the first such path, naming the others.

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
        if doc is None or not ctx.has_tree or task.archived:
            return
        tree = Tree(ctx)
        if tree.docs_only:
            return
        marked = {number for number in doc.lines_containing(_NEEDLES)
                  if number not in doc.code_lines and _TO_CREATE_RE.search(text := doc.line_text(number))
                  and not _CONDITION_RE.search(text)}
        if not marked:
            return
        folder = folder_of(doc.path)
        stale: dict[str, int] = {}  # path -> first line marking it
        for mention in mentions(doc):
            if mention.line not in marked or mention.bare or mention.text in stale:
                continue
            if tree.locates(resolve(folder, mention.text), mention.text):
                stale[mention.text] = mention.line
        if not stale:
            return
        (first, line), *others = stale.items()
        if others:
            named = ", ".join(repr(p) for p, _line in others[:3]) + (", …" if len(others) > 3 else "")
            message = (f"{first!r} (and {len(others)} more: {named}) are still marked as to be created here, "
                       "but the repository has them.")
        else:
            message = f"{first!r} is still marked as to be created here, but the repository has it."
        finding = self.finding(task, doc, line, message, key="to-create",
                               related=[(doc, n) for _p, n in others[:10]])
        yield finding.in_role_category(doc.role)
