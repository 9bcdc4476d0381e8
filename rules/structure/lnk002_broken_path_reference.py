"""LNK002 broken-path-reference."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from rules.core.discovery import role_of
from rules.core.finding import ROLE_CATEGORY, Category, Finding, Severity
from rules.core.model import Document, Role, TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.core.state import finished
from rules.structure._mentions import (
    Mention,
    elsewhere,
    is_document,
    mentions,
    open_box,
    prospective,
    records_existing,
    under_key_files,
)
from rules.structure._paths import folder_of, resolve, suggest
from rules.structure._places import merge_references
from rules.structure._tree import Tree


class BrokenPathReference(Rule):
    """A file path written as text or in a code span (not a link) names a file that does not exist.

    Checked like LNK001's links, and only when the engine has the repository's tree (the CLI on a
    checkout, the App with a complete tree; silent otherwise). Candidates are paths with a folder
    part (``docs/GUIDE.md``, ``../other-task/REPORT.md``, ``src/auth/session.py``) and Markdown file
    names (``RUNBOOK.md``). A path is found when it exists from the document's folder, from the
    repository root, or at the end of any repository path (``web/src/x.ts`` for ``src/x.ts``); a
    file name when any file has it. A missing document is reported; a missing source file only
    when it moved (exactly one file of that name is elsewhere: the fix names it), since a source
    file that is not there is as often one still to write, or when the document gives it as an
    existing file and its folder is in the repository: a ticked box that made or changed it, a line
    or table row (not an open box) that modifies it ("| ``ci.yml`` | Modify |"), or a "Key Files"
    map (``핵심 파일``; not a part of one that marks some of its files as still to come). A
    ``views.py`` whose folder now holds a ``views/`` package is not reported.

    Left alone, for precision: a ticked box that removed, archived or moved the file ("Remove
    ``x.md``", "x.md 아카이브 이동"); files in a list about a note store outside the repository
    (Obsidian, Notion, Confluence, Google Drive, a wiki or vault, named in the line, the list above
    it, its introducing line or its heading); URLs and
    host names, absolute and home paths, globs, placeholders
    (``<task>``, ``{name}``, ``…``, ``step-N.md``); code blocks (commands, file trees); the plan,
    except ``../`` references, files it gives as existing (as above: a "Key Files" map, a "Modify"
    row) and documents that moved (a plan lists the files the work will create, but a
    ``docs/spec/X.md`` it cites outside any creation wording, whose name is now only at
    ``docs/archive/X.md``, is gone);
    lines about files still to come (an open checkbox, a creation word such as "create", "add",
    "new", "will", "rename", or ``생성 예정``, ``新建``, ``作成``, ``nowe`` in the line, in the line that
    introduces its list or table, or in a heading above it, or a section still open; a ticked
    checkbox counts as done), except, once the work is finished, a context or tasks line (not an
    open box) that made a file which has moved since (``| src/x.py | **New** |`` while ``x.py`` is
    now at exactly one other place): that line is the record of where the file was made; paths whose
    first folder is nowhere in the tree (about
    another repository); ``plan.md``, ``context.md``, ``tasks.md`` (the generic names of a task's
    own files); the task's own plan, context or tasks file when the task has none (STR001-STR003
    report that absence). When the tree holds nothing but the doc roots (a docs-only snapshot),
    only paths inside the doc roots are checked, and no bare file name. Archived tasks are read as
    well: the record is what a later reader follows.

    The broken paths of a task are one finding (a reviewer writes "these files do not exist", once),
    at the first one in the document that holds most of them (its category, its message), naming the
    others (five, then a count) and keeping every place as a related location; it deducts what the
    separate findings would, and its effort is five minutes a path. The engine merges them after
    waivers (:meth:`merge`), so a waiver in one file leaves the paths of the others reported.

    Why: "read ``../auth-refresh/REPORT.md``" or "see RUNBOOK.md" is how a document sends a reader
    (or an agent resuming the work) somewhere; when the file moved or never existed, the
    instruction fails silently.

    Bad:
        (dev/active/billing/billing-context.md; the v1 task was archived to dev/archive/)
        1. Read the notes in `../invoices-v1/REPORT.md`, then RUNBOOK.md.
        (billing-tasks.md; lib/ holds no cleanup.sh)
        - [x] Add lib/cleanup.sh with the EXIT trap

    Good:
        1. Read the notes in `../../archive/invoices-v1/REPORT.md`, then `/ops/RUNBOOK.md`.
    """

    code = "LNK002"
    name = "broken-path-reference"
    category = Category.STRUCTURE
    severity = Severity.LOW
    rationale = "A path the reader is told to open that does not exist sends them (or an agent) nowhere."
    fix = "Correct the path (relative to the document's folder, or from the repository root), or drop it."
    effort_minutes = 5

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        if not ctx.has_tree:
            return  # an archived task too: its references are what a reader of the record follows
        tree = Tree(ctx)
        done = finished(task) is not None
        for doc in task.documents:
            folder = folder_of(doc.path)
            seen: set[str] = set()
            for mention in mentions(doc):
                if mention.text in seen or elsewhere(doc, mention.line):
                    continue
                recorded = records_existing(doc, mention.line)
                if not recorded and prospective(doc, mention.line):
                    if not (done and _made_and_moved(doc, mention, tree)):
                        continue  # a file still to come here may be cited as existing further down
                    recorded = True
                recorded = recorded or under_key_files(doc, mention.line)
                planned = doc.role is Role.PLAN and not mention.text.startswith("../") and not recorded
                if planned and not _moved_document(mention, tree):
                    continue  # a plan names the files the work will create; a document that moved it only cites
                seen.add(mention.text)
                broken = _broken(folder, mention, tree, ctx, task, recorded=recorded)
                if broken is not None:
                    text, fix = broken
                    finding = self.finding(task, doc, mention.line, text, key=mention.text, fix=fix)
                    yield finding.in_role_category(doc.acting_role)  # a broken reference is that document's problem

    def merge(self, findings: Sequence[Finding]) -> Finding:
        return merge_references(self, findings, "path")


def _broken(folder: str, mention: Mention, tree: Tree, ctx: RuleContext,
            task: TaskDocs, *, recorded: bool = False) -> tuple[str, str | None] | None:
    """Why *mention* is broken (message, fix), or None when it resolves or nothing can be said."""
    path = mention.text
    if mention.bare:
        return _bare(path, tree, task)
    resolved = resolve(folder, path)
    if resolved is None or not tree.anchored(folder, path):
        return None
    relative = path.startswith("../")
    if tree.docs_only and not (tree.in_docs(resolved) and (relative or tree.in_docs(path))):
        return None  # the engine holds the docs only: nothing is known about paths outside them
    if tree.locates(resolved, path):
        return None
    name = path.rsplit("/", 1)[-1]
    own = folder_of(resolved) == task.path or path.lstrip("/") == f"{task.path}/{name}"
    if own and _missing_role(task, name):
        return None  # the task's own plan, context or tasks file is missing: STR001-STR003 say so once
    moved = tree.only_file_named(name)
    if not is_document(name) and moved is None:
        parent = _existing_parent(resolved, path, tree) if recorded else None
        if parent is None or tree.has(f"{parent}/{name.rsplit('.', 1)[0]}"):  # views.py now a views/ package
            return None  # a source file that is not there may be one still to write: only a moved one is sure
        return (f"Path {path!r} is given here as an existing file, but the repository's {parent + '/'!r} "
                "holds no such file.", suggest(path, folder, ctx, tree.depth))
    fix = suggest(path, folder, ctx, tree.depth)
    if moved is not None and fix is None:
        fix = f"A file of that name is at {moved!r}: point to it, or drop the reference."
    if relative:
        return f"Path {path!r} names {resolved!r}, which is not in the repository.", fix
    return (f"Path {path!r} is not in the repository (neither from {folder + '/'!r} nor from the root, "
            "nor at the end of any path).", fix)


def _existing_parent(resolved: str, path: str, tree: Tree) -> str | None:
    """The folder of *path* as the repository has it (seen from the document's folder, or at the end
    of a repository path when written from the root), or None when that folder is not there either."""
    if "/" in resolved and tree.has(parent := folder_of(resolved)):
        return parent
    if not path.startswith("../") and "/" in path and tree.found(parent := folder_of(path)):
        return parent
    return None


def _moved_document(mention: Mention, tree: Tree) -> bool:
    """A Markdown document with a folder part whose name is now at exactly one other place."""
    name = mention.text.rsplit("/", 1)[-1]
    return not mention.bare and is_document(name) and tree.only_file_named(name) is not None


def _made_and_moved(doc: Document, mention: Mention, tree: Tree) -> bool:
    """Whether a creation line of finished work (``| src/x.py | **New** |``; not the plan, not an open
    box) names a file that was made and has moved since: its name is now at exactly one other place."""
    if doc.role is Role.PLAN or mention.bare or open_box(doc, mention.line):
        return False
    return tree.only_file_named(mention.text.rsplit("/", 1)[-1]) is not None


def _missing_role(task: TaskDocs, name: str) -> bool:
    """Whether *name* is the file of one of the task's three roles and the task has no such file."""
    role, prefix = role_of(name)
    if task.loose and prefix != task.name.lower():
        return False  # loose files share their folder: only this task's prefix names its own file
    return role in ROLE_CATEGORY and {Role.PLAN: task.plan, Role.CONTEXT: task.context,
                                       Role.TASKS: task.tasks}[role] is None


def _bare(name: str, tree: Tree, task: TaskDocs) -> tuple[str, str | None] | None:
    """A Markdown file name without a folder: found when any file in the repository has that name.
    ``plan.md``, ``context.md``, ``tasks.md`` are how the docs name their own three files, whatever
    the prefix, and are never reported; so is a short name for a file of the task that carries
    a prefix (``curriculum.md`` for ``phase2-curriculum.md``)."""
    role, prefix = role_of(name)
    if tree.docs_only or (role is not Role.EXTRA and not prefix) or tree.found(name):
        return None
    short = name.lower()
    if any(p.lower().endswith(("-" + short, "_" + short)) for p in task.all_paths):
        return None
    return f"No file named {name!r} is in the repository.", None

